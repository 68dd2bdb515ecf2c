package colmena;

import colmena.bench.Launcher;
import colmena.broker.RedisKeys;
import colmena.store.Database;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's log says what the README shows, in the paper's words: a line for each task sent
 * to a node and for each result stored.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LogLinesTest {
    @Test
    void theCoordinatorLogsEachTaskSentAndEachResultStored() throws Exception {
        Path dir = TestDatabase.freshDir();
        TestRedis.fresh().close();
        Path log = Path.of("target", "process-logs", "log-lines-coordinator.log");
        Files.deleteIfExists(log); // the launcher appends: only this run's lines are counted
        try (Cluster cluster = new Cluster(TestRedis.url(), null)) {
            Process coordinator = cluster.startCoordinatorProcess("log-lines-coordinator", Database.defaultUrl(dir));
            try {
                Eventually.within(Duration.ofSeconds(30), "a leader", () -> cluster.redis.call(j -> j.exists(RedisKeys.leader())));
                cluster.startAgent("nodo1", 1);
                Eventually.within(Duration.ofSeconds(10), "nodo1 online", () -> cluster.online("nodo1"));
                List<String> ids = cluster.submit("sleep", Map.of("ms", 1), 3);
                for (String id : ids) {
                    String shortId = id.substring(id.length() - 8);
                    Eventually.within(Duration.ofSeconds(30), "lines for " + id, () -> {
                        String text = read(log);
                        return text.contains("Task 'sleep' …" + shortId + " sent to node nodo1")
                                || text.contains("Task 'sleep' ..." + shortId + " sent to node nodo1");
                    });
                }
                Eventually.within(Duration.ofSeconds(30), "a line for each result stored",
                        () -> read(log).split("Result from nodo1 stored: 1", -1).length - 1 == ids.size());
            } finally {
                Launcher.kill(coordinator);
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
