package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.api.ApiServer;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Projector mode on a 1280×720 screen with six nodes: every card whole on screen without scrolling,
 * the header on one row, no text under 16 px; switched by the header's button and by ?kiosk=1. Out
 * of projector mode the task history fits 1280 px and 1024 px without scrolling sideways, in both languages.
 * And a phone (390×844) whose header takes little of the screen. axe-core finds nothing in either.
 * With a term's seven-figure counts the six cards fit a 1280×720 and a 1024×768 projector, each count inside its card.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProjectorBrowserTest {
    @RegisterExtension
    static final Dashboard dash = new Dashboard(null);

    private static Cluster cluster;
    private static WebDriver browser;
    private static String page;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        for (int i = 1; i <= 6; i++) {
            cluster.startAgent("nodo" + i, 1);
        }
        page = dash.serve(ApiServer.Config.local(TestRedis.url(), 0));
        browser = dash.keep(WebDriver.start(1280, 900));
        screen(1280, 720, false);
    }

    /** The page's viewport exactly this size (a headless window's size includes room for its toolbars). */
    private static void screen(int width, int height, boolean mobile) throws Exception {
        browser.cdp("Emulation.setDeviceMetricsOverride", java.util.Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", mobile));
    }

    @Test
    @Order(1)
    void sixNodesFitA720pScreenInLargeTypeWithTheHeaderOnOneRow() throws Exception {
        browser.open(page + "?kiosk=1");
        browser.click(browser.findAll("button[data-lang=\"es\"]").get(0));
        Page.waitFor("six cards with figures", () -> browser.findAll(".node-card .cpu-value").size() == 6
                && browser.text(browser.findAll(".node-card .cpu-value").get(5)).contains("%"));
        assertTrue(browser.script("return document.body.classList.contains('kiosk');").getAsBoolean());
        assertEquals("true", browser.attribute(browser.findAll("#kiosk-toggle").get(0), "aria-pressed"));
        cluster.submit("spin", java.util.Map.of("ms", 4000), 4);
        cluster.submit("sleep", java.util.Map.of("ms", 200), 30);
        Page.waitFor("work done on the cards", () -> cluster.rows("Status = 'DONE'") >= 20);
        Thread.sleep(1_500);
        browser.screenshot(Path.of("target", "projector-6-nodes.png"));
        JsonObject layout = browser.script("""
                const vw = document.documentElement.clientWidth, vh = window.innerHeight;
                const cards = [...document.querySelectorAll('.node-card')].map((c) => c.getBoundingClientRect());
                const outside = cards.filter((r) => r.bottom > vh + 0.5 || r.right > vw + 0.5 || r.top < 0).length;
                const kids = [...document.querySelectorAll('.top > *, .top-tools > *, .page-tools > *')]
                  .filter((e) => !e.hidden && e.getClientRects().length).map((e) => e.getBoundingClientRect());
                const header = document.querySelector('.top').getBoundingClientRect();
                const rows = new Set(kids.map((r) => Math.round((r.top + r.bottom) / 2 / 20))).size;
                const small = [];
                const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                  const e = n.parentElement;
                  if (!n.nodeValue.trim() || !e || e.closest('[hidden], script, style') || !e.getClientRects().length) continue;
                  const size = parseFloat(getComputedStyle(e).fontSize);
                  if (size < 16) small.push(e.className + ' "' + n.nodeValue.trim().slice(0, 30) + '" ' + size + 'px');
                }
                return { outside, cards: cards.length, headerHeight: header.height, rows,
                  scrolls: document.documentElement.scrollHeight > vh + 1, small: small.slice(0, 20).join('; '), vw, vh };
                """).getAsJsonObject();
        assertEquals(6, layout.get("cards").getAsInt());
        assertEquals(0, layout.get("outside").getAsInt(), "cards cut off: " + layout);
        assertTrue(!layout.get("scrolls").getAsBoolean(), "the page scrolls: " + layout);
        assertTrue(layout.get("headerHeight").getAsDouble() < 64, "header height: " + layout);
        assertEquals("", layout.get("small").getAsString(), "text under 16 px");
        java.util.List<String> found = Axe.violations(browser);
        assertTrue(found.isEmpty(), "axe in projector mode:\n" + String.join("\n", found));
    }

    @Test
    @Order(2)
    void theHeadersButtonSwitchesProjectorModeOffAndItIsRemembered() throws Exception {
        browser.open(page + "?kiosk=1");
        Page.waitFor("projector mode", () -> browser.script("return document.body.classList.contains('kiosk');").getAsBoolean());
        browser.click(browser.findAll("#kiosk-toggle").get(0));
        assertTrue(!browser.script("return document.body.classList.contains('kiosk');").getAsBoolean());
        assertTrue(browser.script("return !!document.querySelector('#tasks').getClientRects().length;").getAsBoolean(),
                "the task history is back");
        browser.click(browser.findAll("#kiosk-toggle").get(0));
        browser.open(page);
        Page.waitFor("projector mode remembered", () -> browser.script("return document.body.classList.contains('kiosk');").getAsBoolean());
        browser.open(page + "?kiosk=0");
        Page.waitFor("the address wins", () -> !browser.script("return document.body.classList.contains('kiosk');").getAsBoolean());
    }

    @Test
    @Order(3)
    void theTaskHistoryFits1280And1024PixelScreensInBothLanguagesWithoutScrollingSideways() throws Exception {
        // The widest rows a class makes: a long type with its priority mark, an error, a reason.
        cluster.queue.submitNew("operation-intensive", java.util.Map.of("number", 99_999), 2, null, 3, 9);
        cluster.submit("primes", java.util.Map.of("n", -5), 2); // FAILED, with the parameter's error
        Page.waitFor("the tasks stored", () -> cluster.rows("TaskType = 'operation-intensive' AND Status = 'DONE'") == 2
                && cluster.rows("Status = 'FAILED'") == 2);
        browser.open(page + "?kiosk=0");
        try {
            for (int width : new int[] {1280, 1024}) {
                screen(width, 720, false);
                for (String lang : java.util.List.of("es", "en")) {
                    historyFits(width, lang);
                    if (width == 1024) {
                        headerAndServicesKeepTogether(lang);
                    }
                }
            }
        } finally {
            screen(1280, 720, false);
        }
    }

    private static void historyFits(int width, String lang) throws Exception {
        browser.click(browser.findAll("button[data-lang=\"" + lang + "\"]").get(0));
        Page.waitFor("the rows in " + lang, () -> browser.script(
                "return document.querySelectorAll('#task-body tr.task-row').length >= 20"
                        + " && !!document.querySelector('#task-body .priority-mark')"
                        + " && !!document.querySelector('#task-body td.task-result.error');").getAsBoolean());
        browser.script("document.getElementById('tasks').scrollIntoView();");
        browser.screenshot(Path.of("target", "task-history-" + width + "-" + lang + ".png"));
        JsonObject fit = browser.script("""
                const box = document.getElementById('table-scroll');
                const heads = [...document.querySelectorAll('#task-table th')].map((h) => h.textContent + ' '
                  + Math.round(h.getBoundingClientRect().right - box.getBoundingClientRect().left));
                return { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, heads: heads.join(', ') };
                """).getAsJsonObject();
        assertTrue(fit.get("scrollWidth").getAsInt() <= fit.get("clientWidth").getAsInt() + 1,
                "the table scrolls sideways at " + width + " px in " + lang + " (each heading's right edge in px): " + fit);
        JsonObject numbers = browser.script("""
                const cells = [...document.querySelectorAll('#task-body td.params')].filter((td) => td.textContent.includes('99999'));
                const lines = cells.map((td) => { const r = document.createRange(); r.selectNodeContents(td);
                  return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; });
                return { cells: cells.length, lines: lines.join(' '), text: cells.length ? cells[0].textContent : '' };
                """).getAsJsonObject();
        assertTrue(numbers.get("cells").getAsInt() > 0 && numbers.get("lines").getAsString().matches("1( 1)*"),
                "each parameter on one line at " + width + " px in " + lang + ": " + numbers);
    }

    /**
     * At 1024 px, where the header's tools do not fit one row, the page's tools (connection, pause,
     * projector) wrap as one group under the session's, not the last button alone (or, should they
     * fit one day, stay beside them); and the services,
     * which would be alone in a narrow tile on the summary's second row, take that row, each service
     * on one line.
     */
    private static void headerAndServicesKeepTogether(String lang) throws Exception {
        browser.script("window.scrollTo(0, 0);");
        Thread.sleep(200);
        JsonObject layout = browser.script("""
                const vis = (e) => !e.hidden && e.getClientRects().length;
                const mid = (e) => { const r = e.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 2); };
                const rows = (sel) => new Set([...document.querySelectorAll(sel)].filter(vis).map(mid)).size;
                const lines = (e) => { const r = document.createRange(); r.selectNodeContents(e);
                  return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; };
                const summary = document.getElementById('summary').getBoundingClientRect();
                const services = document.querySelector('#summary .tile-services').getBoundingClientRect();
                return { sessionRows: rows('#session > *'), pageRows: rows('.page-tools > *'),
                  pageBelowSession: mid(document.querySelector('.page-tools')) >= mid(document.getElementById('session')) - 8,
                  servicesWidth: Math.round(services.width), summaryWidth: Math.round(summary.width),
                  badgeLines: [...document.querySelectorAll('#summary .health')].filter(vis).map(lines).join(' '),
                  text: document.querySelector('.top-tools').innerText.replace(/\\s+/g, ' ') };
                """).getAsJsonObject();
        browser.screenshot(Path.of("target", "dashboard-1024-" + lang + ".png"));
        assertEquals(1, layout.get("sessionRows").getAsInt(), "the session's tools on one row in " + lang + ": " + layout);
        assertEquals(1, layout.get("pageRows").getAsInt(), "connection, pause and projector on one row in " + lang + ": " + layout);
        assertTrue(layout.get("pageBelowSession").getAsBoolean(), "the page's tools beside or under the session's in " + lang + ": " + layout);
        assertEquals(layout.get("summaryWidth").getAsInt(), layout.get("servicesWidth").getAsInt(), 1,
                "the services take the summary's whole row in " + lang + ": " + layout);
        assertTrue(layout.get("badgeLines").getAsString().matches("1( 1){2,}"), "each service on one line in " + lang + ": " + layout);
    }

    @Test
    @Order(5)
    void onA1280By720AndA1024By768ProjectorSixCardsWithATermsCountsFitAndNoFigureRunsIntoTheNextCard() throws Exception {
        try {
            for (int i = 1; i <= 6; i++) { // a lab used all term, the demo load on: seven-figure counts
                String node = "nodo" + i;
                cluster.redis.call(j -> j.incrBy(colmena.broker.RedisKeys.nodeDone(node), 1_941_990));
            }
            for (int[] size : new int[][] {{1280, 720}, {1024, 768}}) {
                screen(size[0], size[1], false);
                cardsWithLargeCountsFit(size[0]);
            }
        } finally {
            screen(1280, 720, false);
        }
    }

    private static void cardsWithLargeCountsFit(int width) throws Exception {
        browser.open(page + "?kiosk=1");
        browser.click(browser.findAll("button[data-lang=\"es\"]").get(0));
        Page.waitFor("six cards with seven-figure counts", () -> browser.findAll(".node-card .done-value").size() == 6
                && browser.findAll(".node-card .done-value").stream().allMatch(e -> {
                    try {
                        return browser.text(e).replaceAll("\\D", "").length() >= 7;
                    } catch (Exception x) {
                        return false;
                    }
                }));
        Thread.sleep(500);
        browser.screenshot(Path.of("target", "projector-" + width + "-large-counts.png"));
        JsonObject layout = browser.script("""
                const vw = document.documentElement.clientWidth, vh = window.innerHeight;
                const cards = [...document.querySelectorAll('.node-card')];
                const outside = cards.map((c) => c.getBoundingClientRect())
                  .filter((r) => r.bottom > vh + 0.5 || r.right > vw + 0.5 || r.top < 0).length;
                const spill = [];
                for (const card of cards) {
                  const box = card.getBoundingClientRect();
                  for (const e of card.querySelectorAll('.count dd, .count dt')) {
                    const r = e.getBoundingClientRect();
                    if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
                      spill.push(card.querySelector('.node-id').textContent + ' "' + e.textContent + '" '
                        + Math.round(r.right - box.right) + ' px past the card');
                    }
                  }
                }
                return { cards: cards.length, outside, spill: spill.join('; '),
                  scrolls: document.documentElement.scrollHeight > vh + 1, vw, vh };
                """).getAsJsonObject();
        assertEquals(6, layout.get("cards").getAsInt());
        assertEquals("", layout.get("spill").getAsString(), "counts outside their card: " + layout);
        assertEquals(0, layout.get("outside").getAsInt(), "cards cut off: " + layout);
        assertTrue(!layout.get("scrolls").getAsBoolean(), "the page scrolls: " + layout);
    }

    @Test
    @Order(4)
    void onAPhoneTheHeaderTakesLittleOfTheScreen() throws Exception {
        screen(390, 844, true);
        try {
            browser.open(page + "?kiosk=0");
            Page.waitFor("cards", () -> browser.findAll(".node-card .cpu-value").size() == 6);
            double header = browser.script("return document.querySelector('.top').getBoundingClientRect().height;").getAsDouble();
            double height = browser.script("return window.innerHeight;").getAsDouble();
            browser.screenshot(Path.of("target", "phone.png"));
            assertTrue(header < height * 0.15, "header " + header + " px of " + height);
            assertTrue(!browser.script("return document.documentElement.scrollWidth > document.documentElement.clientWidth;")
                    .getAsBoolean(), "no sideways scrolling");
            java.util.List<String> found = Axe.violations(browser);
            assertTrue(found.isEmpty(), "axe on a phone:\n" + String.join("\n", found));
        } finally {
            screen(1280, 720, false);
        }
    }
}
