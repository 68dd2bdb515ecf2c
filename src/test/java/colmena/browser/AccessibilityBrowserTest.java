package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.api.ApiServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * axe-core finds nothing to fix on the login screen and on the logged-in dashboard, in Spanish and
 * in English; a skip link leads to the content; after logging in, focus is on the page's heading.
 * On a 1280×720 screen (a classroom projector's) the header's tools and the summary's tiles each
 * keep to one row in both languages.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessibilityBrowserTest {
    private static final String ADMIN_PASSWORD = "teacher-pass-1";

    @RegisterExtension
    static final Dashboard dash = new Dashboard("dashboard-a11y.png");

    private static Cluster cluster;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        cluster.startAgent("nodo2", 1);
        dash.serve(ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, Duration.ofHours(1)));
        cluster.submit("sleep", Map.of("ms", 10), 3);
        browser = dash.open(WebDriver.start(1400, 1000));
    }

    @Test
    @Order(1)
    void theLoginScreenHasNoViolationsInEitherLanguage() throws Exception {
        Page.waitFor("the login form", () -> visible("#login-form"));
        for (String lang : List.of("es", "en")) {
            language(lang);
            List<String> found = Axe.violations(browser);
            assertTrue(found.isEmpty(), "login screen (" + lang + "):\n" + String.join("\n", found));
        }
    }

    @Test
    @Order(2)
    void afterLoggingInFocusIsOnTheHeadingAndTheDashboardHasNoViolationsInEitherLanguage() throws Exception {
        Page.waitFor("the login form", () -> visible("#login-form"));
        Page.logIn(browser, "admin", ADMIN_PASSWORD);
        Page.waitFor("the dashboard", () -> visible("#main"));
        assertEquals("page-title", browser.script("return document.activeElement.id;").getAsString(),
                "focus on the page's heading after login");
        Page.waitFor("both cards with figures", () -> browser.findAll(".node-card .cpu-value").size() == 2
                && browser.text(browser.findAll(".node-card .cpu-value").get(1)).contains("%"));
        Page.waitFor("rows of history", () -> !browser.findAll("tr.task-row").isEmpty());
        for (String lang : List.of("es", "en")) {
            language(lang);
            List<String> found = Axe.violations(browser);
            assertTrue(found.isEmpty(), "dashboard (" + lang + "):\n" + String.join("\n", found));
        }
    }

    @Test
    @Order(3)
    void theFirstTabStopIsASkipLinkToTheContent() throws Exception {
        browser.script("document.activeElement.blur(); window.scrollTo(0, 0);");
        browser.script("document.body.focus();");
        String skip = browser.findAll("a.skip-link").get(0);
        assertEquals("#main", browser.attribute(skip, "href").replaceAll("^.*(#.*)$", "$1"));
        assertTrue(browser.script("return document.querySelector('a.skip-link') === document.querySelector('body a[href], body button');")
                .getAsBoolean(), "the skip link comes first");
        browser.script("document.querySelector('a.skip-link').focus();");
        assertTrue(visible("a.skip-link") && browser.script(
                "return document.querySelector('a.skip-link').getBoundingClientRect().top >= 0;").getAsBoolean(),
                "the skip link shows when focused");
        browser.click(skip);
        Page.waitFor("focus in the content", () -> browser.script("return document.activeElement.id;").getAsString().equals("main"));
    }

    @Test
    @Order(4)
    void aTasksDetailOpensFromItsRowShowsEverythingAndGivesFocusBack() throws Exception {
        Page.waitFor("rows of history", () -> !browser.findAll("tr.task-row button.task-open").isEmpty());
        // The rows redraw as their tasks change: the id is read in one step, and its button found again to click.
        String id = browser.attributeOf("tr.task-row button.task-open", "data-task");
        browser.clickOn("tr.task-row button.task-open[data-task=\"" + id + "\"]");
        Page.waitFor("the dialog open", () -> browser.script("return document.getElementById('task-detail').open;").getAsBoolean());
        Page.waitFor("the full id and why it went there", () -> {
            String text = browser.text(browser.findAll("#detail-list").get(0));
            return text.contains(id) && (text.contains("Why here?") || text.contains("¿Por qué aquí?"));
        });
        browser.screenshot(Path.of("target", "task-detail.png"));
        List<String> found = Axe.violations(browser);
        assertTrue(found.isEmpty(), "task detail:\n" + String.join("\n", found));
        browser.click(browser.findAll("#detail-close").get(0));
        Page.waitFor("the dialog closed", () -> !browser.script("return document.getElementById('task-detail').open;").getAsBoolean());
        Page.waitFor("focus back on the row's button", () -> id.equals(
                browser.script("return document.activeElement.dataset.task || '';").getAsString()));
    }

    @Test
    @Order(5)
    void onA1280By720ScreenTheHeadersToolsAndTheSummarysTilesEachKeepToOneRowInBothLanguages() throws Exception {
        browser.cdp("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 720, "deviceScaleFactor", 1, "mobile", false));
        try {
            browser.script("window.scrollTo(0, 0);");
            for (String lang : List.of("es", "en")) {
                language(lang);
                Page.waitFor("the session and the connection in the header", () -> visible("#whoami") && visible("#connection"));
                Thread.sleep(300); // a frame for the layout after the words changed
                var rows = browser.script("""
                        const vis = (e) => !e.hidden && e.getClientRects().length;
                        const box = (e) => e.getBoundingClientRect();
                        const spread = (xs) => xs.length ? Math.max(...xs) - Math.min(...xs) : -1;
                        const tools = [...document.querySelectorAll('.top-tools > :not(.page-tools), .page-tools > *')].filter(vis).map(box);
                        const tiles = [...document.querySelectorAll('#summary > .tile')].filter(vis).map(box);
                        const title = box(document.querySelector('.brand > h1')), lang = box(document.querySelector('.brand > .lang'));
                        return { tools: tools.length, toolsSpread: spread(tools.map((r) => (r.top + r.bottom) / 2)),
                          tiles: tiles.length, tilesSpread: spread(tiles.map((r) => r.top)),
                          langBesideTitle: lang.top < title.bottom && lang.bottom > title.top && lang.left > title.right,
                          sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
                          text: document.querySelector('.top').innerText.replace(/\\s+/g, ' ') };
                        """).getAsJsonObject();
                browser.screenshot(Path.of("target", "dashboard-1280-" + lang + ".png"));
                assertTrue(rows.get("tools").getAsInt() >= 4 && rows.get("toolsSpread").getAsDouble() < 8,
                        "the header's tools on one row in " + lang + ": " + rows);
                assertTrue(rows.get("tiles").getAsInt() == 5 && rows.get("tilesSpread").getAsDouble() < 1,
                        "the summary's five tiles on one row in " + lang + ": " + rows);
                assertTrue(!rows.get("sideways").getAsBoolean(), "no sideways scrolling in " + lang + ": " + rows);
                assertTrue(rows.get("langBesideTitle").getAsBoolean(), "ES/EN on the title's row in " + lang + ": " + rows);
            }
        } finally {
            browser.cdp("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private static void language(String lang) throws Exception {
        browser.click(browser.findAll("button[data-lang=\"" + lang + "\"]").get(0));
        Page.waitFor("the page in " + lang, () -> lang.equals(browser.script("return document.documentElement.lang;").getAsString()));
    }

    private static boolean visible(String css) throws Exception {
        return browser.script("const e = document.querySelector(arguments[0]);"
                + " return !!e && !e.hidden && e.getClientRects().length > 0;", css).getAsBoolean();
    }
}
