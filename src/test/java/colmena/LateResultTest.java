package colmena;

import colmena.bench.Launcher;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * History keeps every run: an agent process frozen (SIGSTOP) while running a task loses it to
 * another node, then thaws (SIGCONT) and reports its run late; the row keeps both runs, and the
 * first result stored is the outcome.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LateResultTest {

    @Test
    void aLateResultThatComesFirstIsStoredWithoutErasingTheMoveAndTheSecondRunIsNoted() throws Exception {
        try (Cluster cluster = new Cluster()) {
            Process cutoff = frozenWhileRunning(cluster, 3_000);
            try {
                Eventually.within(Duration.ofSeconds(30), "the task placed again on rescuer",
                        () -> cluster.rows("NodeID = 'rescuer'") == 1);
                signal(cutoff, "CONT"); // its run, begun 3 s before rescuer's, ends first
                Eventually.within(Duration.ofSeconds(30), "rescuer's run noted too",
                        () -> cluster.rows("Moves LIKE '%also ran on rescuer (attempt 2), DONE%'") == 1);
                assertEquals(1, cluster.rows("Status = 'DONE' AND NodeID = 'cutoff' AND Attempts = 2"
                        + " AND Moves LIKE 'cutoff stopped reporting at % while running it%'"
                        + " AND Moves LIKE '%finished on cutoff (attempt 1) at % after it had been taken from there"
                        + " and placed on rescuer; stored as the first result%'"), "both runs in the row: " + cluster.state());
            } finally {
                signal(cutoff, "CONT");
                Launcher.stop(cutoff, 15);
            }
        }
    }

    @Test
    void aLateResultAfterTheOutcomeIsNotedAndReplacesNothing() throws Exception {
        try (Cluster cluster = new Cluster()) {
            Process cutoff = frozenWhileRunning(cluster, 1_500);
            try {
                Eventually.within(Duration.ofSeconds(30), "DONE on rescuer",
                        () -> cluster.rows("Status = 'DONE' AND NodeID = 'rescuer'") == 1);
                signal(cutoff, "CONT");
                Eventually.within(Duration.ofSeconds(30), "cutoff's late run noted",
                        () -> cluster.rows("Moves LIKE '%also ran on cutoff (attempt 1), DONE%'") == 1);
                assertEquals(1, cluster.rows("Status = 'DONE' AND NodeID = 'rescuer' AND Attempts = 2"
                        + " AND Moves LIKE 'cutoff stopped reporting at % while running it%'"), "the outcome stands: " + cluster.state());
                Thread.sleep(1_000);
                assertEquals(1, cluster.rows(""), "one row");
            } finally {
                signal(cutoff, "CONT");
                Launcher.stop(cutoff, 15);
            }
        }
    }

    /**
     * Starts a coordinator and an agent process "cutoff" running one {@code sleep ms} task, freezes
     * that process, and starts agent "rescuer" for the coordinator to move the task to.
     */
    private static Process frozenWhileRunning(Cluster cluster, int ms) throws Exception {
        cluster.startCoordinator("least-loaded");
        Process cutoff = cluster.startAgentProcess("cutoff", 1);
        Eventually.within(Duration.ofSeconds(30), "cutoff online", () -> cluster.online("cutoff"));
        List<String> ids = cluster.submit("sleep", Map.of("ms", ms), 1);
        Eventually.within(Duration.ofSeconds(30), "running on cutoff",
                () -> cluster.rows("Status = 'RUNNING' AND NodeID = 'cutoff'") == 1);
        signal(cutoff, "STOP");
        cluster.startAgent("rescuer", 1);
        assertEquals(1, ids.size());
        return cutoff;
    }

    private static void signal(Process p, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
    }
}
