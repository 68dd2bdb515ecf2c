package colmena;

import colmena.agent.Agent;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opt-in retries of runs that FAIL, on a real coordinator, agents, Redis and H2: each attempt
 * shows in the task's history and Attempts, the waits between them grow, the last error is kept,
 * and a retry that succeeds ends DONE; tasks that asked for none FAIL at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RetriesTest {

    @Test
    void aTaskThatKeepsFailingIsTriedAgainWithGrowingWaitsAndKeepsItsLastError() throws Exception {
        try (Cluster cluster = new Cluster(); Redis own = Redis.connect(cluster.redisUrl, 8)) {
            cluster.startCoordinator("least-loaded");
            Agent strict = agent("strict1", Duration.ofMillis(200), cluster, own);
            try {
                String id = cluster.queue.submitNew("sleep", Map.of("ms", 1_000), 1, null, 2).get(0);
                String plain = cluster.submit("sleep", Map.of("ms", 1_000), 1).get(0);
                Eventually.within(Duration.ofSeconds(40), "both FAILED; " + cluster.state(),
                        () -> cluster.rows("Status = 'FAILED'") == 2);
                Row r = row(cluster, id);
                assertEquals(3, r.attempts, "the first run and two retries");
                assertTrue(r.error.contains("timeout"), r.error);
                List<String> notes = r.moves.lines().filter(l -> l.contains("FAILED on strict1")).toList();
                assertEquals(2, notes.size(), r.moves);
                assertTrue(notes.get(0).matches("attempt 1 FAILED on strict1 at \\S+ \\(.*timeout.*\\); retry 1 of 2 in \\d+\\.\\d s"),
                        notes.get(0));
                assertTrue(notes.get(1).contains("attempt 2 FAILED") && notes.get(1).contains("retry 2 of 2"), notes.get(1));
                double first = seconds(notes.get(0));
                double second = seconds(notes.get(1));
                assertTrue(first >= 0.5 && first <= 1.0 && second >= 1.0 && second <= 2.0,
                        "equal jitter around 1 s, then 2 s: " + first + ", " + second);
                long span = r.finishedMs - r.submittedMs;
                assertTrue(span >= (long) ((first + second) * 1000), "the waits were waited: " + span + " ms");

                Row p = row(cluster, plain);
                assertEquals(1, p.attempts, "no retries asked, none made");
                assertEquals(0L, (long) cluster.redis.call(j -> j.zcard(RedisKeys.delayed())));
            } finally {
                strict.stop();
            }
        }
    }

    @Test
    void aRetryThatSucceedsEndsDoneWithTheFailureInItsHistory() throws Exception {
        try (Cluster cluster = new Cluster(); Redis own = Redis.connect(cluster.redisUrl, 8)) {
            cluster.startCoordinator("least-loaded");
            Agent strict = agent("strict2", Duration.ofMillis(200), cluster, own);
            String id = cluster.queue.submitNew("sleep", Map.of("ms", 600), 1, null, 3).get(0);
            Eventually.within(Duration.ofSeconds(20), "the first run failed and is waiting",
                    () -> row(cluster, id).moves != null && row(cluster, id).moves.contains("attempt 1 FAILED"));
            strict.stop();
            cluster.startAgent("patient2", 1); // a node where it fits its timeout
            Eventually.within(Duration.ofSeconds(30), "DONE; " + cluster.state(), () -> cluster.rows("Status = 'DONE'") == 1);
            Row r = row(cluster, id);
            assertEquals("patient2", r.node);
            assertEquals(2, r.attempts);
            assertNull(r.error, "a DONE task shows no error");
            assertTrue(r.moves.contains("attempt 1 FAILED on strict2"), r.moves);
        }
    }

    @Test
    void aTaskWaitingForItsRetryWhenRedisLosesItsDataKeepsTheRetriesItHasLeft() throws Exception {
        try (Cluster cluster = new Cluster(); Redis own = Redis.connect(cluster.redisUrl, 8)) {
            cluster.startCoordinator("least-loaded");
            Agent strict = agent("strict3", Duration.ofMillis(200), cluster, own);
            String id = cluster.queue.submitNew("sleep", Map.of("ms", 1_000), 1, null, 3).get(0);
            Eventually.within(Duration.ofSeconds(20), "the first run failed and is waiting; " + cluster.state(),
                    () -> row(cluster, id).moves != null && row(cluster, id).moves.contains("retry 1 of 3"));
            strict.stop(); // it waits for its retry, or to be placed, with no node to go to
            cluster.redis.call(j -> j.flushAll());
            Agent again = agent("strict4", Duration.ofMillis(200), cluster, own);
            try {
                Eventually.within(Duration.ofSeconds(60), "FAILED; " + cluster.state(),
                        () -> cluster.rows("Status = 'FAILED'") == 1);
                Row r = row(cluster, id);
                assertTrue(r.moves.contains("Redis lost it"), "put back from TaskHistory: " + r.moves);
                assertEquals(4, r.attempts, "the first run and its three retries, two of them after Redis lost it: " + r.moves);
                assertTrue(r.moves.contains("attempt 3 FAILED on strict4") && r.moves.contains("retry 3 of 3"), r.moves);
                assertEquals(List.of(3, 3), retriesAndFailures(cluster, id));
            } finally {
                again.stop();
            }
        }
    }

    private static List<Integer> retriesAndFailures(Cluster cluster, String id) throws java.sql.SQLException {
        try (Connection c = cluster.db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT Retries, Failures FROM TaskHistory WHERE TaskId = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return List.of(rs.getInt(1), rs.getInt(2));
            }
        }
    }

    private static Agent agent(String id, Duration taskTimeout, Cluster cluster, Redis own) {
        Agent a = new Agent(new Agent.Config(id, cluster.redisUrl, Cluster.FAST_INTERVAL, 1, taskTimeout,
                Duration.ofSeconds(2)), own);
        a.start();
        return a;
    }

    private static double seconds(String note) {
        return Double.parseDouble(note.replaceAll(".* in (\\d+\\.\\d) s$", "$1"));
    }

    private record Row(String node, int attempts, String error, String moves, long submittedMs, long finishedMs) {
    }

    private static Row row(Cluster cluster, String id) {
        try (Connection c = cluster.db.connect();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT NodeID, Attempts, Error, Moves, SubmittedAt, FinishedAt FROM TaskHistory WHERE TaskId = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Row(null, 0, null, null, 0, 0);
                }
                return new Row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).getTime(), rs.getTimestamp(6) == null ? 0 : rs.getTimestamp(6).getTime());
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
