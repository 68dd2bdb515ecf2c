package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.api.ApiServer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In front of a class: the live updates pause and resume from the keyboard, saying so in the status
 * line, and nothing is read while paused; a task's time reads as how long ago and keeps counting,
 * with its clock time shown on focus; the charts' range goes from 5 minutes to an hour, read from
 * the API's hour of samples and remembered.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveUpdatesBrowserTest {

    @RegisterExtension
    static final Dashboard dash = new Dashboard(null);

    private static Cluster cluster;
    private static WebDriver browser;
    private static String page;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        page = dash.serve(ApiServer.Config.local(TestRedis.url(), 0));
        cluster.submit("sleep", Map.of("ms", 10), 2);
        browser = dash.open(WebDriver.start(1280, 720));
        Page.waitFor("rows", () -> browser.findAll("tr.task-row").size() == 2);
    }

    @Test
    @Order(1)
    void aTasksTimeReadsAsHowLongAgoKeepsCountingAndShowsItsClockTimeOnFocus() throws Exception {
        // The rows redraw as their tasks change: each read is one step in the page, on the first row as it is then.
        String before = browser.textOf("tr.task-row time.time-rel");
        assertTrue(before.matches("\\d+ ?s(ec)?\\.? ago"), "how long ago, in English: " + before);
        String id = browser.attributeOf("tr.task-row", "data-task");
        String submittedAt = get("api/tasks/" + id).getAsJsonObject().get("submittedAt").getAsString();
        assertEquals(submittedAt, browser.attributeOf("tr.task-row[data-task=\"" + id + "\"] time.time-rel", "datetime"),
                "the exact time, for machines");
        Page.waitFor("the words counting on", () -> !browser.text(browser.findAll("tr.task-row time.time-rel").get(0)).equals(before));

        browser.script("document.querySelector('tr.task-row button.task-open').focus();");
        assertEquals("visible", browser.script("return getComputedStyle(document.querySelector('tr.task-row .time-abs')).visibility;")
                .getAsString(), "the clock time shows while the row has focus");
        assertTrue(browser.script("return document.querySelector('tr.task-row .time-abs').textContent;").getAsString()
                .matches("\\d{2}:\\d{2}:\\d{2}"));
        browser.script("document.activeElement.blur();");
        assertEquals("hidden", browser.script("return getComputedStyle(document.querySelectorAll('tr.task-row .time-abs')[1]).visibility;")
                .getAsString(), "and not on the other rows");

        language("es");
        Page.waitFor("in Spanish", () -> browser.text(browser.findAll("tr.task-row time.time-rel").get(0)).matches("hace \\d+ s"));
        language("en");
    }

    @Test
    @Order(2)
    void pausedFromTheKeyboardThePageReadsNothingSaysSoAndResumesAtOnce() throws Exception {
        String button = browser.findAll("#pause-toggle").get(0);
        browser.type(button, WebDriver.ENTER);
        Page.waitFor("paused", () -> "paused".equals(browser.attribute(browser.findAll("#connection").get(0), "data-state")));
        assertEquals("Paused: not updating", browser.text(browser.findAll("#conn-text").get(0)),
                "said in the live region");
        assertEquals("status", browser.attribute(browser.findAll("#conn-text").get(0), "role"));
        assertEquals("Resume", browser.text(browser.findAll("#pause-text").get(0)));
        browser.script("performance.setResourceTimingBufferSize(2000); performance.clearResourceTimings();");
        Set<String> shown = rowIds();
        List<String> added = cluster.submit("sleep", Map.of("ms", 10), 3);
        Thread.sleep(4_000);
        int reads = browser.script("return performance.getEntriesByType('resource')"
                + ".filter(e => new URL(e.name).pathname.startsWith('/api/')).length;").getAsInt();
        assertEquals(0, reads, "nothing read from the API while paused");
        assertEquals(shown, rowIds(), "the table as it was");
        browser.screenshot(Path.of("target", "live-paused.png"));

        browser.type(browser.findAll("#pause-toggle").get(0), WebDriver.SPACE);
        Page.waitFor("live again", () -> "ok".equals(browser.attribute(browser.findAll("#connection").get(0), "data-state")));
        assertEquals("Connected", browser.text(browser.findAll("#conn-text").get(0)));
        Page.waitFor("the tasks submitted meanwhile", () -> rowIds().containsAll(added));
        assertEquals("Pause", browser.text(browser.findAll("#pause-text").get(0)));
    }

    @Test
    @Order(3)
    void theChartsShowTheLastHourFromTheApisTenSecondBucketsAndRememberIt() throws Exception {
        // The API: an hour in buckets of 10 s (one sample each), fewer than the samples taken.
        Page.waitFor("a minute of history", () -> history("5m").size() >= 60);
        JsonArray hour = history("1h");
        Set<Long> buckets = new HashSet<>();
        for (JsonElement s : hour) {
            assertTrue(buckets.add(s.getAsJsonArray().get(0).getAsLong() / 10_000), "one sample per 10 s: " + hour);
        }
        assertTrue(hour.size() < history("5m").size(), hour.size() + " buckets");

        browser.script("performance.clearResourceTimings();");
        browser.click(browser.findAll("button[data-range=\"1h\"]").get(0));
        Page.waitFor("the hour read", () -> browser.script("return performance.getEntriesByType('resource')"
                + ".some(e => e.name.includes('/api/nodes?history=true&range=1h'));").getAsBoolean());
        assertEquals("true", browser.attribute(browser.findAll("button[data-range=\"1h\"]").get(0), "aria-pressed"));
        Page.waitFor("the chart over an hour", () -> browser.attribute(browser.findAll(".node-card canvas").get(0), "aria-label")
                .equals("CPU and memory of nodo1 over the last 60 minutes"));
        browser.screenshot(Path.of("target", "chart-hour.png"));
        browser.open(page);
        Page.waitFor("remembered after a reload", () -> "true".equals(browser.attribute(
                browser.findAll("button[data-range=\"1h\"]").get(0), "aria-pressed")));
        browser.click(browser.findAll("button[data-range=\"5m\"]").get(0));
        Page.waitFor("back to 5 minutes", () -> browser.attribute(browser.findAll(".node-card canvas").get(0), "aria-label")
                .endsWith("over the last 5 minutes"));
    }

    private static JsonArray history(String range) throws Exception {
        return get("api/nodes?history=true&range=" + range).getAsJsonObject().getAsJsonArray("nodes").get(0)
                .getAsJsonObject().getAsJsonArray("history");
    }

    private static Set<String> rowIds() throws Exception {
        return new HashSet<>(browser.attributes("tr.task-row", "data-task"));
    }

    private static void language(String lang) throws Exception {
        browser.click(browser.findAll("button[data-lang=\"" + lang + "\"]").get(0));
        Page.waitFor("the page in " + lang, () -> lang.equals(browser.script("return document.documentElement.lang;").getAsString()));
    }

    private static JsonElement get(String path) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), path + ": " + res.body());
        return JsonParser.parseString(res.body());
    }
}
