package colmena;

import colmena.broker.RedisKeys;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement holds back while {@code --hold-back-at} placed tasks wait for their TaskHistory rows:
 * the rest wait in tasks:submitted, and go once those rows are written (PENDING, a second after
 * placement, or DONE); none is lost or run twice. A real Redis, H2, a coordinator and an agent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HoldBackTest {
    @Test
    void theTasksPastTheLimitWaitInSubmittedUntilThePlacedOnesHaveRows() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startAgent("nodo1", 1);
            Eventually.within(Duration.ofSeconds(20), "nodo1 online", () -> cluster.online("nodo1"));
            cluster.startCoordinator("least-loaded", 4);
            // A first task, so that the coordinator places on nodo1 (with no node yet it records
            // what it takes as waiting, and places that later as leftovers of tasks:placing).
            cluster.submit("sleep", Map.of("ms", 0), 1);
            Eventually.within(Duration.ofSeconds(30), "the first task DONE", () -> done(cluster) == 1);
            List<String> ids = cluster.submit("sleep", Map.of("ms", 1_500), 10);

            // No result comes before 1.5 s, and a placement's row falls due a second after it
            // (PendingRows.DELAY_MS), or once its task is RUNNING: until then at most four of the
            // ten are taken beyond those with a row. A coordinator without the limit takes all ten
            // in one batch at once.
            boolean heldBack = false;
            for (int i = 0; i < 16; i++) {
                long taken = 10 - cluster.redis.call(j -> j.llen(RedisKeys.submitted())); // before the rows: conservative
                long rows = TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory") - 1;
                assertTrue(taken - rows <= 4, taken + " taken from tasks:submitted, only " + rows + " of them with a row");
                heldBack |= taken < 10;
                Thread.sleep(50);
            }
            assertTrue(heldBack, "some were held back in tasks:submitted");

            Eventually.within(Duration.ofSeconds(60), "all eleven DONE", () -> done(cluster) == 11);
            assertEquals(11, TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory"), "one row each");
            assertEquals(10, new HashSet<>(ids).size());
            assertEquals(11, TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory WHERE Attempts = 1"),
                    "each run once");
            assertEquals(0L, (long) cluster.redis.call(j -> j.llen(RedisKeys.submitted())));
        }
    }

    private static long done(Cluster cluster) {
        try {
            return TestDatabase.count(cluster.db, "SELECT COUNT(*) FROM TaskHistory WHERE Status = 'DONE'");
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

}
