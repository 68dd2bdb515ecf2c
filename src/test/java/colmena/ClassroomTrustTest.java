package colmena;

import colmena.bench.Launcher;
import colmena.broker.DeadLetter;
import colmena.broker.Json;
import colmena.broker.NodeCredentials;
import colmena.broker.RedisKeys;
import colmena.log.Durations;
import colmena.support.Eventually;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A classroom: the teacher's coordinator, student PCs joined with their own Redis credential
 * ({@code colmena node add}), each agent a real process. A PC works with its credential alone, a
 * result it sends for a task it was never given is not stored, and removing the PC stops it.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClassroomTrustTest {
    private Cluster cluster;
    private NodeCredentials credentials;
    private Process pc1;

    @BeforeEach
    void setUp() {
        assumeFalse(TestRedis.underWine(), "Redis 5.0 has no ACL users");
        cluster = new Cluster();
        credentials = new NodeCredentials(cluster.redis);
        for (String n : credentials.nodes()) {
            credentials.remove(n);
        }
    }

    @AfterEach
    void tearDown() {
        if (pc1 != null) {
            Launcher.stop(pc1, 15);
        }
        if (cluster != null) {
            for (String n : credentials.nodes()) {
                credentials.remove(n);
            }
            cluster.close();
        }
    }

    @Test
    void aPcWithItsOwnCredentialRunsTasksEndToEndAndRemovingItStopsIt() throws Exception {
        cluster.startCoordinator("least-loaded");
        NodeCredentials.Credential pc = credentials.add("pc1");
        Path log = Path.of("target", "process-logs", "classroom-pc1.log");
        Files.deleteIfExists(log);
        URI redis = URI.create(cluster.redisUrl);
        // No --id: the node is the one the credential names.
        pc1 = Launcher.start(log, List.of("-XX:+UseSerialGC", "-Xmx128m"), "agent",
                "--redis", pc.url(redis.getHost(), redis.getPort()),
                "--interval", Durations.format(Cluster.FAST_INTERVAL), "--workers", "2");
        Eventually.within(Duration.ofSeconds(30), "pc1 online", () -> cluster.online("pc1"));

        cluster.submit("sleep", Map.of("ms", 5), 30);
        Eventually.within(Duration.ofSeconds(60), "30 tasks DONE on pc1",
                () -> cluster.rows("Status = 'DONE' AND NodeID = 'pc1'") == 30);
        assertEquals(0, cluster.queue.length(RedisKeys.nodeResults("pc1")), "its results list is emptied");
        assertEquals(0, cluster.queue.length(RedisKeys.deadLetter()), "nothing refused: " + cluster.queue.deadLetters(5));
        String text = Files.readString(log);
        assertFalse(text.contains("NOPERM"), "the agent needed nothing its credential refuses:\n" + text);

        // Revoked: its connections are cut, it cannot log in again, it goes offline and its work goes elsewhere.
        cluster.startAgent("nodo2", 2);
        assertTrue(credentials.remove("pc1"));
        Eventually.within(Duration.ofSeconds(10), "pc1 offline", () -> !cluster.online("pc1"));
        cluster.submit("sleep", Map.of("ms", 5), 10);
        Eventually.within(Duration.ofSeconds(60), "the new tasks DONE on nodo2",
                () -> cluster.rows("Status = 'DONE' AND NodeID = 'nodo2'") == 10);
        assertEquals(30, cluster.rows("NodeID = 'pc1'"), "nothing more on pc1: " + cluster.state());
        assertTrue(pc1.waitFor(15, TimeUnit.SECONDS), "the revoked agent stops by itself");
        assertEquals(1, pc1.exitValue());
        assertTrue(readQuietly(log).contains("Redis refuses the login of node 'pc1' (WRONGPASS)"), readQuietly(log));
    }

    @Test
    void aResultForAnotherNodesTaskIsDeadLetteredAndNotStored() throws Exception {
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("pc2", 1);
        NodeCredentials.Credential pc = credentials.add("pc1");
        String task = cluster.submit("sleep", Map.of("ms", 5), 1).get(0);
        Eventually.within(Duration.ofSeconds(30), "the task DONE on pc2",
                () -> cluster.rows("Status = 'DONE' AND NodeID = 'pc2'") == 1);
        String stored = result(task);

        URI redis = URI.create(cluster.redisUrl);
        try (Jedis student = new Jedis(redis.getHost(), redis.getPort())) {
            student.auth(pc.nodeId(), pc.password());
            TaskMessage message = TaskMessage.submit(task, "sleep", Map.of("ms", 5), System.currentTimeMillis(), null);
            long now = System.currentTimeMillis();
            // As itself, for pc2's task; pretending to be pc2; and for a task nobody submitted.
            student.rpush(RedisKeys.nodeResults("pc1"),
                    Json.write(new TaskResult(message, "pc1", TaskStatus.DONE, "666", null, now, now, 1)),
                    Json.write(new TaskResult(message, "pc2", TaskStatus.DONE, "667", null, now, now, 1)),
                    Json.write(new TaskResult(TaskMessage.submit("t-nobody", "sleep", Map.of("ms", 5), now, null),
                            "pc1", TaskStatus.DONE, "668", null, now, now, 1)));
        }
        Eventually.within(Duration.ofSeconds(10), "three dead letters",
                () -> cluster.queue.length(RedisKeys.deadLetter()) == 3);
        List<String> reasons = cluster.queue.deadLetters(3).stream().map(DeadLetter::reason).toList();
        assertTrue(reasons.contains("task " + task + " was placed on node pc2, never on node pc1"), reasons.toString());
        assertTrue(reasons.contains("result for task " + task + " names node \"pc2\" but was sent with node pc1's credential"),
                reasons.toString());
        assertTrue(reasons.contains("task t-nobody is not in TaskHistory; node pc1 was never given it"), reasons.toString());
        Thread.sleep(500);
        assertEquals(stored, result(task), "the stored result stands");
        assertEquals(0, cluster.rows("Moves LIKE '%pc1%'"), "nothing of pc1's in the task's history");
        assertEquals(1, cluster.rows(""), "no row made for the task nobody submitted");
        assertEquals(0, cluster.queue.length(RedisKeys.nodeResults("pc1")));
    }

    @Test
    void whatANodeSentJustBeforeItWasRemovedIsStillStored() throws Exception {
        NodeCredentials.Credential pc = credentials.add("pc1");
        long now = System.currentTimeMillis();
        TaskMessage task = TaskMessage.submit("t-pc1", "sleep", Map.of("ms", 5), now, null).placedOn("pc1", "pc1: 0 queued");
        try (java.sql.Connection c = cluster.db.connect()) {
            new colmena.store.TaskHistoryStore().recordPlaced(c, List.of(task));
        }
        URI redis = URI.create(cluster.redisUrl);
        try (Jedis student = new Jedis(redis.getHost(), redis.getPort())) {
            student.auth(pc.nodeId(), pc.password());
            student.rpush(RedisKeys.nodeResults("pc1"),
                    Json.write(new TaskResult(task, "pc1", TaskStatus.DONE, "5", null, now, now + 5, 5)));
        }
        assertTrue(credentials.remove("pc1"));
        cluster.startCoordinator("least-loaded");
        Eventually.within(Duration.ofSeconds(10), "the result stored", () -> cluster.rows("Status = 'DONE' AND NodeID = 'pc1'") == 1);
        assertEquals("5", result("t-pc1"));
    }

    private String result(String task) throws java.sql.SQLException {
        try (java.sql.Connection c = cluster.db.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT Result FROM TaskHistory WHERE TaskId = ?")) {
            ps.setString(1, task);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
