package colmena;

import colmena.broker.Nodes;
import colmena.broker.RedisKeys;
import colmena.support.Eventually;
import colmena.task.TaskMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Priorities, on a real coordinator, Redis, H2 and agents: a node's queue holds higher priorities
 * first and equal ones in submission order, and a high-priority task submitted behind a flood of
 * low-priority work starts within about one task's run time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PriorityTest {

    @Test
    void aNodesQueueHoldsHigherPrioritiesFirstAndEqualOnesInOrder() throws Exception {
        try (Cluster cluster = new Cluster()) {
            // A node that reports (for a minute) but runs nothing, so what is placed on it stays queued.
            new Nodes(cluster.redis).beat(TestStats.small("still", "host", 5, 60_000, System.currentTimeMillis()));
            cluster.startCoordinator("least-loaded");
            List<String> order = new ArrayList<>();
            order.addAll(cluster.queue.submitNew("sleep", Map.of("ms", 1), 3, null, 0, 1));
            order.addAll(cluster.queue.submitNew("sleep", Map.of("ms", 2), 3, null, 0, 5));
            Eventually.within(Duration.ofSeconds(10), "six queued",
                    () -> cluster.queue.length(RedisKeys.nodeTasks("still")) == 6);
            List<String> high = cluster.queue.submitNew("sleep", Map.of("ms", 3), 2, null, 0, 9);
            List<String> mid = cluster.queue.submitNew("sleep", Map.of("ms", 4), 2, null, 0, 7);
            List<String> low = cluster.queue.submitNew("sleep", Map.of("ms", 5), 1, null, 0, 0);
            Eventually.within(Duration.ofSeconds(10), "eleven queued",
                    () -> cluster.queue.length(RedisKeys.nodeTasks("still")) == 11);
            List<String> queued = new ArrayList<>();
            List<Integer> priorities = new ArrayList<>();
            for (String raw : cluster.queue.pending(RedisKeys.nodeTasks("still"))) {
                TaskMessage t = TaskMessage.read(raw);
                queued.add(t.id());
                priorities.add(t.priorityOrDefault());
            }
            List<String> expected = new ArrayList<>(high);
            expected.addAll(mid);
            expected.addAll(order.subList(3, 6));
            expected.addAll(order.subList(0, 3));
            expected.addAll(low);
            assertEquals(expected, queued, "head first; priorities " + priorities);
            // Their rows are written a moment after placement, once they have not ended.
            Eventually.within(Duration.ofSeconds(10), "the reason says the priority decided",
                    () -> cluster.rows("Reason LIKE '%priority 9%'") == 2);
        }
    }

    @Test
    void aHighPriorityTaskBehindAFloodOfLowOnesStartsWithinAboutOneTasksRunTime() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("prio", 2);
            Eventually.within(Duration.ofSeconds(20), "prio online", () -> cluster.online("prio"));
            cluster.queue.submitNew("sleep", Map.of("ms", 200), 200, null, 0, 1);
            Eventually.within(Duration.ofSeconds(20), "the flood running", () -> cluster.rows("Status = 'DONE'") >= 4);
            String urgent = cluster.queue.submitNew("sleep", Map.of("ms", 1), 1, null, 0, 9).get(0);
            Eventually.within(Duration.ofSeconds(10), "the urgent one DONE",
                    () -> cluster.rows("Status = 'DONE' AND TaskId = '" + urgent + "'") == 1);
            long waitedMs = TestDatabase.count(cluster.db, "SELECT DATEDIFF('MILLISECOND', SubmittedAt, StartedAt) "
                    + "FROM TaskHistory WHERE TaskId = '" + urgent + "'");
            long doneBefore = cluster.rows("Status = 'DONE' AND TaskType = 'sleep' AND TaskId <> '" + urgent + "'");
            System.out.printf("a priority-9 task behind 200 x 200 ms priority-1 tasks waited %d ms to start%n", waitedMs);
            assertTrue(waitedMs < 200 + 600, "within one task's run time (200 ms) and the pipeline's own delay: " + waitedMs);
            assertTrue(doneBefore < 200, "it did not wait for the flood: " + doneBefore + " of 200 were done");
        }
    }

    /**
     * A higher priority's result joins the results waiting to be stored at their head, so it is
     * stored next rather than after them: with H2 paused ({@code SET EXCLUSIVE 1}), results wait, and
     * a priority-9 task's result, reported after 30 others still in results:queue, is first there.
     */
    @Test
    void aHigherPrioritysResultIsStoredBeforeTheResultsWaiting() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startAgent("prio", 2);
            Eventually.within(Duration.ofSeconds(20), "prio online", () -> cluster.online("prio"));
            cluster.startCoordinator("least-loaded");
            cluster.submit("sleep", Map.of("ms", 0), 1);
            Eventually.within(Duration.ofSeconds(20), "the first DONE", () -> cluster.rows("Status = 'DONE'") == 1);
            Eventually.within(Duration.ofSeconds(20), "no result waiting", () -> cluster.queue.waitingToBeStored() == 0);
            try (java.sql.Connection pause = cluster.db.connect(); java.sql.Statement s = pause.createStatement()) {
                s.execute("SET EXCLUSIVE 1");
                cluster.submit("sleep", Map.of("ms", 0), 30);
                // The coordinator takes one batch ahead into results:storing; what comes after waits in results:queue.
                Eventually.within(Duration.ofSeconds(20), "30 results waiting", () -> cluster.queue.waitingToBeStored() == 30);
                Thread.sleep(300);
                cluster.submit("sleep", Map.of("ms", 0), 30);
                Eventually.within(Duration.ofSeconds(20), "30 more in results:queue",
                        () -> cluster.queue.length(RedisKeys.resultsQueue()) >= 30);
                String urgent = cluster.queue.submitNew("sleep", Map.of("ms", 0), 1, null, 0, 9).get(0);
                Eventually.within(Duration.ofSeconds(20), "the urgent one's result waiting",
                        () -> cluster.queue.waitingToBeStored() == 61);
                String head = cluster.queue.pending(RedisKeys.resultsQueue()).get(0);
                assertTrue(head.contains(urgent), "the head of results:queue is the urgent one's result: " + head);
                s.execute("SET EXCLUSIVE 0");
                Eventually.within(Duration.ofSeconds(30), "all 62 DONE", () -> cluster.rows("Status = 'DONE'") == 62);
            }
        }
    }
}
