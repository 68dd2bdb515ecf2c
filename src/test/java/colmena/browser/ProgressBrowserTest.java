package colmena.browser;

import colmena.Cluster;
import colmena.api.ApiServer;
import colmena.broker.Json;
import colmena.jobs.FacesJobTest;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress and job cancel on the dashboard, in real Chromium against a real coordinator, agent,
 * Redis, H2 and API: a running task's row carries a progress bar that moves, with its figures
 * as text and in both languages; a photo job's bar and its running strips' bars move; the job's
 * Cancel asks first and then stops the strips not yet finished; axe-core finds nothing to fix.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ProgressBrowserTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final Dashboard dash = new Dashboard(null);

    private static Cluster cluster;
    private static WebDriver browser;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        String page = dash.serve(ApiServer.Config.local(cluster.redisUrl, 0));
        base = page.substring(0, page.length() - 1);
        browser = dash.open(WebDriver.start(1400, 1600));
    }

    @Test
    void aRunningTasksRowShowsABarThatMovesInBothLanguages() throws Exception {
        english();
        String id = cluster.submit("sleep", Map.of("ms", 8_000), 1).get(0);
        String row = "tr.task-row.status-row-running[data-task=\"" + id + "\"]";
        String taskBar = row + " [role=progressbar]";
        Page.waitFor("a bar on the running task's row", () -> !browser.findAll(taskBar).isEmpty());
        int first = valueNow(taskBar);
        Page.waitFor("the bar moved on", () -> valueNow(taskBar) > first);
        // The row is drawn anew each time its progress moves: every read is one step in the page.
        assertEquals("Task progress", browser.attributeOf(taskBar, "aria-label"));
        String valueText = browser.attributeOf(taskBar, "aria-valuetext");
        assertTrue(valueText.matches("\\d+%"), valueText);
        String shown = browser.textOf(row + " .progress-text");
        assertTrue(shown.matches("\\d+%"), "the figures are on screen too: " + shown);
        scrollTo(row);
        browser.screenshot(Path.of("target", "progress-task-row.png"));
        List<String> found = Axe.violations(browser);
        assertTrue(found.isEmpty(), "the page with a progress bar:\n" + String.join("\n", found));

        browser.click(browser.findAll("button[data-lang=\"es\"]").get(0));
        Page.waitFor("the bar named in Spanish", () -> browser.attributeOf(taskBar, "aria-label")
                .equals("Progreso de la tarea"));
        Page.waitFor("the figure in Spanish, its % kept to it by a space that does not break", () -> {
            String text = browser.attributeOf(taskBar, "aria-valuetext");
            return text != null && text.matches("\\d+\u00a0%");
        });
        english();
        Page.waitFor("the task DONE and its bar gone", () -> cluster.rows("Status = 'DONE' AND TaskId = '" + id + "'") == 1
                && browser.findAll(taskBar).isEmpty());
    }

    @Test
    void aPhotoJobsBarsMoveAndItsCancelAsksFirstThenStopsWhatIsLeft() throws Exception {
        english();
        // A strip shows as running only between its RUNNING notice (after 250 ms) and its result,
        // and the page reads the job once a second: on a quick machine a strip can end in between
        // every time (CI saw all 21 DONE and none seen running). Two spinning threads, as other
        // work on a classroom PC would, hold each strip long enough to be seen.
        java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean(true);
        for (int i = 0; i < 2; i++) {
            Thread spin = new Thread(() -> {
                long x = 0;
                while (busy.get()) {
                    x += System.nanoTime() & 1;
                }
            }, "progress-test-busy-" + i);
            spin.setDaemon(true);
            spin.start();
        }
        try {
            aPhotoJobOnABusyMachine();
        } finally {
            busy.set(false);
        }
    }

    private void aPhotoJobOnABusyMachine() throws Exception {
        String job = createJob(mosaic(10, 8));
        Page.waitFor("the job's bar", () -> browser.script(
                "return !document.getElementById('job-view').hidden;").getAsBoolean());
        // The first strips wait for the photo to be read and the detector to warm up: on a loaded
        // machine that can take longer than a page's usual wait.
        try {
            Page.waitFor("a running strip with its own bar", Duration.ofSeconds(60),
                    () -> !browser.findAll("#job-running li [role=progressbar]").isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n  the job: " + getJson("/api/jobs/" + job).get("tasks")
                    + "\n  " + cluster.state()
                    + "\n  on the page: " + browser.script("const l = document.getElementById('job-running');"
                    + " return (l.hidden ? '(hidden) ' : '') + l.outerHTML.slice(0, 400);").getAsString(), e);
        }
        Page.waitFor("a running strip's bar past 0", () -> valueNow("#job-running li [role=progressbar]") > 0);
        int first = valueNow("#job-progress");
        Page.waitFor("the job's bar moved on", () -> valueNow("#job-progress") > first);
        String jobBar = browser.findAll("#job-progress").get(0);
        assertEquals("progressbar", browser.attribute(jobBar, "role"));
        assertTrue(browser.attribute(jobBar, "aria-valuetext").matches("\\d+% · \\d+ of \\d+ strips finished"),
                browser.attribute(jobBar, "aria-valuetext"));
        scrollTo("#job-view");
        browser.screenshot(Path.of("target", "progress-photo-job.png"));

        browser.click(browser.findAll("#job-cancel").get(0));
        Page.waitFor("the question", () -> browser.script(
                "return !document.getElementById('job-confirm').hidden;").getAsBoolean());
        String question = browser.text(browser.findAll("#job-confirm-text").get(0));
        assertTrue(question.matches("Cancel the (\\d+ unfinished strips|unfinished strip) of this job\\? Photos already done keep their results\\."), question);
        assertEquals("job-cancel-no", browser.script("return document.activeElement.id;").getAsString(), "focus on No");
        List<String> found = Axe.violations(browser);
        assertTrue(found.isEmpty(), "the job with its cancel question:\n" + String.join("\n", found));
        browser.screenshot(Path.of("target", "progress-job-cancel-question.png"));
        browser.click(browser.findAll("#job-cancel-no").get(0));
        Page.waitFor("the question gone", () -> browser.script(
                "return document.getElementById('job-confirm').hidden;").getAsBoolean());
        assertEquals(0, cluster.rows("Status = 'CANCELLED'"), "No cancels nothing");

        browser.click(browser.findAll("#job-cancel").get(0));
        Page.waitFor("the question again", () -> browser.script(
                "return !document.getElementById('job-confirm').hidden;").getAsBoolean());
        // Every text the status line takes is kept: on a quick machine the job may be over, and
        // "Cancelling…" gone, before a look at the page would see it.
        browser.script("window.cancelTexts = []; const s = document.getElementById('job-cancel-status');"
                + " new MutationObserver(rs => rs.forEach(r => r.type === 'characterData'"
                + " ? window.cancelTexts.push(r.target.textContent)"
                + " : r.addedNodes.forEach(n => window.cancelTexts.push(n.textContent))))"
                + ".observe(s, {childList: true, characterData: true, subtree: true});");
        browser.click(browser.findAll("#job-cancel-yes").get(0));
        try {
            Page.waitFor("the page says it is cancelling", () -> browser.script("return window.cancelTexts.join('\\n');")
                    .getAsString().lines().anyMatch(t -> t.matches("Cancelling \\d+ strips?…")));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n  the status line said: "
                    + browser.script("return JSON.stringify(window.cancelTexts);").getAsString()
                    + "\n  the job: " + getJson("/api/jobs/" + job).get("tasks") + "\n  " + cluster.state(), e);
        }
        Page.waitFor("the job over, its Cancel gone", () -> {
            JsonObject j = getJson("/api/jobs/" + job);
            return !j.get("status").getAsString().equals("running")
                    && browser.script("return document.getElementById('job-cancel').hidden;").getAsBoolean();
        });
        Page.waitFor("every strip finished", () -> cluster.rows("Status IN ('PENDING', 'RUNNING')") == 0);
        JsonObject tasks = getJson("/api/jobs/" + job).getAsJsonObject("tasks");
        long cancelled = cluster.rows("Status = 'CANCELLED' AND TaskType = 'faces-tile'");
        System.out.printf("job cancel from the dashboard: %d of %d strips done (%d of them in under 250 ms, too short to show RUNNING), %d cancelled%n",
                tasks.get("done").getAsInt(), tasks.get("total").getAsInt(),
                cluster.rows("Status = 'DONE' AND TaskType = 'faces-tile' AND DurationMs < 250"),
                cancelled);
        assertTrue(cancelled > 0, "strips were cancelled");
        assertTrue(tasks.get("done").getAsInt() > 0, "the strips done before stay DONE");
        assertEquals(tasks.get("total").getAsLong(), tasks.get("done").getAsLong() + cancelled, "every strip DONE or CANCELLED");
        Page.waitFor("the job list says the job is over", () -> browser.findAll("#job-list .job-item .job-running").isEmpty());
        Page.waitFor("no 'Cancelling…' left under the finished job", () -> browser.text(browser.findAll("#job-cancel-status").get(0)).isEmpty());
        scrollTo("#job-view");
        browser.screenshot(Path.of("target", "progress-job-cancelled.png"));
        // A photo with a cancelled strip failed: why, in the page's language. Its first cancelled strip
        // was cancelled waiting (by the user), running (stopped on its node) or queued on a node.
        Page.waitFor("a failed photo, in English", () -> browser.texts("#job-photos .photo-caption.photo-failed").stream()
                .anyMatch(c -> c.matches("(?s).*: failed — the strip at row \\d+ was cancelled"
                        + "(?: by \\S+ at \\d\\d:\\d\\d:\\d\\d|: stopped on \\S+ at \\d\\d:\\d\\d:\\d\\d| before it started on \\S+)")));
        browser.click(browser.findAll("button[data-lang=\"es\"]").get(0));
        Page.waitFor("a failed photo, in Spanish", () -> browser.texts("#job-photos .photo-caption.photo-failed").stream()
                .anyMatch(c -> c.matches("(?s).*: falló — la franja de la fila \\d+ fue cancelada"
                        + "(?: por \\S+ a las \\d\\d:\\d\\d:\\d\\d|: detenida en \\S+ a las \\d\\d:\\d\\d:\\d\\d| antes de empezar en \\S+)")));
        assertTrue(browser.texts("#job-photos .photo-caption").stream().noneMatch(c -> c.contains("the strip")),
                String.join("\n", browser.texts("#job-photos .photo-caption")));
        english();
    }

    private static void english() throws Exception {
        browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
    }

    private static void scrollTo(String css) throws Exception {
        browser.script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", css);
    }

    private static int valueNow(String css) throws Exception {
        return Integer.parseInt(browser.attributeOf(css, "aria-valuenow"));
    }

    /** A photo of {@code across × down} copies of the astronaut portrait: large enough for many strips. */
    private static byte[] mosaic(int across, int down) throws Exception {
        BufferedImage one = ImageIO.read(new ByteArrayInputStream(FacesJobTest.resource("astronaut.png")));
        BufferedImage all = new BufferedImage(one.getWidth() * across, one.getHeight() * down, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        for (int y = 0; y < down; y++) {
            for (int x = 0; x < across; x++) {
                g.drawImage(one, x * one.getWidth(), y * one.getHeight(), null);
            }
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(all, "jpg", out);
        return out.toByteArray();
    }

    private static String createJob(byte[] photo) throws Exception {
        HttpResponse<String> up = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/blobs?kind=photo"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(photo))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, up.statusCode(), up.body());
        String hash = Json.GSON.fromJson(up.body(), JsonObject.class).get("hash").getAsString();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("photos", List.of(Map.of("blob", hash,
                        "name", "class.jpg")))))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        return Json.GSON.fromJson(r.body(), JsonObject.class).get("id").getAsString();
    }

    private static JsonObject getJson(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.GSON.fromJson(r.body(), JsonObject.class);
    }
}
