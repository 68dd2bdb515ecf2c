package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.agent.Agent;
import colmena.api.ApiServer;
import com.google.gson.JsonElement;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything a person reads is in one language: a browser that prefers neither Spanish nor English
 * gets Spanish; no text of the English dictionary (nor the API's English descriptions) appears on
 * the Spanish screen; plurals follow the language's rule; an API error with a code is written in
 * the language chosen, and rewritten on a switch.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LanguageBrowserTest {
    @RegisterExtension
    static final Dashboard dash = new Dashboard("dashboard-es.png");

    private static Cluster cluster;
    private static Agent nodo3;
    private static WebDriver browser;
    private static String page;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        cluster.startAgent("nodo2", 1);
        nodo3 = cluster.startAgent("nodo3", 1);
        page = dash.serve(ApiServer.Config.local(TestRedis.url(), 0));
        cluster.submit("sleep", Map.of("ms", 10), 3);
        browser = dash.open(WebDriver.start(1400, 1000, "fr-FR"));
    }

    @Test
    @Order(1)
    void aBrowserPreferringNeitherLanguageGetsSpanish() throws Exception {
        Page.waitFor("the page's language chosen", () -> !browser.script("return document.documentElement.lang;").getAsString().isEmpty());
        assertTrue(browser.script("return navigator.languages.join(',');").getAsString().startsWith("fr"),
                "the browser prefers French: " + browser.script("return navigator.languages.join(',');"));
        assertEquals("es", browser.script("return document.documentElement.lang;").getAsString());
        Page.waitFor("cards", () -> browser.findAll(".node-card .cpu-value").size() == 3);
        assertEquals("true", browser.attribute(browser.findAll("button[data-lang=\"es\"]").get(0), "aria-pressed"));
    }

    @Test
    @Order(2)
    void aSpanishScreenShowsNoEnglishTextAndOneLostNodeIsSingular() throws Exception {
        language("es");
        nodo3.stop();
        Page.waitFor("one node offline, in the singular", () -> browser.text(browser.findAll("#sum-nodes-sub").get(0))
                .equals("1 desconectado"));
        Page.waitFor("the lost alert", () -> !browser.findAll("#alert-items li[data-metric=\"lost\"]").isEmpty());
        Page.waitFor("rows of history", () -> !browser.findAll("tr.task-row").isEmpty());
        Page.waitFor("the history's size, its three rows counted, in Spanish", () -> browser.text(browser.findAll("#sum-history").get(0))
                .matches("El historial guarda 3 tareas \\(\\d+(,\\d)? [KM]B\\)"));
        // An API error in the form too.
        chooseType("primes");
        fill("input[data-param=\"n\"]", "1");
        browser.click(browser.findAll("#submit-button").get(0));
        Page.waitFor("the error beside n, in Spanish", () -> browser.text(browser.findAll(".field-error[data-field=\"params.n\"]").get(0))
                .equals("n debe ser al menos 2; se ha recibido 1"));

        assertEquals("[]", browser.script("return JSON.stringify(Object.keys(DICT.en).filter((k) => !(k in DICT.es)));")
                .getAsString(), "every English sentence has a Spanish one");
        List<String> english = englishOnScreen();
        assertTrue(english.isEmpty(), "English on the Spanish screen:\n" + String.join("\n", english));
    }

    @Test
    @Order(3)
    void theErrorAndTheStatusLineAreRewrittenOnASwitchOfLanguage() throws Exception {
        language("es");
        chooseType("primes");
        fill("input[data-param=\"n\"]", "1");
        browser.click(browser.findAll("#submit-button").get(0));
        Page.waitFor("Spanish status", () -> browser.text(browser.findAll("#submit-status").get(0)).equals("No se envió: corrige el campo marcado."));
        language("en");
        assertEquals("n must be at least 2, got 1", browser.textOf(".field-error[data-field=\"params.n\"]"));
        assertEquals("Not submitted: fix the marked field.", browser.text(browser.findAll("#submit-status").get(0)));
        assertTrue(browser.text(browser.findAll("#conn-text").get(0)).equals("Connected"), "status line in English");
        language("es");
        assertEquals("Conectado", browser.text(browser.findAll("#conn-text").get(0)));
    }

    /**
     * Every visible text (and title, label, placeholder) that matches a sentence of the English
     * dictionary which differs in Spanish, or an English description from /api/types.
     */
    private static List<String> englishOnScreen() throws Exception {
        HttpResponse<String> types = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + "api/types")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonElement found = browser.script("""
                const apiTexts = [];
                for (const type of JSON.parse(arguments[0]).types) {
                  apiTexts.push(type.summary);
                  for (const p of type.params) if (p.help) apiTexts.push(p.help);
                }
                const quote = (s) => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
                const templates = [];
                for (const [key, value] of Object.entries(DICT.en)) {
                  const spanish = String(DICT.es[key] ?? '').split('|');
                  for (const form of String(value).split('|')) {
                    if (spanish.includes(form)) continue;
                    // Only sentences with words of their own: "{n} s" or "CPU" say nothing about the language.
                    if (form.replace(/\\{\\w+\\}/g, '').replace(/[^A-Za-z]+/g, '').length < 4) continue;
                    templates.push([key, new RegExp('^' + form.split(/\\{\\w+\\}/).map(quote).join('[\\\\s\\\\S]*?') + '$')]);
                  }
                }
                const shown = (e) => !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;
                const texts = [];
                const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                  const text = n.nodeValue.trim();
                  if (text && shown(n.parentElement) && !n.parentElement.closest('script,style')) texts.push(text);
                }
                for (const e of document.querySelectorAll('[title],[aria-label],[placeholder]')) {
                  if (!shown(e)) continue;
                  for (const a of ['title', 'aria-label', 'placeholder']) if (e.getAttribute(a)) texts.push(e.getAttribute(a).trim());
                }
                const out = [];
                for (const text of new Set(texts)) {
                  for (const [key, re] of templates) if (re.test(text)) out.push(key + ': ' + text);
                  if (apiTexts.includes(text)) out.push('api: ' + text);
                }
                return out;
                """, types.body());
        List<String> out = new ArrayList<>();
        found.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        return out;
    }

    private static void language(String lang) throws Exception {
        browser.click(browser.findAll("button[data-lang=\"" + lang + "\"]").get(0));
        Page.waitFor("the page in " + lang, () -> lang.equals(browser.script("return document.documentElement.lang;").getAsString()));
    }

    private static void chooseType(String type) throws Exception {
        Page.waitFor("the submit form", () -> !browser.findAll("select#submit-type option").isEmpty());
        browser.script("const s = document.querySelector('#submit-type'); s.value = arguments[0];"
                + " s.dispatchEvent(new Event('change', {bubbles: true}));", type);
        Page.waitFor("the fields of " + type, () -> !browser.findAll("#param-fields input").isEmpty());
    }

    private static void fill(String css, String text) throws Exception {
        String e = browser.findAll(css).get(0);
        browser.clear(e);
        browser.type(e, text);
    }
}
