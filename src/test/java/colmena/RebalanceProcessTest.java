package colmena;

import colmena.bench.Launcher;
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

/** Tasks queued on one node move to a node that joins, with real agent processes, and none is lost or run twice. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RebalanceProcessTest {
    private static final int TASKS = 60;

    @Test
    void aNodeThatJoinsTakesItsShareOfWhatIsQueuedAndEveryTaskEndsDoneOnce() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            Process first = cluster.startAgentProcess("nodo1", 1);
            Process joining = null;
            try {
                Eventually.within(Duration.ofSeconds(30), "nodo1 online", () -> online(cluster, "nodo1"));
                List<String> ids = cluster.submit("sleep", Map.of("ms", 200), TASKS);
                Eventually.within(Duration.ofSeconds(30), "every task placed on nodo1, the only node",
                        () -> cluster.rows("NodeID = 'nodo1'") == TASKS);
                joining = cluster.startAgentProcess("nodo2", 1);
                Eventually.within(Duration.ofSeconds(30), "nodo2 online", () -> online(cluster, "nodo2"));
                long leftOnNodo1 = cluster.queue.length(RedisKeys.nodeTasks("nodo1"));

                try {
                    Eventually.within(Duration.ofSeconds(60), TASKS + " DONE", () -> cluster.rows("Status = 'DONE'") == TASKS);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; " + cluster.state(), e);
                }
                assertEquals(TASKS, cluster.rows(""), "one row per task");
                assertEquals(new HashSet<>(ids), cluster.taskIds(), "every submitted task, and no other");
                long onNodo2 = cluster.rows("NodeID = 'nodo2'");
                assertTrue(onNodo2 >= Math.min(5, leftOnNodo1 / 3), "nodo2 took a share of the " + leftOnNodo1
                        + " tasks still queued on nodo1 when it came: it ran " + onNodo2);
                assertEquals(onNodo2, cluster.rows("NodeID = 'nodo2' AND Moves LIKE '%moved from nodo1 to nodo2 at %'"
                        + " AND Reason LIKE 'nodo2: %, moved from nodo1'"), "each says where it was and why it moved");
                assertEquals(0, cluster.rows("Attempts > 1"), "a move is not a failed attempt");
                Thread.sleep(500);
                assertEquals(TASKS, done(cluster, "nodo1") + done(cluster, "nodo2"),
                        "each task was finished once (the nodes' done counts)");
                for (String key : List.of(RedisKeys.nodeTasks("nodo1"), RedisKeys.nodeTasks("nodo2"),
                        RedisKeys.nodeInflight("nodo1"), RedisKeys.nodeInflight("nodo2"), RedisKeys.submitted())) {
                    assertEquals(0, cluster.queue.length(key), key + " is empty");
                }
            } finally {
                Launcher.stop(first, 15);
                if (joining != null) {
                    Launcher.stop(joining, 15);
                }
            }
        }
    }

    private static boolean online(Cluster cluster, String node) {
        return cluster.redis.call(j -> j.exists(RedisKeys.nodeStats(node)));
    }

    private static long done(Cluster cluster, String node) {
        String n = cluster.redis.call(j -> j.get(RedisKeys.nodeDone(node)));
        return n == null ? 0 : Long.parseLong(n);
    }
}
