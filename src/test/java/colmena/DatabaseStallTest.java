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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database that stops answering holds up only the requests that need it: the coordinator
 * process serving H2 is frozen (SIGSTOP) while an API in a process of its own gets more task-list
 * requests than it has handlers; the node list, health and the dashboard's files still answer
 * within a second, and the task lists answer once the database does again (SIGCONT).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatabaseStallTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** More task-list requests than the API has handlers and than its queue would let others pass. */
    private static final int STUCK_REQUESTS = 64;

    @Test
    void nodesHealthAndPagesAnswerWhileTheDatabaseIsFrozen() throws Exception {
        Path dir = TestDatabase.freshDir();
        String dbUrl = Database.defaultUrl(dir);
        TestRedis.fresh().close();
        try (Cluster cluster = new Cluster(TestRedis.url(), null)) {
            Process coordinator = cluster.startCoordinatorProcess("stall-coordinator", dbUrl);
            Process api = null;
            boolean frozen = false;
            try {
                Eventually.within(Duration.ofSeconds(30), "a leader", () -> cluster.redis.call(j -> j.exists(RedisKeys.leader())));
                cluster.startAgent("nodo1", 1);
                int port = TestRedis.freePort();
                api = Launcher.start(Path.of("target", "process-logs", "stall-api.log"), List.of("-Xmx256m"), "api",
                        "--port", Integer.toString(port), "--redis", cluster.redisUrl, "--db", dbUrl, "--no-auth");
                String base = "http://127.0.0.1:" + port;
                Eventually.within(Duration.ofSeconds(30), "the API lists tasks", () -> status(base + "/api/tasks", 2) == 200);
                Eventually.within(Duration.ofSeconds(10), "nodo1 listed", () -> body(base + "/api/nodes").contains("nodo1"));

                signal("STOP", coordinator);
                frozen = true;
                List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
                for (int i = 0; i < STUCK_REQUESTS; i++) {
                    stuck.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/tasks?limit=5"))
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                Thread.sleep(2_000);
                long stillWaiting = stuck.stream().filter(f -> !f.isDone()).count();
                assertTrue(stillWaiting > 16, "the frozen database holds the task lists up: " + stillWaiting + " waiting");

                long slowest = 0;
                for (int i = 0; i < 10; i++) {
                    for (String path : List.of("/api/nodes", "/api/health", "/")) {
                        long t0 = System.nanoTime();
                        int status = status(base + path, 1);
                        long ms = (System.nanoTime() - t0) / 1_000_000L;
                        slowest = Math.max(slowest, ms);
                        // Health answers at once, and says the database does not answer (503).
                        assertTrue(path.equals("/api/health") ? status == 503 || status == 200 : status == 200,
                                path + " answered " + status + " while the database was frozen");
                    }
                }
                System.out.printf("while the database was frozen: nodes, health and the page answered, slowest in %d ms; "
                        + "%d task lists waited%n", slowest, stillWaiting);
                assertTrue(body(base + "/api/nodes").contains("nodo1"), "the node list still shows nodo1");

                signal("CONT", coordinator);
                frozen = false;
                int answered = 0;
                for (CompletableFuture<HttpResponse<String>> f : stuck) {
                    int status = f.get(60, TimeUnit.SECONDS).statusCode();
                    if (status == 200) {
                        answered++;
                    } else {
                        assertEquals(503, status, "a task list either answers or says the API is busy");
                    }
                }
                assertTrue(answered >= 16, "task lists answered once the database did: " + answered);
                assertEquals(200, status(base + "/api/tasks", 10));
            } finally {
                if (frozen) {
                    signal("CONT", coordinator);
                }
                if (api != null) {
                    Launcher.kill(api);
                }
                Launcher.kill(coordinator);
            }
        }
    }

    private static void signal(String name, Process p) throws Exception {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
        assertEquals(0, exit, "kill -" + name + " " + p.pid());
    }

    private static int status(String uri, int seconds) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(seconds)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String body(String uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }
}
