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
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API over real HTTP, on the real test Redis and a real H2 database. */
class ApiTest {
    private static Redis redis;
    private static Database db;
    private static ApiServer server;
    private static final TestHttp http = new TestHttp(() -> server.port());
    private static final List<String> IDS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.fresh();
        db = TestDatabase.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0), redis, db);
        server.start();
        // Seven tasks: five DONE on nodo1/nodo2, one FAILED, one PENDING.
        TaskHistoryStore store = new TaskHistoryStore();
        try (Connection c = db.connect()) {
            List<TaskMessage> placed = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                String id = "00000000-0000-0000-0000-00000000000" + i;
                IDS.add(id);
                String node = i % 2 == 0 ? "nodo1" : "nodo2";
                placed.add(TaskMessage.submit(id, i < 5 ? "primes" : "sleep", Map.of("n", 10 + i), 1_000L + i, null)
                        .placedOn(node, node + ": 0 queued"));
            }
            store.recordPlaced(c, placed);
            List<TaskResult> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                results.add(TaskResult.done(placed.get(i), placed.get(i).node(), "r" + i, 2_000, 2_010, 10));
            }
            results.add(TaskResult.failed(placed.get(5), "nodo2", "boom", 2_000, 2_001, 1));
            store.recordResults(c, results);
        }
    }

    @AfterAll
    static void stop() {
        server.stop();
        redis.close();
    }

    @BeforeEach
    void cleanRedis() {
        redis.call(j -> j.flushAll());
    }

    @Test
    void nodesListsOnlineAndOfflineNodesWithTheirMetrics() throws Exception {
        Nodes nodes = new Nodes(redis);
        nodes.beat(TestStats.typical("nodo1"));
        nodes.beat(TestStats.typical("nodo2"));
        nodes.leave("nodo2");
        redis.call(j -> j.rpush(RedisKeys.nodeTasks("nodo1"), "a", "b"));

        JsonObject body = getJson("/api/nodes", 200);
        JsonArray list = body.getAsJsonArray("nodes");
        assertEquals(2, list.size());
        JsonObject one = list.get(0).getAsJsonObject();
        assertEquals("nodo1", one.get("id").getAsString());
        assertEquals("online", one.get("status").getAsString());
        assertEquals(2, one.get("queued").getAsInt());
        assertEquals(37.5, one.getAsJsonObject("metrics").get("cpuPercent").getAsDouble());
        assertEquals(50.0, one.getAsJsonObject("metrics").get("memPercent").getAsDouble());
        JsonObject two = list.get(1).getAsJsonObject();
        assertEquals("offline", two.get("status").getAsString());
        assertFalse(two.get("lastSeen").isJsonNull(), "an offline node says when it was last seen");
    }

    @Test
    void oneNodeComesWithItsMetricHistory() throws Exception {
        Nodes nodes = new Nodes(redis);
        nodes.beat(TestStats.typical("nodo1"));
        nodes.beat(TestStats.typical("nodo1"));
        JsonObject one = getJson("/api/nodes/nodo1", 200);
        assertEquals(2, one.getAsJsonArray("history").size());
        assertEquals(37.5, one.getAsJsonArray("history").get(0).getAsJsonArray().get(1).getAsDouble());
        assertTrue(getJson("/api/nodes/nodo9", 404).get("error").getAsString().contains("nodo9"));
        assertEquals(400, http.get("/api/nodes/no%20way").statusCode());
        assertEquals(404, http.get("/api/nodes/..%2Fx").statusCode());
    }

    @Test
    void tasksPageNewestFirstWithACursorAndATotal() throws Exception {
        Set<String> seen = new HashSet<>();
        String cursor = "";
        List<Integer> sizes = new ArrayList<>();
        long previousRow = Long.MAX_VALUE;
        do {
            JsonObject page = withTotal("/api/tasks?limit=3" + (cursor.isEmpty() ? "" : "&before=" + cursor));
            assertEquals(7, page.get("total").getAsLong());
            JsonArray tasks = page.getAsJsonArray("tasks");
            sizes.add(tasks.size());
            for (JsonElement e : tasks) {
                long row = e.getAsJsonObject().get("rowId").getAsLong();
                assertTrue(row < previousRow, "newest first");
                previousRow = row;
                assertTrue(seen.add(e.getAsJsonObject().get("id").getAsString()), "no task on two pages");
            }
            cursor = page.get("nextCursor").getAsString();
        } while (!cursor.isEmpty());
        assertEquals(List.of(3, 3, 1), sizes);
        assertEquals(new HashSet<>(IDS), seen);
        JsonObject offsetPage = getJson("/api/tasks?limit=2&offset=6", 200);
        assertEquals(1, offsetPage.getAsJsonArray("tasks").size());
    }

    /**
     * The page at {@code path} once its total is counted: a filter's first count is not waited for
     * past {@link TasksApi#FIRST_COUNT_WAIT} (its total is null meanwhile), which a loaded machine
     * can take even over these few rows.
     */
    private JsonObject withTotal(String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonObject page = getJson(path, 200);
        while (page.get("total").isJsonNull() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            page = getJson(path, 200);
        }
        return page;
    }

    @ParameterizedTest
    @CsvSource({
            "status=DONE, 5",
            "status=failed, 1",
            "status=PENDING, 1",
            "node=nodo1, 4",
            "node=nodo2, 3",
            "type=sleep, 2",
            "type=sleep&status=FAILED, 1",
            "node=nodo9, 0",
    })
    void tasksFilterByNodeStatusAndType(String query, long expected) throws Exception {
        JsonObject page = withTotal("/api/tasks?" + query);
        assertEquals(expected, page.get("total").getAsLong());
        assertEquals(expected, page.getAsJsonArray("tasks").size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "limit=0|limit must be a whole number from 1 to 500, got \"0\"",
            "limit=501|limit must be a whole number from 1 to 500",
            "limit=ten|limit must be a whole number",
            "status=LOST|status must be one of [PENDING, RUNNING, DONE, FAILED, CANCELLED], got \"LOST\"",
            "colour=red|unknown parameter \"colour\"",
            "before=5&offset=2|give before or offset, not both",
    })
    void badQueryParametersAre400NamingTheParameter(String query, String message) throws Exception {
        JsonObject body = getJson("/api/tasks?" + query, 400);
        assertTrue(body.get("error").getAsString().contains(message), body.toString());
    }

    @Test
    void oneTaskByIdWithItsOutcome() throws Exception {
        JsonObject failed = getJson("/api/tasks/" + IDS.get(5), 200);
        assertEquals("FAILED", failed.get("status").getAsString());
        assertEquals("boom", failed.get("error").getAsString());
        assertEquals("nodo2: 0 queued", failed.get("reason").getAsString());
        assertNotNull(failed.get("finishedAt").getAsString());
        assertEquals(404, http.get("/api/tasks/11111111-0000-0000-0000-000000000000").statusCode());
        assertEquals(400, http.get("/api/tasks/not%20an%20id").statusCode());
    }

    @Test
    void wrongMethodsAndUnknownEndpointsAnswerInJson() throws Exception {
        HttpResponse<String> post = http.send(http.builder("/api/nodes").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(405, post.statusCode());
        assertTrue(post.headers().firstValue("Allow").orElse("").contains("GET"));
        assertTrue(Json.GSON.fromJson(post.body(), JsonObject.class).get("error").getAsString().contains("POST"));
        JsonObject missing = getJson("/api/nope", 404);
        assertTrue(missing.get("error").getAsString().contains("/api/nope"));
    }

    @Test
    void healthSaysRedisAndTheDatabaseAreUp() throws Exception {
        JsonObject health = getJson("/api/health", 200);
        assertEquals("up", health.get("redis").getAsString());
        assertEquals("up", health.get("database").getAsString());
    }

    @Test
    void healthIs503WhenRedisIsDown() throws Exception {
        try (Redis nowhere = Redis.connect("redis://127.0.0.1:" + TestRedis.freePort(), 2)) {
            ApiServer other = new ApiServer(ApiServer.Config.local("", 0), nowhere, db);
            other.start();
            try {
                TestHttp otherHttp = new TestHttp(other::port);
                HttpResponse<String> r = otherHttp.get("/api/health");
                assertEquals(503, r.statusCode());
                JsonObject body = Json.GSON.fromJson(r.body(), JsonObject.class);
                assertEquals("down", body.get("redis").getAsString());
                assertEquals("up", body.get("database").getAsString());
                HttpResponse<String> nodes = otherHttp.get("/api/nodes");
                assertEquals(503, nodes.statusCode());
                assertTrue(nodes.body().contains("Redis"), nodes.body());
            } finally {
                other.stop();
            }
        }
    }

    @Test
    void theDashboardIsServedWithSecurityHeadersAndNothingOutsideWeb() throws Exception {
        HttpResponse<String> index = http.get("/");
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("DENY", index.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals(200, http.get("/app.js").statusCode());
        for (String path : List.of("/../pom.xml", "/%2e%2e/pom.xml", "/sql/schema.sql", "/.hidden", "/web/index.html",
                "/colmena/Main.class", "/nope.html")) {
            assertEquals(404, http.get(path).statusCode(), path);
        }
    }

    private static JsonObject getJson(String path, int status) throws Exception {
        HttpResponse<String> r = http.get(path);
        assertEquals(status, r.statusCode(), path + " → " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return Json.GSON.fromJson(r.body(), JsonObject.class);
    }
}
