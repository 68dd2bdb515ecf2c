package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.TestStats;
import colmena.api.ApiServer;
import colmena.broker.Nodes;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard with login on, in a real headless Chromium: it asks for a password, shows who is
 * logged in, hides what a viewer may not use, and shows text from other machines as text.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardLoginBrowserTest {
    private static final String ADMIN_PASSWORD = "teacher-pass-1";
    private static final String EVIL_HOST = "<img src=x onerror=\"window.__pwned=1\">";
    private static final String EVIL_RESULT = "<script>window.__pwned=2</script>";

    @RegisterExtension
    static final Dashboard dash = new Dashboard("dashboard-login.png");

    private static Cluster cluster;
    private static WebDriver browser;
    private static String page;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startAgent("nodo1", 2);
        page = dash.serve(ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, Duration.ofHours(1)));
        HttpResponse<String> viewer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + "api/users"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"vera\",\"password\":\"vera-pass-1\",\"role\":\"viewer\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, viewer.statusCode(), viewer.body());

        // What other machines may send: a host name with markup, a result with a script.
        new Nodes(cluster.redis).beat(TestStats.small("evil-node", EVIL_HOST, 10, 60_000, System.currentTimeMillis()));
        TaskMessage t = TaskMessage.submit("eeeeeeee-0000-0000-0000-000000000001", "sleep", Map.of("ms", 1),
                System.currentTimeMillis(), null).placedOn("nodo1", "nodo1: 0 queued");
        try (Connection c = cluster.db.connect()) {
            TaskHistoryStore store = new TaskHistoryStore();
            store.recordPlaced(c, List.of(t));
            store.recordResults(c, List.of(TaskResult.done(t, "nodo1", EVIL_RESULT, 1, 2, 1)));
        }
        browser = dash.open(WebDriver.start(1400, 1000));
        browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
    }

    @Test
    void theDashboardAsksForAPasswordShowsWhoIsLoggedInAndTextFromOtherMachinesAsText() throws Exception {
        waitFor("the login form", () -> visible("form#login-form"));
        assertTrue(browser.findAll(".node-card").isEmpty() || !visible(".node-card"), "no data before logging in");
        Page.logIn(browser, "admin", "wrong-password");
        waitFor("the API's refusal", () -> browser.text(browser.findAll("#login-error").get(0)).toLowerCase().contains("wrong"));
        Page.logIn(browser, "admin", ADMIN_PASSWORD);
        waitFor("admin's cards", () -> visible(".node-card[data-node=\"nodo1\"]"));
        waitFor("who is logged in", () -> browser.text(browser.findAll("#whoami").get(0)).contains("admin"));
        assertTrue(visible("form#submit-form"), "an admin may submit");

        waitFor("the host shown as text", () -> browser.text(browser.findAll(".node-card[data-node=\"evil-node\"]").get(0)).contains(EVIL_HOST));
        waitFor("the result shown as text", () -> {
            List<String> rows = browser.findAll("tr.task-row[data-task=\"eeeeeeee-0000-0000-0000-000000000001\"]");
            return !rows.isEmpty() && browser.text(rows.get(0)).contains(EVIL_RESULT);
        });
        assertEquals("none", browser.script("return String(window.__pwned === undefined ? 'none' : window.__pwned);").getAsString());
        assertTrue(browser.findAll("img[src=\"x\"]").isEmpty(), "no element was made from the host name");

        browser.click(browser.findAll("button#logout-button").get(0));
        waitFor("the login form again", () -> visible("form#login-form"));

        Page.logIn(browser, "vera", "vera-pass-1");
        waitFor("vera's cards", () -> visible(".node-card[data-node=\"nodo1\"]"));
        waitFor("vera named", () -> browser.text(browser.findAll("#whoami").get(0)).contains("vera"));
        assertTrue(!visible("form#submit-form"), "a viewer gets no submit form");
        assertTrue(browser.findAll(".drain-button:not([hidden])").stream().noneMatch(this::shown), "a viewer gets no drain button");

        // vera is also logged in on another PC; "log out everywhere" here ends that session too.
        HttpResponse<String> elsewhere = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + "api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"vera\",\"password\":\"vera-pass-1\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String otherCookie = elsewhere.headers().firstValue("Set-Cookie").orElse("").split(";")[0];
        assertEquals(200, meStatus(otherCookie));
        assertTrue(visible("button#logout-all-button"), "the button is there for a logged-in user");
        browser.screenshot(Path.of("target", "dashboard-session.png"));
        browser.click(browser.findAll("button#logout-all-button").get(0));
        waitFor("the login form after logging out everywhere", () -> visible("form#login-form"));
        assertEquals(401, meStatus(otherCookie), "the other PC's session ended too");
    }

    private static int meStatus(String cookie) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + "api/me")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private boolean shown(String element) {
        try {
            return browser.script("const e = arguments[0]; return !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);",
                    Map.of("element-6066-11e4-a52e-4f735466cecf", element)).getAsBoolean();
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean visible(String css) throws Exception {
        return browser.script("const e = document.querySelector(arguments[0]);"
                + " return !!e && !e.closest('[hidden]') && !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);", css)
                .getAsBoolean();
    }

    private static void waitFor(String what, Page.Check check) {
        Page.waitFor(what, check);
    }
}
