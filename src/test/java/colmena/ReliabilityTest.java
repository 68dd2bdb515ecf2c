package colmena;

import colmena.api.ApiServer;
import colmena.bench.Launcher;
import colmena.process.BundledRedis;
import colmena.broker.RedisKeys;
import colmena.store.Database;
import colmena.support.Eventually;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No task lost when parts fail, with real processes killed by SIGKILL, a real Redis stopped and
 * started (with and without its data), and a real database server taken away and brought back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReliabilityTest {

    @Test
    void anAgentKilledWhileHoldingTasksLosesNothingAndEveryTaskEndsDoneOnce() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("round-robin");
            Process victim = cluster.startAgentProcess("victim", 2);
            Process other = cluster.startAgentProcess("survivor", 4);
            try {
                Eventually.within(Duration.ofSeconds(30), "both agents online",
                        () -> online(cluster, "victim") && online(cluster, "survivor"));
                Thread.sleep(500);
                List<String> ids = cluster.submit("sleep", Map.of("ms", 300), 40);
                Eventually.within(Duration.ofSeconds(30), "the victim holding tasks",
                        () -> cluster.queue.length(RedisKeys.nodeInflight("victim")) > 0);
                Launcher.kill(victim);

                Eventually.within(Duration.ofSeconds(60), "40 DONE", () -> cluster.rows("Status = 'DONE'") == 40);
                assertEquals(40, cluster.rows(""), "one row per task");
                assertEquals(new HashSet<>(ids), cluster.taskIds(), "every submitted task, and no other");
                assertTrue(cluster.rows("Attempts >= 2 AND Moves LIKE '%victim stopped reporting at%'") > 0,
                        "the moved tasks say where they were and why they moved");
                assertEquals(0, cluster.rows("Attempts > 2"), "one lost node costs one attempt, not more");
                assertEquals(0, cluster.queue.length(RedisKeys.nodeInflight("victim")));
                assertEquals(0, cluster.queue.length(RedisKeys.nodeTasks("victim")));
            } finally {
                Launcher.kill(victim);
                Launcher.stop(other, 15);
            }
        }
    }

    @Test
    void onAHealthyNodeEveryTaskRunsExactlyOnceAcrossTheAgentsInFlightSweeps() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 4);
            Eventually.within(Duration.ofSeconds(30), "nodo1 online", () -> online(cluster, "nodo1"));
            int submitted = 0;
            long end = System.nanoTime() + Duration.ofMillis(colmena.agent.AgentTesting.sweepEveryMs() + 2_500).toNanos();
            while (System.nanoTime() < end) { // past at least one periodic sweep, with tasks finishing all along
                cluster.submit("sleep", Map.of("ms", 1), 100);
                submitted += 100;
                Thread.sleep(100);
            }
            int total = submitted;
            Eventually.within(Duration.ofSeconds(60), total + " DONE", () -> cluster.rows("Status = 'DONE'") == total);
            Thread.sleep(500);
            String done = cluster.redis.call(j -> j.get(RedisKeys.nodeDone("nodo1")));
            assertEquals(total, Long.parseLong(done), "each task was finished once (the node's done count)");
        }
    }

    @Test
    void anAgentStoppedGracefullyHandsBackItsTasksAndShowsOfflineAtOnce() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("round-robin");
            Process leaving = cluster.startAgentProcess("leaving", 1);
            cluster.startAgent("staying", 4);
            Eventually.within(Duration.ofSeconds(30), "both online", () -> online(cluster, "leaving") && online(cluster, "staying"));
            Thread.sleep(500);
            cluster.submit("sleep", Map.of("ms", 400), 20);
            Eventually.within(Duration.ofSeconds(30), "leaving holds work",
                    () -> cluster.queue.length(RedisKeys.nodeInflight("leaving")) > 0);
            Launcher.requestStop(leaving); // its stop file: the agent's own shutdown runs, on Windows too
            assertTrue(leaving.waitFor(20, TimeUnit.SECONDS), "the agent exits by itself");
            assertFalse(online(cluster, "leaving"), "its stats key is gone as it exits, not seconds later");
            Eventually.within(Duration.ofSeconds(60), "20 DONE", () -> cluster.rows("Status = 'DONE'") == 20);
            assertEquals(20, cluster.rows(""));
        }
    }

    @Test
    void aStandbyCoordinatorTakesOverWhenTheLeaderIsKilled() throws Exception {
        Path dir = TestDatabase.freshDir();
        String dbUrl = Database.defaultUrl(dir);
        Database db = Database.open(dbUrl, null, null);
        try (Cluster cluster = new Cluster(TestRedis.url(), db)) {
            cluster.redis.call(j -> j.flushAll());
            cluster.startAgent("nodo1", 4);
            Process first = cluster.startCoordinatorProcess("coordinator-1", dbUrl);
            Eventually.within(Duration.ofSeconds(30), "a leader", () -> cluster.redis.call(j -> j.exists(RedisKeys.leader())));
            Process second = cluster.startCoordinatorProcess("coordinator-2", dbUrl);
            try {
                cluster.awaitStandingBy(second);
                String leader = cluster.redis.call(j -> j.get(RedisKeys.leader()));
                Process leading = leader.contains(":" + first.pid() + ":") ? first : second;
                Process standby = leading == first ? second : first;
                cluster.submit("sleep", Map.of("ms", 100), 30);
                Eventually.within(Duration.ofSeconds(30), "some DONE", () -> cluster.rows("Status = 'DONE'") >= 5);
                Launcher.kill(leading);
                long killedAt = System.nanoTime();
                Eventually.within(Duration.ofSeconds(20), "the standby leads",
                        () -> {
                            String holder = cluster.redis.call(j -> j.get(RedisKeys.leader()));
                            return holder != null && holder.contains(":" + standby.pid() + ":");
                        });
                double takeover = (System.nanoTime() - killedAt) / 1e9;
                System.out.printf("the standby took the lease %.2f s after the leader was killed%n", takeover);
                // Within the lease (2 s) and a renewal (0.5 s) when the standby gets the CPU; the bound leaves room for a
                // machine so busy that it does not (the old 5 s lease took 4.6-7 s).
                assertTrue(takeover < 6, "the standby took over " + takeover + " s after the leader was killed");
                cluster.submit("sleep", Map.of("ms", 10), 30);
                try {
                    Eventually.within(Duration.ofSeconds(60), "60 DONE", () -> cluster.rows("Status = 'DONE'") == 60);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; " + cluster.state(), e);
                }
                assertEquals(60, cluster.rows(""));
            } finally {
                Launcher.kill(first);
                Launcher.kill(second);
            }
        }
    }

    @Test
    void redisRestartedWithItsDataLosesNothing() throws Exception {
        redisRestart(false);
    }

    @Test
    void redisComingBackEmptyGetsEveryUnfinishedTaskBackFromTaskHistory() throws Exception {
        redisRestart(true);
    }

    private void redisRestart(boolean empty) throws Exception {
        int port = TestRedis.freePort();
        Path dir = TempDirs.make("colmena-test-restart");
        BundledRedis redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", null, dir);
        try (Cluster cluster = new Cluster(redis.url(), TestDatabase.fresh())) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 2);
            cluster.startAgent("nodo2", 2);
            cluster.submit("sleep", Map.of("ms", 100), 80);
            Eventually.within(Duration.ofSeconds(30), "all 80 placed", () -> cluster.rows("") == 80);
            Eventually.within(Duration.ofSeconds(30), "some DONE", () -> cluster.rows("Status = 'DONE'") >= 10);
            long doneBefore = cluster.rows("Status = 'DONE'");
            assertTrue(doneBefore < 80, "the restart comes in the middle of the run");
            if (empty) {
                redis.kill();
                redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", null,
                        TempDirs.make("colmena-test-empty"));
            } else {
                redis.stop();
                Thread.sleep(1_500);
                redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", null, dir);
            }
            Eventually.within(Duration.ofSeconds(90), "80 DONE", () -> cluster.rows("Status = 'DONE'") == 80);
            assertEquals(80, cluster.rows(""));
            if (empty) {
                assertTrue(cluster.rows("Moves LIKE '%Redis lost it%'") > 0, "the put-back tasks say why");
            }
            assertEquals(0, cluster.rows("Attempts > 1"), "Redis being away spends no attempt");
            assertEquals(0, cluster.rows("Moves LIKE '%stopped reporting%'"), "no live node was taken for dead");
        } finally {
            redis.kill();
        }
    }

    @Test
    void theDatabaseGoingAwayForAWhileDelaysResultsButLosesNone() throws Exception {
        Path dir = TestDatabase.freshDir();
        int port = TestRedis.freePort();
        Server h2 = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists").start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/colmena;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;"
                + "CASE_INSENSITIVE_IDENTIFIERS=TRUE";
        Database db = Database.open(url, null, null);
        ApiServer api = null;
        try (Cluster cluster = new Cluster(TestRedis.url(), db)) {
            cluster.redis.call(j -> j.flushAll());
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 2);
            api = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0), cluster.redis, db);
            api.start();
            cluster.submit("sleep", Map.of("ms", 50), 60);
            Eventually.within(Duration.ofSeconds(30), "some DONE", () -> cluster.rows("Status = 'DONE'") >= 5);
            h2.stop();
            assertEquals(503, health(api));
            cluster.submit("sleep", Map.of("ms", 10), 20);
            Thread.sleep(3_000);
            h2 = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists").start();
            Eventually.within(Duration.ofSeconds(60), "80 DONE", () -> cluster.rows("Status = 'DONE'") == 80);
            assertEquals(80, cluster.rows(""));
            ApiServer back = api; // health follows the coordinator's writes, which it publishes every second
            Eventually.within(Duration.ofSeconds(10), "health 200 again", () -> {
                try {
                    return health(back) == 200;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            if (api != null) {
                api.stop();
            }
            h2.stop();
        }
    }

    private static int health(ApiServer api) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/api/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static boolean online(Cluster cluster, String node) {
        return cluster.redis.call(j -> j.exists(RedisKeys.nodeStats(node)));
    }
}
