package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.agent.Agent;
import colmena.api.ApiServer;
import colmena.coordinator.Coordinator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the dashboard says when parts of the system go away, in a real headless Chromium against a
 * live system: the API stopped (an outage banner, everything marked stale, back when it returns),
 * the coordinator stopped (the Coordinator chip says none, the submit form warns), a node lost (an
 * alert with its age, no stale figures, the tab title marked, Forget asks first).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardTruthBrowserTest {
    private static final Pattern LOST_AGO = Pattern.compile("lost \\d+ s ago");

    @RegisterExtension
    static final Dashboard dash = new Dashboard("dashboard-truth.png");

    private static Cluster cluster;
    private static int apiPort;
    private static Coordinator coordinator;
    private static Agent nodo2;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        coordinator = cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        nodo2 = cluster.startAgent("nodo2", 1);
        dash.serve(ApiServer.Config.local(TestRedis.url(), 0));
        apiPort = dash.api().port();
        browser = dash.open(WebDriver.start(1400, 1000));
        browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
        waitFor("both cards", () -> browser.findAll(".node-card").size() == 2);
        waitFor("connected", () -> "ok".equals(attr("#connection", "data-state")));
    }

    @Test
    @Order(1)
    void anApiOutageShowsABannerWithinAPollAndMarksEverythingStaleUntilItComesBack() throws Exception {
        assertTrue(Boolean.TRUE.equals(browser.script("return document.getElementById('conn-banner').hidden;").getAsBoolean()),
                "no banner while the API answers");
        dash.stopApi();
        long stoppedAt = System.nanoTime();
        waitFor("the outage banner", () -> "bad".equals(attr("#conn-banner", "data-kind")) && visible("#conn-banner"));
        long ms = (System.nanoTime() - stoppedAt) / 1_000_000;
        // One poll interval (1.5 s), plus the time a poll in flight takes to fail, plus the test's own checks.
        assertTrue(ms < 3_500, "banner after " + ms + " ms");
        assertEquals("bad", attr("#connection", "data-state"));
        assertEquals("true", attr("#main", "data-stale"));
        assertTrue(browser.text(one("#conn-banner")).contains("Cannot reach the API"), browser.text(one("#conn-banner")));
        assertTrue(title().startsWith("⚠"), "tab title marked: " + title());

        // The "updated" time stays the time of the last figures read; it does not advance with each failed poll.
        String updated = browser.text(one("#updated"));
        Thread.sleep(3_200);
        assertEquals(updated, browser.text(one("#updated")), "the updated time froze during the outage");
        assertEquals("bad", attr("#connection", "data-state"), "still unreachable after several polls");

        dash.serve(ApiServer.Config.local(TestRedis.url(), apiPort));
        waitFor("connection back", () -> List.of("back", "ok").contains(attr("#connection", "data-state")));
        assertEquals("false", attr("#main", "data-stale"));
        waitFor("the banner gone", () -> !visible("#conn-banner"));
        assertTrue(!title().startsWith("⚠"), "tab title clear: " + title());
    }

    @Test
    @Order(2)
    void theCoordinatorChipCountsStandbysAndADeadCoordinatorShowsNoneAndTheFormWarns() throws Exception {
        waitFor("the coordinator chip says working", () -> "leader".equals(attr("#sum-coord", "data-state")));
        assertTrue(!visible("#submit-nocoord"), "no warning while a coordinator works");
        Coordinator second = cluster.startCoordinator("least-loaded");
        waitFor("one standing by", () -> browser.text(one("#sum-coord")).equals("Coordinator: working · 1 standing by"));
        coordinator.stop();
        waitFor("the second took over, none standing by", () -> second.isLeader()
                && browser.text(one("#sum-coord")).equals("Coordinator: working"));
        coordinator = second;
        coordinator.stop();
        waitFor("the coordinator chip says none", () -> "none".equals(attr("#sum-coord", "data-state"))
                && browser.text(one("#sum-coord")).equals("Coordinator: none"));
        waitFor("the form warns", () -> visible("#submit-nocoord")
                && browser.text(one("#submit-nocoord")).contains("No coordinator is running"));

        waitFor("the submit form", () -> !browser.findAll("select#submit-type option").isEmpty());
        browser.script("const s = document.querySelector('#submit-type'); s.value = 'sleep';"
                + " s.dispatchEvent(new Event('change', {bubbles: true}));");
        browser.click(one("#submit-button"));
        waitFor("the submit status says the tasks wait", () -> browser.text(one("#submit-status"))
                .contains("They wait: no coordinator is running."));

        coordinator = cluster.startCoordinator("least-loaded");
        waitFor("the chip says working again", () -> "leader".equals(attr("#sum-coord", "data-state")));
        waitFor("the warning gone", () -> !visible("#submit-nocoord"));
    }

    @Test
    @Order(3)
    void aLostNodeIsAnAlertWithItsAgeAndItsFiguresHiddenAndForgetAsksFirst() throws Exception {
        String card = ".node-card[data-node=\"nodo2\"]";
        waitFor("nodo2 online with a CPU figure", () -> browser.text(one(card + " .cpu-value")).contains("%"));
        nodo2.stop();
        waitFor("a lost alert for nodo2", () -> {
            List<String> alert = browser.findAll("#alert-items li[data-node=\"nodo2\"][data-metric=\"lost\"]");
            return !alert.isEmpty() && LOST_AGO.matcher(browser.text(alert.get(0))).find();
        });
        waitFor("lost N s ago on the card", () -> LOST_AGO.matcher(browser.text(one(card + " .node-seen"))).find());
        assertEquals("—", browser.text(one(card + " .cpu-value")), "no stale CPU figure");
        assertEquals("—", browser.text(one(card + " .mem-value")), "no stale memory figure");
        assertTrue(browser.findAll("#alerts-empty:not([hidden])").isEmpty(), "not 'No alerts'");
        waitFor("the tab title marked", () -> title().startsWith("⚠ 1 lost"));

        // The age counts up.
        String first = browser.text(one(card + " .node-seen"));
        waitFor("the age grows", () -> !browser.text(one(card + " .node-seen")).equals(first));

        // Forget asks first; Cancel keeps the node.
        browser.click(one(card + " .forget-button"));
        waitFor("the question", () -> visible(card + " .card-confirm")
                && browser.text(one(card + " .card-confirm-text")).contains("Remove nodo2 from the list?"));
        assertEquals("forget-no", browser.script("return document.activeElement.dataset.action;").getAsString(),
                "focus on Cancel");
        browser.click(one(card + " .forget-no"));
        waitFor("the question gone", () -> !visible(card + " .card-confirm"));
        Thread.sleep(2_000);
        assertTrue(known("nodo2"), "nodo2 still known after Cancel");
        assertEquals(1, browser.findAll(card).size());

        browser.click(one(card + " .forget-button"));
        waitFor("the question again", () -> visible(card + " .card-confirm"));
        browser.click(one(card + " .forget-yes"));
        waitFor("nodo2's card gone", () -> browser.findAll(card).isEmpty());
        waitFor("nodo2's alert gone", () -> browser.findAll("#alert-items li[data-node=\"nodo2\"]").isEmpty());
        waitFor("the tab title clear", () -> title().equals("Colmena"));
        assertTrue(!known("nodo2"), "nodo2 forgotten");
    }

    private static boolean known(String node) {
        Boolean member = cluster.redis.call(j -> j.sismember(colmena.broker.RedisKeys.nodes(), node));
        return member;
    }

    private static String one(String css) throws Exception {
        List<String> found = browser.findAll(css);
        if (found.isEmpty()) {
            throw new IllegalStateException("nothing matches " + css);
        }
        return found.get(0);
    }

    private static String attr(String css, String name) throws Exception {
        return browser.attribute(one(css), name);
    }

    private static boolean visible(String css) throws Exception {
        return browser.script("const e = document.querySelector(arguments[0]);"
                + " return !!e && !e.hidden && e.getClientRects().length > 0;", css).getAsBoolean();
    }

    private static String title() throws Exception {
        return browser.script("return document.title;").getAsString();
    }

    private static void waitFor(String what, Page.Check check) {
        Page.waitFor(what, check);
    }
}
