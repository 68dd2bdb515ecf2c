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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A result the database refuses (here a real CHECK constraint on TaskHistory, as SQL Server refuses
 * a value too long for its column) does not hold up the results behind it: the others are stored
 * DONE, the refused one FAILED saying why, and nothing is left waiting in Redis. A refused PENDING
 * row of a waiting task holds up neither the others' rows nor the task, whose result is stored when
 * it ends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RefusedResultTest {

    @Test
    void aRefusedResultIsStoredFailedAndTheOthersGoOn() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            try (Connection c = cluster.db.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE TaskHistory ADD CONSTRAINT NO_DONE_SEVEN CHECK (Status <> 'DONE' OR Params <> '{\"ms\":7}')");
            }
            cluster.startAgent("nodo1", 2);
            List<String> ids = new ArrayList<>(cluster.submit("sleep", Map.of("ms", 1), 10));
            String refused = cluster.submit("sleep", Map.of("ms", 7), 1).get(0);
            ids.addAll(cluster.submit("sleep", Map.of("ms", 1), 10));
            Eventually.within(Duration.ofSeconds(60), "every task final; " + cluster.state(),
                    () -> cluster.rows("Status IN ('DONE', 'FAILED')") == 21);
            assertEquals(20, cluster.rows("Status = 'DONE'"), "the others stored DONE");
            assertFailedSaying(cluster, refused, "TaskHistory refused its result: ");
            Eventually.within(Duration.ofSeconds(20), "nothing left waiting to be stored",
                    () -> (long) cluster.redis.call(j -> j.llen(RedisKeys.storing())) == 0
                            && (long) cluster.redis.call(j -> j.llen(RedisKeys.resultsQueue())) == 0);
        }
    }

    @Test
    void aTaskWhosePendingRowIsRefusedRunsAndIsStoredWhenItEndsWhileTheOthersRowsAreWritten() throws Exception {
        try (Cluster cluster = new Cluster()) {
            try (Connection c = cluster.db.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE TaskHistory ADD CONSTRAINT NO_PLACED_EIGHT "
                        + "CHECK (Status <> 'PENDING' OR NodeID IS NULL OR Params <> '{\"ms\":8}')");
            }
            cluster.startAgent("nodo1", 1);
            cluster.startCoordinator("least-loaded");
            // One worker, held for a while: the tasks behind it wait long enough for their PENDING rows.
            cluster.submit("sleep", Map.of("ms", 4_000), 1);
            Eventually.within(Duration.ofSeconds(20), "the long task running; " + cluster.state(),
                    () -> cluster.rows("Status = 'RUNNING'") == 1);
            cluster.submit("sleep", Map.of("ms", 1), 10);
            String refused = cluster.submit("sleep", Map.of("ms", 8), 1).get(0);
            cluster.submit("sleep", Map.of("ms", 1), 10);
            Eventually.within(Duration.ofSeconds(20), "the others' PENDING rows written while they wait; " + cluster.state(),
                    () -> cluster.rows("Status = 'PENDING' AND NodeID = 'nodo1'") == 20);
            assertEquals(0, cluster.rows("TaskId = '" + refused + "'"), "no row for the refused one yet");
            Eventually.within(Duration.ofSeconds(60), "every task final; " + cluster.state(),
                    () -> cluster.rows("Status IN ('DONE', 'FAILED')") == 22);
            assertEquals(22, cluster.rows("Status = 'DONE'"), "the refused one run and stored all the same");
            assertEquals(0L, (long) cluster.redis.call(j -> j.llen(RedisKeys.placing())), "nothing left to place");
        }
    }

    private static void assertFailedSaying(Cluster cluster, String taskId, String errorStart) throws Exception {
        try (Connection c = cluster.db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT Status, Error FROM TaskHistory WHERE TaskId = ?")) {
            ps.setString(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "a row for " + taskId);
                assertEquals("FAILED", rs.getString(1));
                assertTrue(rs.getString(2).startsWith(errorStart), rs.getString(2));
            }
        }
    }
}
