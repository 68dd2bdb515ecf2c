package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.agent.Agent;
import colmena.api.ApiServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless Chromium, against a live system: a coordinator, two agents,
 * the real Redis and database, and the API serving the page. Skipped only where no Chromium is
 * installed and not on CI (where .ci/run installs it, and its absence fails the test).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
    private static final Pattern PERCENT = Pattern.compile("\\d+([.,]\\d+)?[\\s\\u00a0]*%");

    @RegisterExtension
    static final Dashboard dash = new Dashboard("dashboard.png");

    private static Cluster cluster;
    private static Agent nodo2;
    private static WebDriver browser;
    private static String page;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 2);
        nodo2 = cluster.startAgent("nodo2", 2);
        page = dash.serve(ApiServer.Config.local(TestRedis.url(), 0));
        cluster.submit("sleep", Map.of("ms", 20), 6);
        browser = dash.open(WebDriver.start(1400, 1000));
        List<String> english = browser.findAll("button[data-lang=\"en\"]");
        assertTrue(!english.isEmpty(), "a language switch");
        browser.click(english.get(0));
    }

    @Test
    void showsACardWithNumbersForEachLiveNodeAndRowsOfHistory() throws Exception {
        for (String node : List.of("nodo1", "nodo2")) {
            waitFor("a card for " + node + " with a CPU percentage", () -> {
                List<String> cpu = browser.findAll(".node-card[data-node=\"" + node + "\"] .cpu-value");
                return !cpu.isEmpty() && PERCENT.matcher(browser.text(cpu.get(0))).find();
            });
            List<String> mem = browser.findAll(".node-card[data-node=\"" + node + "\"] .mem-value");
            assertTrue(!mem.isEmpty() && PERCENT.matcher(browser.text(mem.get(0))).find(), "memory shown for " + node);
        }
        waitFor("rows in the task table", () -> browser.findAll("tr.task-row").size() >= 6);
        waitFor("DONE in the status column", () -> {
            for (String cell : browser.findAll("tr.task-row .task-status")) {
                if (browser.text(cell).contains("DONE")) {
                    return true;
                }
            }
            return false;
        });
    }

    @Test
    void theNodeListIsReadAgainBetweenFullPollsSoFiguresStayFresh() throws Exception {
        waitFor("a node card", () -> !browser.findAll(".node-card").isEmpty());
        browser.script("performance.setResourceTimingBufferSize(2000); performance.clearResourceTimings();");
        Thread.sleep(4_500);
        String count = "return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === arguments[0]).length;";
        int nodes = browser.script(count, "/api/nodes").getAsInt();
        int summaries = browser.script(count, "/api/summary").getAsInt();
        assertTrue(summaries >= 2, "full polls in 4.5 s: " + summaries);
        // Every 1.5 s a full poll, and the node list alone at 0.5 s and 1 s after it.
        assertTrue(nodes >= 2 * summaries, "node list read " + nodes + " times against " + summaries + " full polls");
    }

    @Test
    void aTaskSubmittedThroughTheFormRunsAndAppearsInTheTable() throws Exception {
        Set<String> before = taskIdsOnPage();
        waitFor("the submit form", () -> !browser.findAll("form#submit-form select#submit-type").isEmpty());
        choose("select#submit-type", "montecarlo-pi");
        waitFor("an input for samples", () -> !browser.findAll("input[data-param=\"samples\"]").isEmpty());
        fill("input[data-param=\"samples\"]", "12345");
        fill("input#submit-count", "2");
        browser.click(browser.findAll("button#submit-button").get(0));

        waitFor("two montecarlo-pi tasks stored DONE", () -> cluster.rows("TaskType = 'montecarlo-pi' AND Status = 'DONE'") == 2);
        waitFor("a new montecarlo-pi row in the table", () -> {
            for (String row : browser.findAll("tr.task-row")) {
                String id = browser.attribute(row, "data-task");
                if (!before.contains(id) && browser.text(row).contains("montecarlo-pi") && browser.text(row).contains("DONE")) {
                    return true;
                }
            }
            return false;
        });
    }

    @Test
    void aParameterOutOfBoundsShowsTheApisMessageBesideTheField() throws Exception {
        waitFor("the submit form", () -> !browser.findAll("select#submit-type").isEmpty());
        choose("select#submit-type", "primes");
        waitFor("an input for n", () -> !browser.findAll("input[data-param=\"n\"]").isEmpty());
        fill("input[data-param=\"n\"]", "1");
        fill("input#submit-count", "1");
        long rows = cluster.rows("");
        browser.click(browser.findAll("button#submit-button").get(0));
        waitFor("the error beside n", () -> {
            List<String> err = browser.findAll(".field-error[data-field=\"params.n\"]");
            return !err.isEmpty() && browser.text(err.get(0)).contains("must be at least 2");
        });
        Thread.sleep(1_000);
        assertTrue(cluster.rows("TaskType = 'primes'") == 0, "nothing was submitted");
        assertTrue(cluster.rows("") >= rows);
    }

    @Test
    void aStoppedAgentsCardTurnsOfflineWithinSeconds() throws Exception {
        waitFor("nodo2's card", () -> !browser.findAll(".node-card[data-node=\"nodo2\"]").isEmpty());
        nodo2.stop();
        waitFor("nodo2 shown offline", () -> {
            List<String> card = browser.findAll(".node-card[data-node=\"nodo2\"]");
            return !card.isEmpty() && browser.text(card.get(0)).toLowerCase().contains("offline")
                    && !browser.findAll(".node-card[data-node=\"nodo2\"] .forget-button:not([hidden])").isEmpty();
        });
    }

    private static Set<String> taskIdsOnPage() throws Exception {
        return new HashSet<>(browser.attributes("tr.task-row", "data-task"));
    }

    private static void choose(String selectCss, String value) throws Exception {
        browser.script("const s = document.querySelector(arguments[0]); s.value = arguments[1];"
                + " s.dispatchEvent(new Event('change', {bubbles: true}));", selectCss, value);
    }

    private static void fill(String css, String text) throws Exception {
        String el = browser.findAll(css).get(0);
        browser.clear(el);
        browser.type(el, text);
    }

    private static void waitFor(String what, Page.Check check) {
        Page.waitFor(what, check);
    }
}
