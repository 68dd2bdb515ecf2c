package colmena;

import colmena.api.ApiServer;
import colmena.broker.RedisKeys;
import colmena.cli.Commands;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded queue of submitted-but-unplaced tasks: beyond it the API answers 503 with Retry-After
 * and queues nothing; {@code submit --api} waits and tries again; every task accepted is done.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackpressureTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void submissionsBeyondTheBoundGet503AndNothingIsLostAndSubmitWaitsForRoom() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.redis.call(j -> j.flushAll());
            ApiServer api = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withMaxUnplaced(5), cluster.redis, cluster.db);
            api.start();
            try {
                String base = "http://127.0.0.1:" + api.port();
                assertEquals(202, post(base, 3).statusCode());
                HttpResponse<String> full = post(base, 3);
                assertEquals(503, full.statusCode(), full.body());
                assertEquals("2", full.headers().firstValue("Retry-After").orElse(""));
                assertTrue(full.body().contains("3 tasks are waiting to be placed (at most 5") && full.body().contains("nothing was queued"),
                        full.body());
                long queued = cluster.redis.call(j -> j.llen(RedisKeys.submitted()));
                assertEquals(3, queued, "only the accepted tasks are queued");
                assertEquals(3, TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory"), "and recorded");
                assertEquals(202, post(base, 2).statusCode(), "up to the bound is fine");

                // submit --api waits while the queue is full, and gets in once a coordinator places the tasks.
                CompletableFuture<BadInputTest.Captured> submit = CompletableFuture.supplyAsync(() -> BadInputTest.capture(
                        () -> Commands.run(new String[] {"submit", "--api", base, "--type", "sleep", "--param", "ms=1",
                                "--count", "4", "--wait", "--timeout", "90s"})));
                Thread.sleep(2_500);
                assertTrue(!submit.isDone(), "it waits while there is no room");
                cluster.startCoordinator("least-loaded");
                cluster.startAgent("nodo1", 2);
                BadInputTest.Captured out = submit.get(90, TimeUnit.SECONDS);
                assertEquals(0, out.code(), out.out() + out.err());
                assertTrue(out.err().contains("The API is busy"), out.err());
                Eventually.within(Duration.ofSeconds(30), "all 9 accepted tasks done", () -> {
                    try {
                        return TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory WHERE Status = 'DONE'") == 9;
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertEquals(9, TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory"), "no task lost, none doubled");
                assertTrue(TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM AuditLog WHERE Action = 'tasks_submitted' "
                        + "AND Detail LIKE '3 × sleep%'") == 1, "the submissions are audited with how many and which type");
            } finally {
                api.stop();
            }
        }
    }

    private static HttpResponse<String> post(String base, int count) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/tasks")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"sleep\",\"params\":{\"ms\":1},\"count\":" + count + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
