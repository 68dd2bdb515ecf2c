package colmena.browser;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * axe-core, the accessibility engine, run inside the page under test: its script (from the
 * org.webjars.npm:axe-core test dependency) is injected through WebDriver, and {@link #violations}
 * returns what it finds, one readable line per rule and element.
 */
final class Axe {
    private static final String SCRIPT = "/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
    private static String source;

    private Axe() {
    }

    private static synchronized String source() throws IOException {
        if (source == null) {
            try (InputStream in = Axe.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException(SCRIPT + " is not on the test class path (the axe-core webjar)");
                }
                source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return source;
    }

    /**
     * Runs axe on the page as it is now, with the WCAG 2.1 A and AA rules and axe's best practices,
     * and returns each violation as "rule (impact): help — selector: summary".
     */
    static List<String> violations(WebDriver browser) throws Exception {
        if (!browser.script("return typeof window.axe === 'object';").getAsBoolean()) {
            browser.script(source() + "\nreturn true;");
        }
        JsonElement result = browser.scriptAsync("const done = arguments[arguments.length - 1];"
                + " axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },"
                + " resultTypes: ['violations'] }).then(r => done(r.violations), e => done({ error: String(e) }));");
        if (result.isJsonObject() && result.getAsJsonObject().has("error")) {
            throw new IllegalStateException("axe failed: " + result.getAsJsonObject().get("error").getAsString());
        }
        List<String> out = new ArrayList<>();
        for (JsonElement v : result.getAsJsonArray()) {
            JsonObject rule = v.getAsJsonObject();
            for (JsonElement n : rule.getAsJsonArray("nodes")) {
                JsonObject node = n.getAsJsonObject();
                String summary = node.has("failureSummary") && !node.get("failureSummary").isJsonNull()
                        ? node.get("failureSummary").getAsString().replace('\n', ' ') : "";
                out.add(rule.get("id").getAsString() + " (" + rule.get("impact").getAsString() + "): "
                        + rule.get("help").getAsString() + " — " + node.getAsJsonArray("target") + ": " + summary);
            }
        }
        return out;
    }
}
