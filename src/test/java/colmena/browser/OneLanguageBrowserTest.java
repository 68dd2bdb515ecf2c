package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.agent.Agent;
import colmena.api.ApiServer;
import colmena.broker.Redis;
import colmena.support.Eventually;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dashboard full of what a class sees (nodes, tasks DONE, FAILED after a retry or for a parameter, CANCELLED,
 * RUNNING and PENDING, tasks moved off a node that stopped, audit entries, a task's detail open)
 * is written in one language: on the Spanish screen no visible text is an English sentence of the
 * dictionary or one of the API's English sentences (reasons, moves, errors, audit details), and on
 * the English screen no visible text is a Spanish sentence of the dictionary.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OneLanguageBrowserTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final Dashboard dash = new Dashboard(null);

    private static Cluster cluster;
    private static Redis strictRedis;
    private static WebDriver browser;
    private static String page;
    private static String failedId;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        page = dash.serve(ApiServer.Config.local(TestRedis.url(), 0));

        // A node whose tasks time out after 200 ms: a task of 1 s FAILS, is retried once, and FAILS again.
        strictRedis = Redis.connect(cluster.redisUrl, 8);
        dash.closeLast(strictRedis);
        Agent strict = new Agent(new Agent.Config("estricto", cluster.redisUrl, Cluster.FAST_INTERVAL, 1,
                Duration.ofMillis(200), Duration.ofSeconds(1)), strictRedis);
        strict.start();
        failedId = submit("{\"type\":\"sleep\",\"params\":{\"ms\":1000},\"retries\":1}").get(0);
        Eventually.within(Duration.ofSeconds(40), "the task FAILED twice", () -> cluster.rows("Status = 'FAILED'") == 1);
        strict.stop();

        cluster.startAgent("nodo1", 1);
        cluster.startAgent("nodo2", 1);
        Agent nodo3 = cluster.startAgent("nodo3", 1, Duration.ofMillis(200));
        submit("{\"type\":\"primes\",\"params\":{\"n\":1000},\"count\":4}");
        Eventually.within(Duration.ofSeconds(30), "4 DONE", () -> cluster.rows("Status = 'DONE'") == 4);
        // Sent straight into Redis (as an older colmena could): the coordinator refuses its parameter.
        cluster.submit("primes", java.util.Map.of("n", -5), 1);
        Eventually.within(Duration.ofSeconds(30), "the refused one FAILED", () -> cluster.rows("Status = 'FAILED'") == 2);
        // Long tasks, some on nodo3; it stops: what it ran is interrupted, what it held goes back.
        submit("{\"type\":\"sleep\",\"params\":{\"ms\":4000},\"count\":6}");
        Eventually.within(Duration.ofSeconds(30), "nodo3 running one", () -> cluster.rows("NodeID = 'nodo3' AND Status = 'RUNNING'") == 1);
        nodo3.stop();
        Eventually.within(Duration.ofSeconds(30), "moves written", () -> cluster.rows("Moves IS NOT NULL") >= 2);
        // Work that stays RUNNING and PENDING while the page is looked at; one of it cancelled.
        List<String> waiting = submit("{\"type\":\"sleep\",\"params\":{\"ms\":600000},\"count\":4}");
        post("api/tasks/" + waiting.get(3) + "/cancel", "{}");
        Eventually.within(Duration.ofSeconds(30), "one CANCELLED", () -> cluster.rows("Status = 'CANCELLED'") == 1);
        post("api/nodes/nodo2/drain", "{}");
        post("api/nodes/nodo2/resume", "{}");
    }

    @Test
    @Order(1)
    void theSpanishScreenShowsNoEnglish() throws Exception {
        browser = dash.open(WebDriver.start(1280, 720, "es-ES"));
        waitForEverything();
        openDetail(failedId);
        Page.waitFor("the retry in the detail, in Spanish", () -> browser.text(browser.findAll("#detail-list").get(0))
                .contains("el intento 1 falló en estricto"));
        browser.screenshot(Path.of("target", "one-language-es.png"));
        assertEquals("es", browser.script("return document.documentElement.lang;").getAsString());
        List<String> found = foreignOnScreen("es", "en", apiSentences());
        assertTrue(found.isEmpty(), "English on the Spanish screen:\n" + String.join("\n", found));
    }

    @Test
    @Order(2)
    void theEnglishScreenShowsNoSpanish() throws Exception {
        browser.click(browser.findAll("#detail-close").get(0));
        browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
        Page.waitFor("the page in English", () -> "en".equals(browser.script("return document.documentElement.lang;").getAsString()));
        openDetail(failedId);
        Page.waitFor("the retry in the detail, in English", () -> browser.text(browser.findAll("#detail-list").get(0))
                .contains("attempt 1 FAILED on estricto"));
        browser.screenshot(Path.of("target", "one-language-en.png"));
        List<String> found = foreignOnScreen("en", "es", List.of());
        assertTrue(found.isEmpty(), "Spanish on the English screen:\n" + String.join("\n", found));
    }

    /** Waits until the page shows every status, moves, the cards and the audit entries. */
    private static void waitForEverything() {
        for (String status : List.of("DONE", "FAILED", "CANCELLED", "RUNNING", "PENDING")) {
            Page.waitFor("a " + status + " row", () -> !browser.findAll("tr.task-row .status[data-status=\"" + status + "\"]").isEmpty());
        }
        Page.waitFor("moves listed", () -> !browser.findAll("tr.task-row ul.moves li").isEmpty());
        Page.waitFor("node cards", () -> browser.findAll(".node-card").size() >= 3);
        Page.waitFor("audit entries", () -> browser.findAll("tr.audit-row[data-action=\"task_cancelled\"]").size() == 1
                && !browser.findAll("tr.audit-row[data-action=\"node_drain\"]").isEmpty());
    }

    private static void openDetail(String id) throws Exception {
        Page.waitFor("the row of " + id, () -> !browser.findAll("button.task-open[data-task=\"" + id + "\"]").isEmpty());
        browser.clickOn("button.task-open[data-task=\"" + id + "\"]");
        Page.waitFor("the dialog open", () -> browser.script("return document.getElementById('task-detail').open;").getAsBoolean());
    }

    /**
     * The English sentences the API gives beside its codes (a task's reason, moves and Colmena's own
     * errors, the audit log's details), and its English descriptions of the task types: none may be
     * shown on the Spanish screen.
     */
    private static List<String> apiSentences() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonElement t : get("api/tasks?limit=100").getAsJsonObject().getAsJsonArray("tasks")) {
            var o = t.getAsJsonObject();
            if (!o.get("reason").isJsonNull()) {
                out.add(o.get("reason").getAsString());
            }
            o.getAsJsonArray("moves").forEach(m -> out.add(m.getAsString()));
            if (!o.get("errorCode").isJsonNull()) {
                out.add(o.get("error").getAsString());
            }
        }
        for (JsonElement e : get("api/audit").getAsJsonObject().getAsJsonArray("entries")) {
            var o = e.getAsJsonObject();
            if (!o.get("detailCode").isJsonNull()) {
                out.add(o.get("detail").getAsString());
            }
        }
        for (JsonElement type : get("api/types").getAsJsonObject().getAsJsonArray("types")) {
            out.add(type.getAsJsonObject().get("summary").getAsString());
            type.getAsJsonObject().getAsJsonArray("params").forEach(p -> {
                if (p.getAsJsonObject().has("help")) {
                    out.add(p.getAsJsonObject().get("help").getAsString());
                }
            });
        }
        assertTrue(out.stream().anyMatch(s -> s.contains("FAILED on estricto")), "the API gave the retry's sentence: " + out);
        assertTrue(out.contains("primes: n must be at least 2, got -5"), "the API gave the refused parameter's sentence: " + out);
        return out;
    }

    /**
     * Every visible text (and title, aria-label, placeholder) that is a sentence of the {@code foreign}
     * dictionary differing from the {@code shown} one (whole, with its placeholders as wildcards, or
     * contained when it is several words without placeholders), or contains one of {@code sentences}.
     */
    private static List<String> foreignOnScreen(String shown, String foreign, List<String> sentences) throws Exception {
        JsonElement found = browser.script("""
                const [shownLang, foreignLang, sentences] = arguments;
                const quote = (s) => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
                const letters = (s) => s.replace(/\\{\\w+\\}/g, '').replace(/[^A-Za-zÀ-ÿ]+/g, '').length;
                const whole = [];
                const parts = [];
                for (const [key, value] of Object.entries(DICT[foreignLang])) {
                  const own = String(DICT[shownLang][key] ?? '').split('|');
                  for (const form of String(value).split('|')) {
                    if (own.includes(form)) continue;
                    // Only sentences with words of their own: "{n} s" or "CPU" say nothing about the language.
                    if (letters(form) < 4) continue;
                    whole.push([key, new RegExp('^' + form.split(/\\{\\w+\\}/).map(quote).join('[\\\\s\\\\S]*?') + '$')]);
                    if (!/\\{\\w+\\}/.test(form) && form.trim().includes(' ') && letters(form) >= 8) parts.push([key, form]);
                  }
                }
                const shownEl = (e) => !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;
                const texts = [];
                const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                  const text = n.nodeValue.trim();
                  if (text && shownEl(n.parentElement) && !n.parentElement.closest('script,style')) texts.push(text);
                }
                for (const e of document.querySelectorAll('[title],[aria-label],[placeholder]')) {
                  if (!shownEl(e)) continue;
                  for (const a of ['title', 'aria-label', 'placeholder']) if (e.getAttribute(a)) texts.push(e.getAttribute(a).trim());
                }
                const out = [];
                for (const text of new Set(texts)) {
                  for (const [key, re] of whole) if (re.test(text)) out.push(key + ': ' + text);
                  for (const [key, form] of parts) if (text !== form && text.includes(form)) out.push(key + ' (within): ' + text);
                  for (const s of sentences) if (text.includes(s)) out.push('api: ' + text);
                }
                return [...new Set(out)];
                """, shown, foreign, sentences);
        List<String> out = new ArrayList<>();
        found.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        return out;
    }

    private static List<String> submit(String body) throws Exception {
        HttpResponse<String> res = post("api/tasks", body);
        assertEquals(202, res.statusCode(), res.body());
        List<String> ids = new ArrayList<>();
        JsonParser.parseString(res.body()).getAsJsonObject().getAsJsonArray("ids").forEach(e -> ids.add(e.getAsString()));
        return ids;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(page + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(res.statusCode() / 100 == 2, path + ": " + res.statusCode() + " " + res.body());
        return res;
    }

    private static JsonElement get(String path) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(page + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), path + ": " + res.body());
        return JsonParser.parseString(res.body());
    }
}
