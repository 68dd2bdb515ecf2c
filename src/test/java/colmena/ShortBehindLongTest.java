package colmena;

import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No short task waits behind a wall of long ones while another node has a free worker: placement
 * counts the workers long-running tasks hold, and an agent whose workers are all held hands back
 * what it had taken but could not start, so the coordinator can move it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShortBehindLongTest {
    private static final Map<String, Object> LONG = Map.of("ms", 90_000);

    @Test
    void shortTasksGoToTheNodeWithAFreeWorkerNotBehindLongOnes() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("held1", 2);
            Eventually.within(Duration.ofSeconds(20), "held1 online", () -> cluster.online("held1"));
            cluster.submit("sleep", LONG, 2);
            Eventually.within(Duration.ofSeconds(20), "both long tasks running",
                    () -> cluster.rows("Status = 'RUNNING'") == 2);
            cluster.startAgent("free1", 2);
            Eventually.within(Duration.ofSeconds(20), "free1 online", () -> cluster.online("free1"));
            Thread.sleep(1_500); // a stats sample or two of each, as placement sees them

            List<String> shortOnes = cluster.submit("sleep", Map.of("ms", 20), 30);
            Eventually.within(Duration.ofSeconds(15), "the 30 short tasks DONE; " + cluster.state(),
                    () -> cluster.rows("Status = 'DONE'") == shortOnes.size());
            assertEquals(0, cluster.rows("Status = 'DONE' AND NodeID = 'held1'"),
                    "no short task ran on the node whose workers were all held");
        }
    }

    @Test
    void tasksTakenAheadByANodeWhoseWorkersBecomeHeldAreHandedBackAndRunElsewhere() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("held2", 2);
            Eventually.within(Duration.ofSeconds(20), "held2 online", () -> cluster.online("held2"));
            // Short tasks first, so the agent learns its tasks are short and takes many at a time.
            List<String> warm = cluster.submit("sleep", Map.of("ms", 2), 200);
            Eventually.within(Duration.ofSeconds(20), "warm-up DONE", () -> cluster.rows("Status = 'DONE'") == warm.size());
            // Two long tasks and, right behind them on the only node, short ones it takes ahead.
            cluster.submit("sleep", LONG, 2);
            List<String> shortOnes = cluster.submit("sleep", Map.of("ms", 20), 30);
            Eventually.within(Duration.ofSeconds(20), "both long tasks running",
                    () -> cluster.rows("Status = 'RUNNING'") == 2);
            cluster.startAgent("free2", 2);
            Eventually.within(Duration.ofSeconds(20), "every short task DONE once free2 joined; " + cluster.state(),
                    () -> cluster.rows("Status = 'DONE'") == warm.size() + shortOnes.size());
            assertEquals(0, cluster.rows("Status = 'FAILED'"));
            assertEquals(0, cluster.rows("Attempts > 1"), "handing back a task it never started spends no attempt");
        }
    }
}
