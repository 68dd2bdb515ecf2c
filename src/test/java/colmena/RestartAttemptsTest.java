package colmena;

import colmena.agent.Agent;
import colmena.bench.Launcher;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attempts count failures, not housekeeping: agents stopped gracefully hand their tasks back
 * without spending an attempt, with real agent processes stopped (SIGTERM) and started again.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RestartAttemptsTest {

    @Test
    void rollingRestartsOfAgentsWhileTasksFlowFailNothingAndRunEachTaskOnce() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            String[] ids = {"roll1", "roll2"};
            Process[] agents = {cluster.startAgentProcess(ids[0], 2), cluster.startAgentProcess(ids[1], 2)};
            List<String> submitted = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean flowing = new AtomicBoolean(true);
            Thread submitter = new Thread(() -> {
                while (flowing.get()) {
                    submitted.addAll(cluster.submit("sleep", Map.of("ms", 100), 8));
                    colmena.threads.Threads.sleep(100);
                }
            });
            try {
                Eventually.within(Duration.ofSeconds(30), "both agents online",
                        () -> cluster.online(ids[0]) && cluster.online(ids[1]));
                submitter.start();
                for (int round = 0; round < 3; round++) { // roll1, roll2, roll1
                    int i = round % 2;
                    Thread.sleep(1_000);
                    Launcher.stop(agents[i], 20); // SIGTERM: the agent hands back what it holds
                    Thread.sleep(500);
                    agents[i] = cluster.startAgentProcess(ids[i], 2);
                    int restarted = i;
                    Eventually.within(Duration.ofSeconds(30), ids[i] + " back online", () -> cluster.online(ids[restarted]));
                }
                flowing.set(false);
                submitter.join();
                int total = submitted.size();
                try {
                    Eventually.within(Duration.ofSeconds(60), total + " DONE", () -> cluster.rows("Status = 'DONE'") == total);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; " + cluster.state(), e);
                }
                assertEquals(0, cluster.rows("Status = 'FAILED'"), "no task failed");
                assertEquals(new HashSet<>(submitted), cluster.taskIds(), "every submitted task, and no other");
                assertEquals(0, cluster.rows("Attempts > 1"), "a graceful stop spends no attempt");
                assertTrue(cluster.rows("Moves LIKE '%handed back by roll_ when it stopped at%'") > 0,
                        "handed-back tasks say so: " + cluster.state());
                assertEquals(0, cluster.rows("Moves LIKE '%before it started%'"), "no stop was taken for a death");
                Thread.sleep(500);
                assertEquals(total, cluster.done(ids[0]) + cluster.done(ids[1]), "each task ran once (the nodes' done counts)");
            } finally {
                flowing.set(false);
                Launcher.stop(agents[0], 15);
                Launcher.stop(agents[1], 15);
            }
        }
    }

    @Test
    void aTaskInterruptedByAGracefulStopSaysSoAndKeepsItsAttempt() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            Agent brief = cluster.startAgent("brief", 2, Duration.ofMillis(200));
            Eventually.within(Duration.ofSeconds(30), "brief online", () -> cluster.online("brief"));
            List<String> ids = cluster.submit("sleep", Map.of("ms", 2_000), 2);
            Eventually.within(Duration.ofSeconds(30), "both running on brief",
                    () -> cluster.rows("Status = 'RUNNING' AND NodeID = 'brief'") == 2);
            brief.stop();
            cluster.startAgent("after", 2);
            Eventually.within(Duration.ofSeconds(30), "both DONE", () -> cluster.rows("Status = 'DONE'") == 2);
            assertEquals(new HashSet<>(ids), cluster.taskIds());
            assertEquals(2, cluster.rows("NodeID = 'after' AND Attempts = 1"
                    + " AND Moves LIKE 'brief stopped at % while running it: interrupted after the 200ms grace period%'"
                    + " AND Moves LIKE '%handed back by brief when it stopped at%'"
                    + " AND Moves NOT LIKE '%before it started%'"), "the interruption is told as it was: " + cluster.state());
        }
    }
}
