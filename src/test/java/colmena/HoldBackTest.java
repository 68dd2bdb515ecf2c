package colmena;

import colmena.broker.RedisKeys;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement holds back while {@code --hold-back-at} placed tasks wait for their TaskHistory rows
 * and results wait to be stored: the rest wait in tasks:submitted, and go once the storing thread
 * catches up; none is lost or run twice. A real Redis, H2 (paused with {@code SET EXCLUSIVE 1},
 * which makes the coordinator's statements wait), a coordinator and an agent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HoldBackTest {
    @Test
    void theTasksPastTheLimitWaitInSubmittedWhileResultsWaitToBeStored() throws Exception {
        try (Cluster cluster = new Cluster()) {
            placingOnNodo1(cluster, 4);

            // The first task's result leaves results:storing once its commit is checkpointed.
            Eventually.within(Duration.ofSeconds(20), "no result waiting", () -> cluster.queue.waitingToBeStored() == 0);
            try (Connection pause = cluster.db.connect(); Statement s = pause.createStatement()) {
                s.execute("SET EXCLUSIVE 1"); // the storing thread's statements wait from now on
                List<String> ids = new ArrayList<>(cluster.submit("sleep", Map.of("ms", 0), 4));
                Eventually.within(Duration.ofSeconds(20), "their four results waiting to be stored",
                        () -> cluster.queue.waitingToBeStored() == 4);
                Thread.sleep(100); // the placer looks every 5 ms while at the limit
                ids.addAll(cluster.submit("sleep", Map.of("ms", 0), 26));
                Thread.sleep(1_500);
                assertEquals(26L, (long) cluster.redis.call(j -> j.llen(RedisKeys.submitted())),
                        "the other 26 wait in tasks:submitted while the four wait for their rows");
                assertEquals(4L, cluster.queue.waitingToBeStored(), "and no more ran");
                s.execute("SET EXCLUSIVE 0");

                Eventually.within(Duration.ofSeconds(60), "all 31 DONE", () -> done(cluster) == 31);
                assertEquals(31, TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory"), "one row each");
                assertEquals(30, new HashSet<>(ids).size());
                assertEquals(0L, (long) cluster.redis.call(j -> j.llen(RedisKeys.submitted())));
                assertEquals(31L, cluster.done("nodo1"), "each ran once");
            }
        }
    }

    /**
     * A task of a higher priority submitted while placement holds back is taken before the tasks
     * that wait in tasks:submitted: it waits in the list of its priority, which the placer takes
     * first, so it starts before any of them on a one-worker agent. Taken after them (tried), it
     * started after the one the worker took first: on the node's queue it still went ahead of the
     * rest.
     */
    @Test
    void aHigherPriorityTaskGoesAheadOfTheTasksHeldBack() throws Exception {
        try (Cluster cluster = new Cluster()) {
            placingOnNodo1(cluster, 1);

            Eventually.within(Duration.ofSeconds(20), "no result waiting", () -> cluster.queue.waitingToBeStored() == 0);
            String urgent;
            List<String> held;
            try (Connection pause = cluster.db.connect(); Statement s = pause.createStatement()) {
                s.execute("SET EXCLUSIVE 1");
                cluster.submit("sleep", Map.of("ms", 5), 4);
                Eventually.within(Duration.ofSeconds(20), "their four results waiting to be stored",
                        () -> cluster.queue.waitingToBeStored() == 4);
                Thread.sleep(100);
                held = cluster.submit("sleep", Map.of("ms", 5), 26);
                urgent = cluster.queue.submitNew("sleep", Map.of("ms", 5), 1, null, 0, 9).get(0);
                Thread.sleep(500);
                assertEquals(26L, (long) cluster.redis.call(j -> j.llen(RedisKeys.submitted())), "26 held back");
                assertEquals(1L, (long) cluster.redis.call(j -> j.llen(RedisKeys.submitted(9))), "and the urgent one");
                s.execute("SET EXCLUSIVE 0");
            }
            Eventually.within(Duration.ofSeconds(60), "all 32 DONE", () -> done(cluster) == 32);
            try (Connection c = cluster.db.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM TaskHistory t WHERE t.StartedAt < (SELECT u.StartedAt FROM TaskHistory u WHERE u.TaskId = ?) "
                            + "AND t.TaskId IN (" + String.join(", ", held.stream().map(id -> "'" + id + "'").toList()) + ")")) {
                ps.setString(1, urgent);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "tasks held back that started before the priority-9 one");
                }
            }
        }
    }

    /**
     * Long tasks are placed on past the limit: no result waits to be stored, so the storing thread
     * is not behind and nothing waits for their rows (written PENDING a second after placement).
     * Held back, six of these ten would wait for rows of the first four (PENDING, or RUNNING for
     * the four running: at most four rows before all ten are placed).
     */
    @Test
    void longTasksArePlacedOnPastTheLimit() throws Exception {
        try (Cluster cluster = new Cluster()) {
            placingOnNodo1(cluster, 4);

            cluster.submit("sleep", Map.of("ms", 2_000), 10);
            Eventually.within(Duration.ofSeconds(10), "all ten placed", () -> cluster.redis.call(j -> j.llen(RedisKeys.submitted())) == 0
                    && cluster.redis.call(j -> j.llen(RedisKeys.placing())) == 0);
            long rows = TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory") - 1;
            assertTrue(rows < 6, "placed before their rows were written (" + rows + " of them had one)");
            Eventually.within(Duration.ofSeconds(60), "all eleven DONE", () -> done(cluster) == 11);
        }
    }

    /**
     * An agent nodo1 of {@code workers} workers, a coordinator holding back at 4, and a first task
     * done, so that the coordinator places on nodo1 (with no node yet it records what it takes as
     * waiting, and places that later as leftovers of tasks:placing).
     */
    private static void placingOnNodo1(Cluster cluster, int workers) {
        cluster.startAgent("nodo1", workers);
        Eventually.within(Duration.ofSeconds(20), "nodo1 online", () -> cluster.online("nodo1"));
        cluster.startCoordinator("least-loaded", 4);
        cluster.submit("sleep", Map.of("ms", 0), 1);
        Eventually.within(Duration.ofSeconds(30), "the first task DONE", () -> done(cluster) == 1);
    }

    private static long done(Cluster cluster) {
        try {
            return TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory WHERE Status = 'DONE'");
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

}
