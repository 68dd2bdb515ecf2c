package colmena;

import colmena.api.ApiServer;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.support.Eventually;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancel, on a real coordinator, agent, Redis, H2 and API: a queued task leaves its queue and
 * ends CANCELLED, a running one is stopped on its node within a second, tasks not yet placed and
 * filtered sets are cancelled, a finished task answers 409, and no other task is disturbed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CancelTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void queuedAndRunningTasksEndCancelledAndNothingElseIsDisturbed() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("can1", 1);
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            String base = "http://127.0.0.1:" + api.port();
            try {
                Eventually.within(Duration.ofSeconds(20), "can1 online", () -> cluster.online("can1"));
                String running = cluster.submit("sleep", Map.of("ms", 20_000), 1).get(0);
                Eventually.within(Duration.ofSeconds(20), "the long task RUNNING", () -> status(cluster, running).equals("RUNNING"));
                List<String> queued = cluster.submit("sleep", Map.of("ms", 50), 5);
                Eventually.within(Duration.ofSeconds(10), "the five queued on can1",
                        () -> cluster.queue.length(RedisKeys.nodeTasks("can1")) == 5);
                // Submitted straight to Redis, a task is cancellable once TaskHistory has it: a moment after its placement.
                Eventually.within(Duration.ofSeconds(10), "the five PENDING on can1 in TaskHistory",
                        () -> cluster.rows("Status = 'PENDING' AND NodeID = 'can1'") == 5);

                HttpResponse<String> one = post(base + "/api/tasks/" + queued.get(2) + "/cancel", "");
                assertEquals(202, one.statusCode(), one.body());
                Eventually.within(Duration.ofSeconds(5), "the queued one CANCELLED", () -> status(cluster, queued.get(2)).equals("CANCELLED"));
                assertEquals(4, cluster.queue.length(RedisKeys.nodeTasks("can1")), "the others still queued");

                long t0 = System.nanoTime();
                assertEquals(202, post(base + "/api/tasks/" + running + "/cancel", "").statusCode());
                Eventually.within(Duration.ofSeconds(5), "the running one CANCELLED", () -> status(cluster, running).equals("CANCELLED"));
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("a running task was CANCELLED %.2f s after the request%n", seconds);
                assertTrue(seconds < 2.0, "stopped within a second or so: " + seconds + " s");
                assertTrue(error(cluster, running).contains("stopped on can1"), error(cluster, running));

                Eventually.within(Duration.ofSeconds(20), "the other four DONE", () -> cluster.rows("Status = 'DONE'") == 4);
                assertEquals(2, cluster.rows("Status = 'CANCELLED'"));
                assertEquals(0, cluster.rows("Status IN ('PENDING', 'RUNNING')"), "no row left unfinished");

                HttpResponse<String> again = post(base + "/api/tasks/" + queued.get(0) + "/cancel", "");
                assertEquals(409, again.statusCode(), again.body());
                assertTrue(again.body().contains("already DONE"), again.body());
                assertEquals(404, post(base + "/api/tasks/no-such-task/cancel", "").statusCode());
                Eventually.within(Duration.ofSeconds(5), "requests carried out are forgotten",
                        () -> cluster.redis.call(j -> j.hlen(RedisKeys.cancelRequests())) == 0);
                assertEquals(5, cluster.done("can1"), "the agent ran the other four and ended the one it stopped");
            } finally {
                api.stop();
            }
        }
    }

    @Test
    void tasksNotYetPlacedAndFilteredSetsAreCancelled() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            String base = "http://127.0.0.1:" + api.port();
            try {
                // No agent: the coordinator records them PENDING on no node and keeps them in tasks:placing.
                List<String> primes = cluster.submit("primes", Map.of("n", 1000), 30);
                List<String> sleeps = cluster.submit("sleep", Map.of("ms", 10), 10);
                Eventually.within(Duration.ofSeconds(10), "40 recorded PENDING", () -> cluster.rows("Status = 'PENDING'") == 40);

                HttpResponse<String> bad = post(base + "/api/tasks/cancel", "{\"status\":\"DONE\"}");
                assertEquals(400, bad.statusCode(), bad.body());
                assertEquals(400, post(base + "/api/tasks/cancel", "{}").statusCode());
                HttpResponse<String> r = post(base + "/api/tasks/cancel", "{\"type\":\"primes\",\"status\":\"PENDING\"}");
                assertEquals(202, r.statusCode(), r.body());
                assertEquals(30, Json.GSON.fromJson(r.body(), JsonObject.class).get("cancelling").getAsInt());
                Eventually.within(Duration.ofSeconds(10), "30 CANCELLED", () -> cluster.rows("Status = 'CANCELLED'") == 30);
                assertEquals(30, cluster.rows("Status = 'CANCELLED' AND TaskType = 'primes'"));

                cluster.startAgent("can2", 2);
                Eventually.within(Duration.ofSeconds(20), "the sleeps DONE", () -> cluster.rows("Status = 'DONE'") == sleeps.size());
                assertEquals(sleeps.size(), cluster.done("can2"), "only the tasks not cancelled ran");
                assertEquals(primes.size() + sleeps.size(), cluster.rows(""));
            } finally {
                api.stop();
            }
        }
    }

    @Test
    void theCommandLineCancelsByIdAndSaysWhatIsWrongWithItsArguments() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            List<String> ids = cluster.submit("sleep", Map.of("ms", 10), 3); // no agent: they wait
            Eventually.within(Duration.ofSeconds(10), "3 recorded", () -> cluster.rows("Status = 'PENDING'") == 3);
            BadInputTest.Captured ok = BadInputTest.capture(() -> colmena.cli.Commands.run(new String[] {"cancel",
                    "--redis", cluster.redisUrl, "--id", ids.get(0), "--id", ids.get(1)}));
            assertEquals(0, ok.code(), ok.err());
            Eventually.within(Duration.ofSeconds(10), "2 CANCELLED", () -> cluster.rows("Status = 'CANCELLED'") == 2);
            assertTrue(error(cluster, ids.get(0)).startsWith("cancelled by colmena cancel on "), error(cluster, ids.get(0)));
            assertEquals("PENDING", status(cluster, ids.get(2)), "the third is left alone");

            BadInputTest.Captured filterWithoutApi = BadInputTest.capture(() -> colmena.cli.Commands.run(new String[] {
                    "cancel", "--redis", cluster.redisUrl, "--type", "sleep"}));
            assertEquals(2, filterWithoutApi.code());
            assertTrue(filterWithoutApi.err().contains("need --api"), filterWithoutApi.err());
            BadInputTest.Captured nothing = BadInputTest.capture(() -> colmena.cli.Commands.run(new String[] {
                    "cancel", "--redis", cluster.redisUrl}));
            assertEquals(2, nothing.code());
            assertTrue(nothing.err().contains("say which tasks"), nothing.err());
        }
    }

    private static HttpResponse<String> post(String uri, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(Cluster cluster, String id) {
        return column(cluster, id, "Status");
    }

    private static String error(Cluster cluster, String id) {
        return column(cluster, id, "Error");
    }

    private static String column(Cluster cluster, String id, String column) {
        try (var c = cluster.db.connect(); var ps = c.prepareStatement("SELECT " + column + " FROM TaskHistory WHERE TaskId = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? String.valueOf(rs.getString(1)) : "none";
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
