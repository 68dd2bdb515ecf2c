package colmena.api;

import colmena.TestDatabase;
import colmena.TestHttp;
import colmena.TestRedis;
import colmena.TestStats;
import colmena.broker.Json;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.store.Database;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Submitting, managing nodes, exports, the summary and alerts, over real HTTP. */
class ApiWriteTest {
    private static Redis redis;
    private static Database db;
    private static ApiServer server;
    private static final TestHttp http = new TestHttp(() -> server.port());

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.fresh();
        db = TestDatabase.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0), redis, db);
        server.start();
        TaskHistoryStore store = new TaskHistoryStore();
        try (Connection c = db.connect()) {
            TaskMessage a = TaskMessage.submit("aaaaaaaa-0000-0000-0000-000000000001", "sleep", Map.of("ms", 1), 1_000, null)
                    .placedOn("nodo1", "nodo1: 0 queued");
            TaskMessage b = TaskMessage.submit("aaaaaaaa-0000-0000-0000-000000000002", "sleep", Map.of("ms", 2), 1_000, null)
                    .placedOn("nodo1", "nodo1: 1 queued");
            store.recordPlaced(c, List.of(a, b));
            store.recordResults(c, List.of(TaskResult.done(a, "nodo1", "=HYPERLINK(\"x\"), with comma", 2_000, 2_001, 1),
                    TaskResult.failed(b, "nodo1", "it said \"no\"", 2_000, 2_001, 1)));
            c.commit();
        }
    }

    @AfterAll
    static void stop() {
        server.stop();
        redis.close();
    }

    @BeforeEach
    void clean() {
        redis.call(j -> j.flushAll());
    }

    @Test
    void submittingAnswers202WithTheIdsAndQueuesEachTask() throws Exception {
        HttpResponse<String> r = http.post("/api/tasks", "{\"type\":\"sleep\",\"params\":{\"ms\":1},\"count\":3}");
        assertEquals(202, r.statusCode(), r.body());
        JsonObject body = Json.GSON.fromJson(r.body(), JsonObject.class);
        assertEquals(3, body.getAsJsonArray("ids").size());
        List<String> queued = redis.call(j -> j.lrange(RedisKeys.submitted(), 0, -1));
        assertEquals(3, queued.size());
        for (int i = 0; i < 3; i++) {
            TaskMessage t = TaskMessage.read(queued.get(i));
            assertEquals(body.getAsJsonArray("ids").get(i).getAsString(), t.id());
            assertEquals("sleep", t.type());
            assertEquals(1L, t.params().get("ms"));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"fibb\"}|type|unknown task type \"fibb\"",
            "{\"params\":{}}|type|type is required",
            "{\"type\":\"primes\",\"params\":{\"n\":1}}|params.n|n must be at least 2, got 1",
            "{\"type\":\"primes\",\"params\":{\"n\":\"lots\"}}|params.n|n must be a whole number",
            "{\"type\":\"primes\",\"params\":{\"n\":true}}|params.n|must be a number",
            "{\"type\":\"primes\",\"params\":{\"m\":5}}|params.m|unknown parameter \"m\"",
            "{\"type\":\"primes\",\"params\":[1]}|params|params must be an object",
            "{\"type\":\"primes\",\"count\":0}|count|count must be a whole number from 1 to 1000",
            "{\"type\":\"primes\",\"count\":1001}|count|count must be a whole number from 1 to 1000",
            "{\"type\":\"primes\",\"count\":2.5}|count|count must be a whole number",
            "{\"type\":\"primes\",\"colour\":1}|colour|unknown field \"colour\"",
    })
    void aBadSubmissionIs400NamingTheFieldAndQueuesNothing(String body, String field, String message) throws Exception {
        HttpResponse<String> r = http.post("/api/tasks", body);
        assertEquals(400, r.statusCode(), r.body());
        JsonObject json = Json.GSON.fromJson(r.body(), JsonObject.class);
        assertEquals(field, json.get("field").getAsString());
        assertTrue(json.get("error").getAsString().contains(message), json.toString());
        assertEquals(0L, (long) redis.call(j -> j.llen(RedisKeys.submitted())));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"not json|not valid JSON", "[1]|must be a JSON object", "'   '|body is empty"})
    void aBodyThatIsNotAJsonObjectIs400(String body, String message) throws Exception {
        HttpResponse<String> r = http.post("/api/tasks", body);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains(message), r.body());
        assertEquals(0L, (long) redis.call(j -> j.llen(RedisKeys.submitted())));
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String big = "{\"type\":\"sleep\",\"params\":{\"ms\":1},\"pad\":\"" + "x".repeat(70_000) + "\"}";
        HttpResponse<String> r = http.post("/api/tasks", big);
        assertEquals(413, r.statusCode());
        assertTrue(r.body().contains("over the limit"), r.body());
        assertEquals(0L, (long) redis.call(j -> j.llen(RedisKeys.submitted())));
    }

    @Test
    void nodesAreDrainedResumedAndForgotten() throws Exception {
        Nodes nodes = new Nodes(redis);
        nodes.beat(TestStats.small("nodo1", 10, System.currentTimeMillis()));
        assertEquals(200, http.post("/api/nodes/nodo1/drain", "").statusCode());
        assertTrue((boolean) redis.call(j -> j.sismember(RedisKeys.drained(), "nodo1")));
        assertTrue(getJson("/api/nodes").getAsJsonArray("nodes").get(0).getAsJsonObject().get("drained").getAsBoolean());
        assertEquals(200, http.post("/api/nodes/nodo1/resume", "").statusCode());
        assertFalse((boolean) redis.call(j -> j.sismember(RedisKeys.drained(), "nodo1")));

        HttpResponse<String> online = http.delete("/api/nodes/nodo1");
        assertEquals(409, online.statusCode());
        assertTrue(online.body().contains("is online"), online.body());
        nodes.leave("nodo1");
        redis.call(j -> j.rpush(RedisKeys.nodeTasks("nodo1"), "{}"));
        HttpResponse<String> holding = http.delete("/api/nodes/nodo1");
        assertEquals(409, holding.statusCode());
        assertTrue(holding.body().contains("still holds 1 tasks"), holding.body());
        redis.call(j -> j.del(RedisKeys.nodeTasks("nodo1")));
        assertEquals(200, http.delete("/api/nodes/nodo1").statusCode());
        assertEquals(0, getJson("/api/nodes").getAsJsonArray("nodes").size());

        assertEquals(404, http.post("/api/nodes/nodo7/drain", "").statusCode());
        assertEquals(404, http.delete("/api/nodes/nodo7").statusCode());
        assertEquals(400, http.post("/api/nodes/bad%20id/drain", "").statusCode());
        assertEquals(405, http.get("/api/nodes/nodo1/drain").statusCode());
    }

    @Test
    void theCsvExportIsFilteredQuotedAndSafeForSpreadsheets() throws Exception {
        HttpResponse<String> all = http.get("/api/tasks.csv");
        assertEquals(200, all.statusCode());
        assertTrue(all.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertTrue(all.headers().firstValue("Content-Disposition").orElse("").contains("attachment"));
        List<String> lines = all.body().lines().toList();
        assertEquals(3, lines.size(), all.body());
        assertTrue(lines.get(0).startsWith("ID,TaskId,NodeID,TaskType"));
        assertTrue(all.body().contains("\"'=HYPERLINK(\"\"x\"\"), with comma\""), "formula guarded and quoted: " + all.body());
        assertTrue(all.body().contains("\"it said \"\"no\"\"\""), all.body());
        HttpResponse<String> failed = http.get("/api/tasks.csv?status=FAILED");
        assertEquals(2, failed.body().lines().count());
        assertEquals(400, http.get("/api/tasks.csv?before=3").statusCode());
    }

    @Test
    void theSummaryCountsTasksByStatusAndPerMinute() throws Exception {
        Thread.sleep(1_100); // past the counts cache
        redis.call(j -> j.set(RedisKeys.doneInMinute(System.currentTimeMillis() / 60_000L), "42"));
        JsonObject s = getJson("/api/summary");
        assertEquals(1, s.getAsJsonObject("tasks").get("DONE").getAsLong());
        assertEquals(1, s.getAsJsonObject("tasks").get("FAILED").getAsLong());
        assertEquals(10, s.getAsJsonArray("perMinute").size());
        assertEquals(42, s.getAsJsonArray("perMinute").get(9).getAsJsonObject().get("done").getAsLong());
        assertEquals(90.0, s.getAsJsonObject("thresholds").get("cpuPercent").getAsDouble());
    }

    @Test
    void theSummaryGivesTheHistorysRowsAndTheDatabaseFilesBytes() throws Exception {
        Thread.sleep(1_100); // past the counts cache
        JsonObject history = getJson("/api/summary").getAsJsonObject("history");
        assertEquals(colmena.TestDatabase.count(db, "SELECT COUNT(*) FROM TaskHistory"), history.get("rows").getAsLong());
        java.nio.file.Path file = java.nio.file.Path.of(db.url().replaceFirst("^jdbc:h2:file:", "").replaceFirst(";.*$", "") + ".mv.db");
        long bytes = history.get("bytes").getAsLong();
        long size = java.nio.file.Files.size(file); // H2 may have written more since
        assertTrue(bytes > 4096 && bytes <= size && bytes >= size / 2, "the H2 file's size: " + bytes + " of " + size);
    }

    @Test
    void aNodeAboveAThresholdForAWhileRaisesAnAlertThatClearsByItself() throws Exception {
        Nodes nodes = new Nodes(redis);
        long now = System.currentTimeMillis();
        nodes.beat(TestStats.small("nodo1", 97, now - 6_000));
        nodes.beat(TestStats.small("nodo1", 98, now - 3_000));
        assertEquals(0, getJson("/api/summary").getAsJsonArray("alerts").size(), "3 s above is not yet an alert");
        nodes.beat(TestStats.small("nodo1", 99, now));
        JsonObject summary = getJson("/api/summary");
        assertEquals(1, summary.getAsJsonArray("alerts").size());
        JsonObject alert = summary.getAsJsonArray("alerts").get(0).getAsJsonObject();
        assertEquals("cpu", alert.get("metric").getAsString());
        assertEquals(99.0, alert.get("value").getAsDouble());
        JsonObject node = getJson("/api/nodes").getAsJsonArray("nodes").get(0).getAsJsonObject();
        assertTrue(node.get("saturated").getAsBoolean());
        assertEquals(1, node.getAsJsonArray("alerts").size());
        nodes.beat(TestStats.small("nodo1", 20, now + 1_000));
        assertEquals(0, getJson("/api/summary").getAsJsonArray("alerts").size(), "cleared once it fell back");
    }

    @Test
    void theTypesListGivesEachParameterWithItsBounds() throws Exception {
        JsonObject types = getJson("/api/types");
        assertEquals(1000, types.get("maxCount").getAsInt());
        boolean found = false;
        for (var t : types.getAsJsonArray("types")) {
            if (t.getAsJsonObject().get("name").getAsString().equals("primes")) {
                JsonObject n = t.getAsJsonObject().getAsJsonArray("params").get(0).getAsJsonObject();
                assertEquals("n", n.get("name").getAsString());
                assertEquals(2, n.get("min").getAsLong());
                found = true;
            }
        }
        assertTrue(found);
    }

    @Test
    void slowClientsHoldingRequestsOpenDoNotStallOthers() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                OutputStream out = s.getOutputStream();
                out.write("POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"ty".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(s);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertEquals(200, http.get("/api/health").statusCode());
            }
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "answers kept coming");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    private static JsonObject getJson(String path) throws Exception {
        HttpResponse<String> r = http.get(path);
        assertEquals(200, r.statusCode(), r.body());
        return Json.GSON.fromJson(r.body(), JsonObject.class);
    }
}
