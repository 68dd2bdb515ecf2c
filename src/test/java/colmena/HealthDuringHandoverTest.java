package colmena;

import colmena.bench.Launcher;
import colmena.broker.RedisKeys;
import colmena.store.Database;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/health} answers within a second while H2's server changes hands: the coordinator
 * process that serves the database (it opened it first) is killed with SIGKILL while an API in a
 * process of its own is asked for its health ten times a second, with a one-second deadline.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthDuringHandoverTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void healthAnswersWithinASecondWhileTheProcessServingTheDatabaseIsKilled() throws Exception {
        Path dir = TestDatabase.freshDir();
        String dbUrl = Database.defaultUrl(dir);
        TestRedis.fresh().close();
        try (Cluster cluster = new Cluster(TestRedis.url(), null)) {
            Process first = cluster.startCoordinatorProcess("handover-1", dbUrl);
            Process second = null;
            Process api = null;
            try {
                Eventually.within(Duration.ofSeconds(30), "a leader", () -> cluster.redis.call(j -> j.exists(RedisKeys.leader())));
                int port = TestRedis.freePort();
                api = Launcher.start(Path.of("target", "process-logs", "handover-api.log"), List.of("-Xmx256m"), "api",
                        "--port", Integer.toString(port), "--redis", cluster.redisUrl, "--db", dbUrl, "--no-auth");
                URI health = URI.create("http://127.0.0.1:" + port + "/api/health");
                Eventually.within(Duration.ofSeconds(30), "the API answers", () -> status(health) == 200);
                second = cluster.startCoordinatorProcess("handover-2", dbUrl);
                cluster.awaitStandingBy(second);

                List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
                List<String> failures = Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean asking = new AtomicBoolean(true);
                Thread asker = new Thread(() -> {
                    while (asking.get()) {
                        long t0 = System.nanoTime();
                        try {
                            HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            latencies.add((System.nanoTime() - t0) / 1_000_000L);
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                        colmena.threads.Threads.sleep(100);
                    }
                });
                asker.start();
                Thread.sleep(1_000);
                Launcher.kill(first);
                Process standby = second;
                Eventually.within(Duration.ofSeconds(20), "the standby leads", () -> {
                    String holder = cluster.redis.call(j -> j.get(RedisKeys.leader()));
                    return holder != null && holder.contains(":" + standby.pid() + ":");
                });
                Eventually.within(Duration.ofSeconds(30), "health 200 again", () -> status(health) == 200);
                Thread.sleep(1_000);
                asking.set(false);
                asker.join();
                long max = latencies.stream().mapToLong(Long::longValue).max().orElse(-1);
                System.out.printf("health answered %d times during the handover, slowest in %d ms%n", latencies.size(), max);
                assertEquals(List.of(), failures, "every health request answered within a second");
                assertTrue(latencies.size() >= 20, "asked throughout: " + latencies.size());
                assertTrue(max < 1_000, "slowest answer " + max + " ms");
            } finally {
                Launcher.kill(first);
                if (second != null) {
                    Launcher.kill(second);
                }
                if (api != null) {
                    Launcher.kill(api);
                }
            }
        }
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
