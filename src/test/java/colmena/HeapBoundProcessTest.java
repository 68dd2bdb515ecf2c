package colmena;

import colmena.bench.Launcher;
import colmena.log.Durations;
import colmena.support.Eventually;
import colmena.threads.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task too big for an agent's heap is refused with a clear error and the agent stays online;
 * a thread an agent cannot live without that dies is reported, not ignored.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HeapBoundProcessTest {
    @Test
    void matrixMultiplyAtItsBoundOnASmallHeapIsRefusedClearlyAndTheAgentStaysOnline() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.redis.call(j -> j.flushAll());
            cluster.startCoordinator("least-loaded");
            Path log = Path.of("target", "process-logs", "small-heap.log");
            Files.deleteIfExists(log);
            Process agent = Launcher.start(log, List.of("-XX:+UseSerialGC", "-Xmx48m"), "agent", "--id", "small-heap",
                    "--redis", cluster.redisUrl, "--interval", Durations.format(Cluster.FAST_INTERVAL), "--workers", "2");
            try {
                Eventually.within(Duration.ofSeconds(30), "the agent online", () -> cluster.online("small-heap"));
                String big = cluster.submit("matrix-multiply", Map.of("n", 1500), 1).get(0);
                Eventually.within(Duration.ofSeconds(60), "the big task finished", () -> status(cluster, big).startsWith("FAILED"));
                String error = status(cluster, big);
                assertTrue(error.contains("matrix-multiply n=1500 needs 35 MB of memory") && error.contains("-Xmx"), error);
                assertTrue(agent.isAlive(), "the agent process lives on");
                String small = cluster.submit("matrix-multiply", Map.of("n", 100), 1).get(0);
                Eventually.within(Duration.ofSeconds(60), "a task that fits runs", () -> status(cluster, small).startsWith("DONE"));
                assertTrue(cluster.online("small-heap"), "and it is online");
                assertTrue(!Files.readString(log).contains("OutOfMemoryError"), Files.readString(log));
            } finally {
                Launcher.stop(agent, 15);
            }
        }
    }

    @Test
    void aVitalThreadThatDiesOfAnErrorIsReportedWithItsName() throws Exception {
        CompletableFuture<String> died = new CompletableFuture<>();
        Thread t = Threads.startVital("colmena-test-vital", () -> {
            throw new OutOfMemoryError("simulated");
        }, (name, cause) -> died.complete(name + ": " + cause.getMessage()));
        assertEquals("colmena-test-vital: simulated", died.get(10, TimeUnit.SECONDS));
        t.join(5_000);
        CompletableFuture<String> quiet = new CompletableFuture<>();
        Threads.startVital("colmena-test-ends", () -> { }, (name, cause) -> quiet.complete(name)).join(5_000);
        assertTrue(!quiet.isDone(), "a loop that returns (a normal stop) is no death");
    }

    private static String status(Cluster cluster, String id) {
        try (Connection c = cluster.db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT Status, Error FROM TaskHistory WHERE TaskId = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) + " " + rs.getString(2) : "";
            }
        } catch (Exception e) {
            return "";
        }
    }
}
