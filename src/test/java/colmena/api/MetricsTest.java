package colmena.api;

import colmena.Cluster;
import colmena.TestDatabase;
import colmena.TestRedis;
import colmena.broker.Json;
import colmena.support.Eventually;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} read by a real parser of the Prometheus text format (the Python client's,
 * {@code prometheus_client.parser}, Debian's python3-prometheus-client; skipped, and saying so,
 * where it is missing), against a real coordinator, agents, Redis, H2 and the API, its figures
 * checked against what the API's JSON says.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Parses stdin and prints every family as JSON: name, type, samples (name, labels, value). */
    private static final String PARSE = String.join("\n",
            "import sys, json, math",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = []",
            "for f in text_string_to_metric_families(sys.stdin.read()):",
            "    out.append({'name': f.name, 'type': f.type, 'samples': [",
            "        {'name': s.name, 'labels': s.labels, 'value': (None if math.isnan(s.value) else s.value)} for s in f.samples]})",
            "print(json.dumps(out))");

    @Test
    @SuppressWarnings("unchecked")
    void aRealPrometheusParserReadsEveryFamilyAndItsFiguresMatchTheApi() throws Exception {
        Assumptions.assumeTrue(parserAvailable(), "python3 with prometheus_client is not installed (apt install "
                + "python3-prometheus-client); .ci/run installs it");
        ApiServer api = null;
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("prom-1", 2);
            cluster.startAgent("prom.2", 2);
            api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            String base = "http://127.0.0.1:" + api.port();
            Eventually.within(Duration.ofSeconds(20), "both nodes online",
                    () -> cluster.online("prom-1") && cluster.online("prom.2"));
            cluster.submit("sleep", Map.of("ms", 5), 40);
            cluster.submit("primes", Map.of("n", 1000), 10);
            Eventually.within(Duration.ofSeconds(30), "50 DONE", () -> cluster.rows("Status = 'DONE'") == 50);
            get(base + "/api/nodes/nobody"); // a 404, counted under its route
            get(base + "/api/summary");
            HttpResponse<String>[] scrape = new HttpResponse[1];
            // The coordinator reports once a second: until its report covers the last result.
            Eventually.within(Duration.ofSeconds(10), "the coordinator's report covers all 50", () -> {
                scrape[0] = get(base + "/metrics");
                return scrape[0].body().contains("colmena_result_store_delay_seconds_count 50\n");
            });
            assertEquals(200, scrape[0].statusCode());
            assertTrue(scrape[0].headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            Map<String, JsonObject> families = parse(scrape[0].body());

            assertEquals("gauge", families.get("colmena_node_online").get("type").getAsString());
            assertEquals("counter", families.get("colmena_node_tasks_done").get("type").getAsString(),
                    "a counter's family is named without _total, its sample with it");
            JsonObject nodes = Json.GSON.fromJson(get(base + "/api/nodes").body(), JsonObject.class);
            for (JsonElement n : nodes.getAsJsonArray("nodes")) {
                JsonObject node = n.getAsJsonObject();
                String id = node.get("id").getAsString();
                assertEquals(1.0, value(families, "colmena_node_online", "colmena_node_online", Map.of("node", id)));
                assertEquals(node.getAsJsonObject("metrics").get("cores").getAsDouble(),
                        value(families, "colmena_node_cores", "colmena_node_cores", Map.of("node", id)));
                double cpu = value(families, "colmena_node_cpu_ratio", "colmena_node_cpu_ratio", Map.of("node", id));
                assertTrue(cpu >= 0 && cpu <= 1, "a ratio: " + cpu);
            }
            double done = value(families, "colmena_node_tasks_done", "colmena_node_tasks_done_total", Map.of("node", "prom-1"))
                    + value(families, "colmena_node_tasks_done", "colmena_node_tasks_done_total", Map.of("node", "prom.2"));
            assertEquals(50.0, done, "the nodes' done counters");
            assertEquals(40.0, value(families, "colmena_tasks", "colmena_tasks", Map.of("type", "sleep", "status", "DONE")));
            assertEquals(10.0, value(families, "colmena_tasks", "colmena_tasks", Map.of("type", "primes", "status", "DONE")));
            assertEquals(1.0, value(families, "colmena_coordinator_working", "colmena_coordinator_working", Map.of()));
            assertEquals("counter", families.get("colmena_coordinator_pending_rows_written").get("type").getAsString());
            double pendingRows = value(families, "colmena_coordinator_pending_rows_written",
                    "colmena_coordinator_pending_rows_written_total", Map.of());
            assertTrue(pendingRows >= 0 && pendingRows <= 50, "at most one PENDING row a task: " + pendingRows);
            JsonObject coordinator = Json.GSON.fromJson(get(base + "/api/summary").body(), JsonObject.class).getAsJsonObject("coordinator");
            assertEquals(coordinator.get("placementsWritten").getAsDouble(), pendingRows, "the figure /api/summary gives");

            JsonObject wait = families.get("colmena_task_wait_to_place_seconds");
            assertEquals("histogram", wait.get("type").getAsString());
            assertEquals(50.0, value(families, "colmena_task_wait_to_place_seconds", "colmena_task_wait_to_place_seconds_count", Map.of()));
            assertEquals(50.0, value(families, "colmena_task_wait_to_place_seconds", "colmena_task_wait_to_place_seconds_bucket",
                    Map.of("le", "+Inf")));
            assertEquals(50.0, value(families, "colmena_result_store_delay_seconds", "colmena_result_store_delay_seconds_count", Map.of()));

            assertEquals(1.0, value(families, "colmena_api_requests", "colmena_api_requests_total",
                    Map.of("method", "GET", "route", "/api/nodes/{id}", "code", "404")), "ids do not become routes");
            assertTrue(value(families, "colmena_api_request_duration_seconds", "colmena_api_request_duration_seconds_count",
                    Map.of("route", "/api/summary")) >= 1);
            assertEquals(1.0, value(families, "colmena_api_request_duration_seconds", "colmena_api_request_duration_seconds_bucket",
                    Map.of("route", "/api/nodes/{id}", "le", "+Inf")));
        } finally {
            if (api != null) {
                api.stop();
            }
        }
    }

    /** One series per list waiting to be placed; the wake-up a priority's list leaves in tasks:submitted is no task. */
    @Test
    void theTasksWaitingToBePlacedAreCountedPerPriority() throws Exception {
        colmena.broker.Redis redis = TestRedis.fresh();
        ApiServer api = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0), redis, TestDatabase.fresh());
        api.start();
        try {
            colmena.broker.TaskQueue queue = new colmena.broker.TaskQueue(redis);
            queue.submitNew("sleep", Map.of("ms", 0), 3, null, 0, 9);
            queue.submitNew("sleep", Map.of("ms", 0), 2, null, 0, 1);
            assertEquals(1L, (long) redis.call(j -> j.llen(colmena.broker.RedisKeys.submitted())), "the wake-up");
            assertEquals(5, queue.waitingToBePlaced());
            Assumptions.assumeTrue(parserAvailable(), "python3 with prometheus_client is not installed");
            Map<String, JsonObject> families = parse(get("http://127.0.0.1:" + api.port() + "/metrics").body());
            assertEquals(3.0, value(families, "colmena_queue_length", "colmena_queue_length", Map.of("queue", "tasks:submitted:9")));
            assertEquals(2.0, value(families, "colmena_queue_length", "colmena_queue_length", Map.of("queue", "tasks:submitted:1")));
            assertEquals(0.0, value(families, "colmena_queue_length", "colmena_queue_length", Map.of("queue", "tasks:submitted")));
        } finally {
            api.stop();
            redis.close();
        }
    }

    @Test
    void aScrapeNeedsAViewersCredentialsWhenLoginIsOn() throws Exception {
        TestRedis.fresh().close();
        ApiServer api = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withAuth("s3cret-pass-1", Duration.ofHours(1)),
                colmena.broker.Redis.connect(TestRedis.url(), 4), TestDatabase.fresh());
        api.start();
        try {
            String uri = "http://127.0.0.1:" + api.port() + "/metrics";
            assertEquals(401, get(uri).statusCode());
            String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:s3cret-pass-1".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", basic).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("# TYPE colmena_coordinator_working gauge"), r.body());
        } finally {
            api.stop();
        }
    }

    @Test
    void labelValuesAndHelpAreEscapedAsTheFormatSays() throws Exception {
        Assumptions.assumeTrue(parserAvailable(), "python3 with prometheus_client is not installed");
        PromText out = new PromText();
        out.family("colmena_test", "gauge", "a help with a \\ and a\nline feed")
                .sample(2.5, "node", "a \"quoted\" \\ name\nwith a line feed");
        Map<String, JsonObject> families = parse(out.toString());
        assertEquals(2.5, value(families, "colmena_test", "colmena_test", Map.of("node", "a \"quoted\" \\ name\nwith a line feed")));
    }

    private static double value(Map<String, JsonObject> families, String family, String sample, Map<String, String> labels) {
        JsonObject f = families.get(family);
        assertTrue(f != null, "no family " + family + " in " + families.keySet());
        for (JsonElement e : f.getAsJsonArray("samples")) {
            JsonObject s = e.getAsJsonObject();
            Map<String, String> l = new HashMap<>();
            s.getAsJsonObject("labels").entrySet().forEach(x -> l.put(x.getKey(), x.getValue().getAsString()));
            if (s.get("name").getAsString().equals(sample) && l.equals(labels)) {
                return s.get("value").getAsDouble();
            }
        }
        throw new AssertionError("no sample " + sample + labels + " in " + f);
    }

    private static Map<String, JsonObject> parse(String text) throws Exception {
        Process p = new ProcessBuilder(python(), "-c", PARSE).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "the parser refused the text: " + err + "\n" + text);
        Map<String, JsonObject> families = new HashMap<>();
        for (JsonElement f : Json.GSON.fromJson(new String(out, StandardCharsets.UTF_8), JsonArray.class)) {
            String name = f.getAsJsonObject().get("name").getAsString();
            assertTrue(families.put(name, f.getAsJsonObject()) == null, "family " + name + " twice");
        }
        return families;
    }

    private static String python() {
        return new java.io.File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
    }

    private static boolean parserAvailable() {
        try {
            Process p = new ProcessBuilder(python(), "-c", "import prometheus_client.parser").start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static HttpResponse<String> get(String uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
