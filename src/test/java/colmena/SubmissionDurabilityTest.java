package colmena;

import colmena.api.ApiServer;
import colmena.broker.Json;
import colmena.support.Eventually;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task acknowledged to a client is never silently lost: the API records submissions in
 * TaskHistory before its 202, so a Redis emptied before anything placed them (no coordinator, or
 * no agent) gives them back, on the real test Redis (FLUSHALL) and a real database.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubmissionDurabilityTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void tasksAcknowledgedWhileNoCoordinatorRunsSurviveAnEmptiedRedis() throws Exception {
        try (Cluster cluster = new Cluster()) {
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            try {
                Set<String> acknowledged = submit(api, 3, 100);
                cluster.redis.call(j -> j.flushAll());
                cluster.startCoordinator("least-loaded");
                cluster.startAgent("nodo1", 4);
                allDone(cluster, acknowledged);
            } finally {
                api.stop();
            }
        }
    }

    @Test
    void tasksAcknowledgedWhileNoAgentRunsSurviveAnEmptiedRedis() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            try {
                Set<String> acknowledged = submit(api, 2, 100);
                Thread.sleep(500); // the coordinator sees them waiting, with no node to place them on
                cluster.redis.call(j -> j.flushAll());
                cluster.startAgent("nodo1", 4);
                allDone(cluster, acknowledged);
            } finally {
                api.stop();
            }
        }
    }

    @Test
    void tasksSubmittedStraightToRedisAreRecordedByTheCoordinatorEvenWithNoAgentAndSurviveAnEmptiedRedis() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            Set<String> submitted = new HashSet<>(cluster.submit("sleep", Map.of("ms", 5), 150)); // as `submit` does
            Eventually.within(Duration.ofSeconds(20), "all recorded as PENDING on no node",
                    () -> cluster.rows("Status = 'PENDING' AND NodeID IS NULL") == 150);
            cluster.redis.call(j -> j.flushAll());
            cluster.startAgent("nodo1", 4);
            allDone(cluster, submitted);
        }
    }

    @Test
    void tasksPlacedAMomentAgoWhoseRowsAreNotYetWrittenComeBackFromTheCoordinatorWhenRedisIsEmptied() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 1);
            Eventually.within(Duration.ofSeconds(20), "nodo1 online", () -> cluster.online("nodo1"));
            Set<String> submitted = new HashSet<>(cluster.submit("sleep", Map.of("ms", 1_500), 1));
            Eventually.within(Duration.ofSeconds(20), "the long task RUNNING", () -> cluster.rows("Status = 'RUNNING'") == 1);
            submitted.addAll(cluster.submit("sleep", Map.of("ms", 5), 20));
            Eventually.within(Duration.ofSeconds(10), "twenty queued behind it",
                    () -> cluster.queue.length(colmena.broker.RedisKeys.nodeTasks("nodo1")) == 20);
            long written = cluster.rows("Status = 'PENDING'");
            cluster.redis.call(j -> j.flushAll());
            assertTrue(written < 20, "most placements not yet written when Redis was emptied: " + written);
            try {
                Eventually.within(Duration.ofSeconds(60), "21 DONE", () -> cluster.rows("Status = 'DONE'") == 21);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; " + cluster.state(), e);
            }
            assertEquals(submitted, cluster.taskIds(), "every task, and no other");
        }
    }

    @Test
    void tasksAcknowledgedAtAPriorityComeBackAtThatPriorityFromAnEmptiedRedis() throws Exception {
        try (Cluster cluster = new Cluster()) {
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            try {
                Set<String> acknowledged = submit(api, 1, 60);
                Set<String> urgent = submit(api, 1, 10, ",\"priority\":9");
                acknowledged.addAll(urgent);
                assertEquals(10, cluster.rows("Priority = 9"), "recorded at their priority before the answer");
                cluster.redis.call(j -> j.flushAll());
                cluster.startCoordinator("least-loaded");
                cluster.startAgent("nodo1", 1);
                allDone(cluster, acknowledged);
                assertEquals(10, cluster.rows("Priority = 9 AND Reason LIKE '%priority 9%'"),
                        "placed again at priority 9, not at the default: " + cluster.state());
                assertEquals(60, cluster.rows("Priority = 5 AND Reason NOT LIKE '%priority%'"));
            } finally {
                api.stop();
            }
        }
    }

    /** Posts {@code requests} submissions of {@code count} tasks; returns the acknowledged ids. */
    private static Set<String> submit(ApiServer api, int requests, int count) throws Exception {
        return submit(api, requests, count, "");
    }

    /** The same, with more fields of the submission ({@code ,"priority":9}). */
    private static Set<String> submit(ApiServer api, int requests, int count, String more) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/tasks"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"sleep\",\"params\":{\"ms\":5},\"count\":" + count
                            + more + "}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
            JsonObject body = Json.GSON.fromJson(r.body(), JsonObject.class);
            assertTrue(body.get("durable").getAsBoolean(), "the answer says the tasks are recorded: " + r.body());
            body.getAsJsonArray("ids").forEach(id -> ids.add(id.getAsString()));
        }
        assertEquals(requests * count, ids.size());
        return ids;
    }

    private static void allDone(Cluster cluster, Set<String> acknowledged) throws Exception {
        int n = acknowledged.size();
        try {
            Eventually.within(Duration.ofSeconds(60), n + " DONE", () -> cluster.rows("Status = 'DONE'") == n);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + cluster.state(), e);
        }
        assertEquals(acknowledged, cluster.taskIds(), "every acknowledged task, and no other");
        assertEquals(n, cluster.rows("Attempts = 1 AND Moves LIKE '%Redis lost it before it was placed%'"),
                "each says it came back from TaskHistory, and it cost no attempt");
    }
}
