package colmena;

import colmena.api.ApiServer;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.cli.Commands;
import colmena.support.Eventually;
import colmena.task.TaskProgress;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress from inside a task: a long task's percentage and text reach {@code GET /api/tasks}
 * through its agent's heartbeat, rise as it runs, leave Redis once it is done, and
 * {@code submit --wait} shows them; an agent's malformed report is never passed on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProgressTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aRunningTasksProgressRisesInTheApiAndLeavesRedisWhenItIsDone() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("prog1", 2);
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            try {
                String id = cluster.submit("matrix-multiply", Map.of("n", 1500, "seed", 1), 1).get(0);
                URI one = URI.create("http://127.0.0.1:" + api.port() + "/api/tasks/" + id);
                AtomicInteger first = new AtomicInteger(-1);
                Eventually.within(Duration.ofSeconds(30), "a progress report while it runs", () -> {
                    JsonObject t = get(one); // 404 until the coordinator has recorded it
                    if (t.has("status") && t.get("status").getAsString().equals("RUNNING") && t.get("progress") != null && !t.get("progress").isJsonNull()) {
                        JsonObject p = t.getAsJsonObject("progress");
                        first.set(p.get("percent").getAsInt());
                        assertTrue(p.get("text").getAsString().matches("row \\d+ of 1500"), p.toString());
                        return true;
                    }
                    return false;
                });
                assertTrue(first.get() >= 0 && first.get() < 100, "percent " + first.get());
                Eventually.within(Duration.ofSeconds(60), "DONE", () -> "DONE".equals(String.valueOf(get(one).get("status")).replace("\"", "")));
                assertFalse(get(one).has("progress"), "a finished task shows no progress");
                Eventually.within(Duration.ofSeconds(5), "its report gone from Redis",
                        () -> !cluster.redis.call(j -> j.hexists(RedisKeys.nodeProgress("prog1"), id)));
            } finally {
                api.stop();
            }
        }
    }

    @Test
    void submitWaitShowsTheProgressOfWhatIsRunning() {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("prog2", 1);
            colmena.BadInputTest.Captured out = colmena.BadInputTest.capture(() -> Commands.run(new String[] {"submit",
                    "--redis", cluster.redisUrl, "--type", "sleep", "--param", "ms=3000", "--wait", "--timeout", "60s"}));
            assertEquals(0, out.code(), out.err());
            List<Integer> percents = out.err().lines().filter(l -> l.matches(".*\\S{8} \\d+ %.*"))
                    .map(l -> Integer.parseInt(l.replaceAll(".* (\\d+) %.*", "$1"))).toList();
            assertTrue(percents.size() >= 2, "progress lines: " + out.err());
            for (int i = 1; i < percents.size(); i++) {
                assertTrue(percents.get(i) >= percents.get(i - 1), "it rises: " + percents);
            }
        }
    }

    @Test
    void whatAnAgentWritesIsKeptToAPercentageAndAShortText() {
        assertEquals(new TaskProgress(40, "row 3"), TaskProgress.read("{\"percent\":40,\"text\":\"row 3\"}"));
        assertEquals(null, TaskProgress.read("{\"percent\":400}"), "out of range");
        assertEquals(null, TaskProgress.read("{\"percent\":\"NaN\"}"));
        assertEquals(null, TaskProgress.read("[1,2]"));
        assertEquals(null, TaskProgress.read("x".repeat(2_000)));
        assertEquals(80, TaskProgress.read("{\"percent\":1,\"text\":\"" + "y".repeat(500) + "\"}").text().length());
    }

    private static JsonObject get(URI uri) {
        try {
            return Json.GSON.fromJson(HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body(),
                    JsonObject.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
