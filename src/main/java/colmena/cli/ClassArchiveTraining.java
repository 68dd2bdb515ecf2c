package colmena.cli;

import colmena.agent.Agent;
import colmena.api.ApiServer;
import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.coordinator.Coordinator;
import colmena.process.BundledRedis;
import colmena.store.Database;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The run {@link ClassArchiveCommand} archives the classes of: a whole Colmena in this one JVM, on
 * a Redis of its own on a free loopback port and an H2 database in a temporary folder, used as a
 * class uses it. The dashboard's files, a login, every task type, 2,000 quick tasks, a face job on
 * a drawn photo, the task list, the summary, the CSV export and the metrics, all through the REST
 * API; then everything is stopped (the caller deletes the folder). Nothing of the real installation is
 * touched. Its output lines starting {@link #PROGRESS} are shown to the user.
 */
final class ClassArchiveTraining {
    static final String FLAG = "--train";
    static final String PROGRESS = "cds: ";
    static final String CLASSES_LINE = "cds-classes: ";
    private static final int QUICK_TASKS = 2_000;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final List<Runnable> stops = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;
    /** The session as the dashboard holds it: its cookie, and the CSRF token its changes carry. */
    private String cookie = "";
    private String csrf = "";

    private ClassArchiveTraining() {
    }

    /** Runs the training in {@code work}, a folder of its own that the caller deletes after. */
    static int run(Path work) throws InterruptedException {
        ClassArchiveTraining t = new ClassArchiveTraining();
        try {
            t.start(work);
            t.use();
            System.out.println(CLASSES_LINE + String.format("%,d", ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()));
            return 0;
        } catch (IOException | RuntimeException e) {
            throw new StartupException("training run: " + e);
        } finally {
            t.stopAll();
        }
    }

    /** Redis, then the coordinator, an agent and the API, each made from its own command's flags. */
    private void start(Path work) throws IOException, InterruptedException {
        int port = freePort();
        BundledRedis redis = BundledRedis.start(BundledRedis.Source.PATH_FIRST, port, "127.0.0.1", null,
                work.resolve("redis"), "256mb");
        stops.add(redis::stop);
        String url = redis.url();
        String data = work.toString();
        Duration wait = Duration.ofSeconds(30);
        progress("Redis on port " + port + ", TaskHistory in a temporary folder");

        Coordinator.Config cc = CoordinatorCommand.config(flags("coordinator", CoordinatorCommand.OPTIONS,
                "--redis", url, "--data-dir", data, "--demo-rate", "2"));
        Redis coordinatorRedis = Startup.redis(url, 12, wait);
        Coordinator coordinator = new Coordinator(cc, coordinatorRedis, Startup.database(cc.dbUrl(), null, null, wait));
        stops.add(0, coordinatorRedis::close);
        stops.add(0, coordinator::stop);
        coordinator.start();

        Agent.Config ac = AgentCommand.config(flags("agent", AgentCommand.OPTIONS,
                "--redis", url, "--id", "training", "--workers", "2", "--interval", "500ms"));
        Redis agentRedis = Startup.redis(url, 8, wait);
        Agent agent = new Agent(ac, agentRedis);
        stops.add(0, agentRedis::close);
        stops.add(0, agent::stop);
        agent.start();

        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        ApiServer.Config apic = ApiCommand.config(flags("api", ApiCommand.OPTIONS,
                "--redis", url, "--data-dir", data, "--port", "0", "--admin-password", password));
        Redis apiRedis = Startup.redis(url, 16, wait);
        ApiServer api = ApiCommand.server(apic, apiRedis, Startup.database(apic.dbUrl(), null, null, wait));
        stops.add(0, apiRedis::close);
        stops.add(0, api::stop);
        api.start();
        base = "http://127.0.0.1:" + api.port();
        progress("the API on port " + api.port() + ", the coordinator and agent \"training\" started");
        HttpResponse<String> login = send("POST", "/api/login", "{\"user\": \"admin\", \"password\": \"" + password + "\"}");
        expect(login, "POST /api/login", 200);
        cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";", 2)[0];
        csrf = JsonParser.parseString(login.body()).getAsJsonObject().get("csrf").getAsString();
    }

    /** What a class does: the dashboard, every task type, a burst of quick tasks, a face job, the history. */
    private void use() throws IOException, InterruptedException {
        for (String file : List.of("/", "/app.js", "/style.css", "/i18n.js", "/api/openapi.json")) {
            call("GET", file, null, 200);
        }
        until("agent \"training\" online", () -> call("GET", "/api/nodes", null, 200).contains("\"training\""));
        int submitted = 0;
        for (JsonElement type : JsonParser.parseString(call("GET", "/api/types", null, 200)).getAsJsonObject().getAsJsonArray("types")) {
            String name = type.getAsJsonObject().get("name").getAsString();
            call("POST", "/api/tasks", "{\"type\": \"" + name + "\", \"count\": 2}", 202);
            submitted += 2;
        }
        for (int sent = 0; sent < QUICK_TASKS; sent += 500) {
            call("POST", "/api/tasks", "{\"type\": \"sleep\", \"params\": {\"ms\": 0}, \"count\": 500, \"priority\": "
                    + (sent % 1000 == 0 ? 5 : 7) + "}", 202);
            submitted += 500;
        }
        progress(String.format("%,d tasks of every type submitted", submitted));
        String job = faceJob();
        int expected = submitted;
        until(String.format("%,d tasks done", expected), () -> done() >= expected);
        until("the face job done", () -> !JsonParser.parseString(call("GET", "/api/jobs/" + job, null, 200)).getAsJsonObject()
                .get("status").getAsString().equals("running"));
        call("GET", "/api/jobs/" + job + "/photos/0/annotated", null, 200);
        for (String read : List.of("/api/tasks?limit=50", "/api/tasks?status=DONE&limit=50", "/api/tasks?node=training&type=sleep&limit=50",
                "/api/summary", "/api/health", "/api/jobs", "/api/nodes/training", "/api/tasks.csv?sep=semicolon&bom=1", "/metrics",
                "/api/me", "/api/deadletters")) {
            call("GET", read, null, 200);
        }
        progress("done; the API read the history, the summary, the CSV export and the metrics");
    }

    /** A face job on a drawn photo (a face-like oval on a gradient): the paper's workload, start to end. */
    private String faceJob() throws IOException, InterruptedException {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int y = 0; y < 240; y++) {
            g.setColor(new Color(y, 255 - y, 128));
            g.drawLine(0, y, 319, y);
        }
        g.setColor(new Color(230, 190, 160));
        g.fillOval(110, 50, 100, 130);
        g.setColor(Color.DARK_GRAY);
        g.fillOval(135, 90, 15, 10);
        g.fillOval(170, 90, 15, 10);
        g.fillRect(145, 145, 30, 6);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        HttpResponse<String> blob = send("POST", "/api/blobs?kind=photo", "image/png",
                HttpRequest.BodyPublishers.ofByteArray(png.toByteArray()));
        expect(blob, "POST /api/blobs", 201);
        String hash = JsonParser.parseString(blob.body()).getAsJsonObject().get("hash").getAsString();
        String created = call("POST", "/api/jobs", "{\"photos\": [{\"blob\": \"" + hash + "\", \"name\": \"training.png\"}]}", 202);
        return JsonParser.parseString(created).getAsJsonObject().get("id").getAsString();
    }

    /** Tasks DONE in TaskHistory, from the summary. */
    private long done() throws IOException, InterruptedException {
        JsonObject tasks = JsonParser.parseString(call("GET", "/api/summary", null, 200)).getAsJsonObject().getAsJsonObject("tasks");
        return tasks != null && tasks.has("DONE") ? tasks.get("DONE").getAsLong() : 0;
    }

    private String call(String method, String path, String json, int status) throws IOException, InterruptedException {
        HttpResponse<String> r = send(method, path, json);
        expect(r, method + " " + path, status);
        return r.body();
    }

    private HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        return send(method, path, "application/json", json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
    }

    private HttpResponse<String> send(String method, String path, String type, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", type).method(method, body);
        if (!cookie.isEmpty()) {
            b.header("Cookie", cookie).header("X-CSRF-Token", csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, String what, int status) throws IOException {
        if (r.statusCode() != status) {
            String body = r.body() == null ? "" : r.body();
            throw new IOException(what + " answered " + r.statusCode() + ", not " + status + ": "
                    + body.substring(0, Math.min(300, body.length())));
        }
    }

    private interface Check {
        boolean ok() throws IOException, InterruptedException;
    }

    private static void until(String what, Check check) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("not " + what + " within " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** A command's flags from these arguments alone: the environment of a real installation does not reach in. */
    private static Flags flags(String command, List<colmena.config.Option> options, String... args) {
        return Flags.parse(command, Startup.withProcessOptions(options), args, Map.of());
    }

    private void stopAll() {
        for (Runnable stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                System.out.println("(stopping: " + e + ")");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void progress(String line) {
        System.out.println(PROGRESS + line);
    }
}
