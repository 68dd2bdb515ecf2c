package colmena.browser;

import colmena.TestRedis;
import colmena.broker.Json;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A small client of the W3C WebDriver protocol, driving Debian's headless Chromium through its
 * chromedriver: enough to open a page, find elements by CSS, read text, click and type. Plain
 * JSON over HTTP, so the tests need no browser-automation library.
 */
public final class WebDriver implements AutoCloseable {
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final Process driver;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path profile;

    private WebDriver(Process driver, String base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
    }

    /** Where chromedriver and chromium are, or null when this machine lacks them. */
    public static String missing() {
        if (find("chromedriver") == null) {
            return "chromedriver is not installed (Debian: apt-get install chromium chromium-driver)";
        }
        if (browser() == null) {
            return "chromium is not installed (Debian: apt-get install chromium chromium-driver)";
        }
        return null;
    }

    private static String browser() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            String f = find(name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static String find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    /** Starts chromedriver and a headless browser session whose user prefers English. */
    public static WebDriver start(int width, int height) throws Exception {
        return start(width, height, "en-US");
    }

    /** Starts chromedriver and a headless browser session whose user prefers language {@code lang}. */
    public static WebDriver start(int width, int height, String lang) throws Exception {
        int port = TestRedis.freePort();
        Process p = new ProcessBuilder(find("chromedriver"), "--port=" + port).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String base = "http://127.0.0.1:" + port;
        Path profile = Files.createTempDirectory("colmena-chromium");
        WebDriver wd = new WebDriver(p, base, profile);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            try {
                JsonObject status = wd.call("GET", "/status", null);
                if (status.getAsJsonObject("value").get("ready").getAsBoolean()) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                deleteProfile(profile);
                throw new IllegalStateException("chromedriver did not start within 15 s");
            }
            Thread.sleep(100);
        }
        Map<String, Object> options = Map.of("binary", browser(), "args", List.of("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=" + lang),
                "prefs", Map.of("intl.accept_languages", lang));
        JsonObject created = wd.call("POST", "/session", Map.of("capabilities",
                Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options))));
        wd.session = created.getAsJsonObject("value").get("sessionId").getAsString();
        return wd;
    }

    private String session;

    public void open(String url) throws Exception {
        call("POST", s("/url"), Map.of("url", url));
    }

    /** The elements matching a CSS selector now (possibly none). */
    public List<String> findAll(String css) throws Exception {
        JsonArray found = call("POST", s("/elements"), Map.of("using", "css selector", "value", css)).getAsJsonArray("value");
        List<String> ids = new ArrayList<>();
        for (JsonElement e : found) {
            ids.add(e.getAsJsonObject().get(ELEMENT).getAsString());
        }
        return ids;
    }

    /**
     * How the page reads an element's text for {@link #texts} and {@link #textOf}: its innerText, or,
     * where {@code content-visibility: auto} skips it (its panel is off screen, and innerText then
     * gives nothing), its text content with the white space collapsed; no-break spaces as plain
     * ones and the ends trimmed, as in WebDriver's own text.
     */
    private static final String READ_TEXT = "const text = (e) => (e.checkVisibility() && !e.checkVisibility({ contentVisibilityAuto: true })"
            + " ? e.textContent.replace(/\\s+/g, ' ') : e.innerText).replace(/\\u00a0/g, ' ').trim();";

    /**
     * The rendered text of every element matching a CSS selector, read in one step in the page: a
     * panel that redraws between a find and a read cannot leave a stale element behind.
     */
    public List<String> texts(String css) throws Exception {
        JsonArray found = script(READ_TEXT + " return Array.from(document.querySelectorAll(arguments[0]), text);", css)
                .getAsJsonArray();
        List<String> texts = new ArrayList<>();
        for (JsonElement e : found) {
            texts.add(e.getAsString());
        }
        return texts;
    }

    /**
     * The rendered text of the first element matching a CSS selector, read in one step in the page
     * as {@link #texts} reads it: for an element a poll may redraw. Throws when nothing matches.
     */
    public String textOf(String css) throws Exception {
        JsonElement v = script(READ_TEXT + " const e = document.querySelector(arguments[0]); return e ? text(e) : null;", css);
        if (v == null || v.isJsonNull()) {
            throw new IllegalStateException("nothing matches " + css);
        }
        return v.getAsString();
    }

    /**
     * Attribute {@code name} of the first element matching a CSS selector (null when it has none),
     * read in one step in the page: for an element a poll may redraw. Throws when nothing matches.
     */
    public String attributeOf(String css, String name) throws Exception {
        JsonElement v = script("const e = document.querySelector(arguments[0]);"
                + " return e ? [e.getAttribute(arguments[1])] : null;", css, name);
        if (v == null || v.isJsonNull()) {
            throw new IllegalStateException("nothing matches " + css);
        }
        JsonElement value = v.getAsJsonArray().get(0);
        return value.isJsonNull() ? null : value.getAsString();
    }

    /** Attribute {@code name} of every element matching a CSS selector (null where one has none), read in one step in the page. */
    public List<String> attributes(String css, String name) throws Exception {
        JsonArray found = script("return Array.from(document.querySelectorAll(arguments[0]), e => e.getAttribute(arguments[1]));",
                css, name).getAsJsonArray();
        List<String> values = new ArrayList<>();
        for (JsonElement e : found) {
            values.add(e.isJsonNull() ? null : e.getAsString());
        }
        return values;
    }

    public String text(String element) throws Exception {
        return call("GET", s("/element/" + element + "/text"), null).get("value").getAsString();
    }

    public String attribute(String element, String name) throws Exception {
        JsonElement v = call("GET", s("/element/" + element + "/attribute/" + name), null).get("value");
        return v == null || v.isJsonNull() ? null : v.getAsString();
    }

    /**
     * Clicks like a person: where the element is. While the page is still laying itself out (a
     * panel above grows as its data arrives, so another element is where the button was a moment
     * ago), the click is tried again for up to {@link #SETTLE_MS}; a click that keeps missing fails.
     * For an element a poll may redraw, use {@link #clickOn}, which finds it again.
     */
    public void click(String element) throws Exception {
        long deadline = System.nanoTime() + SETTLE_MS * 1_000_000L;
        while (!tryClick(element, deadline, false)) {
            Thread.sleep(100);
        }
    }

    /**
     * Clicks the first element matching a CSS selector, as {@link #click}; when the page redrew it
     * between the find and the click (a stale element), it is found again and clicked, for up to
     * {@link #SETTLE_MS}. Throws at once when nothing matches.
     */
    public void clickOn(String css) throws Exception {
        long deadline = System.nanoTime() + SETTLE_MS * 1_000_000L;
        while (true) {
            List<String> found = findAll(css);
            if (found.isEmpty()) {
                throw new IllegalStateException("nothing matches " + css);
            }
            if (tryClick(found.get(0), deadline, true)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** One click; false when it should be tried again (intercepted, or stale when {@code stale} allows). */
    private boolean tryClick(String element, long deadline, boolean stale) throws Exception {
        try {
            call("POST", s("/element/" + element + "/click"), Map.of());
            return true;
        } catch (IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            boolean again = m.contains("element click intercepted") || (stale && m.contains("stale element reference"));
            if (!again || System.nanoTime() > deadline) {
                throw e;
            }
            return false;
        }
    }

    /** The WebDriver codes of the Enter and Space keys, for {@link #type}. */
    static final String ENTER = "\uE007";
    static final String SPACE = "\uE00D";

    /** How long a click waits for the page's layout to settle. */
    static final long SETTLE_MS = 3_000;

    public void clear(String element) throws Exception {
        call("POST", s("/element/" + element + "/clear"), Map.of());
    }

    public void type(String element, String text) throws Exception {
        call("POST", s("/element/" + element + "/value"), Map.of("text", text));
    }

    /** Runs asynchronous JavaScript: the script calls its last argument with the result. */
    public JsonElement scriptAsync(String js, Object... args) throws Exception {
        return call("POST", s("/execute/async"), Map.of("script", js, "args", List.of(args))).get("value");
    }

    /** Runs JavaScript in the page and returns its result as JSON. */
    public JsonElement script(String js, Object... args) throws Exception {
        return call("POST", s("/execute/sync"), Map.of("script", js, "args", List.of(args))).get("value");
    }

    /**
     * CPU seconds (user + system) used so far by the browser's processes (every process below this
     * chromedriver), from /proc; NaN where there is no /proc.
     */
    public double browserCpuSeconds() {
        double ticks = 0;
        for (ProcessHandle p : driver.descendants().toList()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);   // utime, stime: fields 14 and 15
            } catch (IOException | RuntimeException e) {
                if (!Files.isDirectory(Path.of("/proc"))) {
                    return Double.NaN;
                }
                // The process ended meanwhile: its time is no longer counted anywhere.
            }
        }
        return ticks / 100.0;   // USER_HZ is 100 on Linux
    }

    /** Sends a Chrome DevTools Protocol command through chromedriver and returns its result. */
    public JsonElement cdp(String command, Map<String, Object> params) throws Exception {
        return call("POST", s("/goog/cdp/execute"), Map.of("cmd", command, "params", params)).get("value");
    }

    public void screenshot(Path to) throws Exception {
        String b64 = call("GET", s("/screenshot"), null).get("value").getAsString();
        Files.createDirectories(to.getParent());
        Files.write(to, Base64.getDecoder().decode(b64));
    }

    private String s(String path) {
        return "/session/" + session + path;
    }

    private JsonObject call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonObject json = Json.GSON.fromJson(r.body(), JsonObject.class);
        if (r.statusCode() >= 400) {
            throw new IllegalStateException("WebDriver " + method + " " + path + " → " + r.statusCode() + ": "
                    + json.getAsJsonObject("value").get("message").getAsString().lines().findFirst().orElse(""));
        }
        return json;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", s(""), null);
            }
        } catch (Exception e) {
            // The driver is killed below either way.
        }
        driver.destroyForcibly();
        try {
            driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteProfile(profile);
    }

    /**
     * Deletes a browser profile folder (about 3 MB a session; hundreds of them piled up in /tmp
     * over a day of test runs), walked again for up to a second while the browser's last files land.
     */
    private static void deleteProfile(Path profile) {
        for (int attempt = 0; attempt < 20 && !colmena.TempDirs.delete(profile); attempt++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
