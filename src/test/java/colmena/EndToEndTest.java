package colmena;

import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.support.Eventually;
import colmena.task.types.OperationIntensive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndToEndTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoHundredMixedTasksEndDoneWithCorrectResultsOnBothNodes() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 2);
            cluster.startAgent("nodo2", 2);

            Map<String, String> expected = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                int n = 1_000 + i * 37;
                expected.put(one(cluster, "primes", Map.of("n", n)), Long.toString(countPrimesByTrialDivision(n)));
                expected.put(one(cluster, "sha256-chain", Map.of("rounds", 3 + i, "seed", i)), sha256Chain(3 + i, i));
                expected.put(one(cluster, "matrix-multiply", Map.of("n", 5 + i, "seed", i)),
                        Long.toString(naiveMatrixChecksum(5 + i, i)));
                expected.put(one(cluster, "sleep", Map.of("ms", i % 7)), Integer.toString(i % 7));
                expected.put(one(cluster, "operation-intensive", Map.of("number", 1 + i)),
                        Long.toString(OperationIntensive.compute(1 + i, null)));
            }
            assertEquals(200, expected.size());

            Eventually.within(Duration.ofSeconds(90), "200 DONE rows in TaskHistory",
                    () -> cluster.rows("Status = 'DONE'") == 200);

            Set<String> nodes = new HashSet<>();
            try (Connection c = cluster.db.connect();
                 PreparedStatement ps = c.prepareStatement("SELECT TaskId, Result, NodeID, Reason, Attempts FROM TaskHistory");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    assertEquals(expected.get(id), rs.getString(2), "result of task " + id);
                    nodes.add(rs.getString(3));
                    assertTrue(rs.getString(4).startsWith(rs.getString(3) + ":"), "reason names the node: " + rs.getString(4));
                    assertEquals(1, rs.getInt(5));
                }
            }
            assertEquals(Set.of("nodo1", "nodo2"), nodes, "both nodes were used");
            assertEquals(200, cluster.rows(""), "one row per task");
            assertEquals(0, cluster.rows("Status IN ('PENDING', 'RUNNING')"));
            for (String key : List.of(RedisKeys.submitted(), RedisKeys.placing(), RedisKeys.nodeTasks("nodo1"),
                    RedisKeys.nodeTasks("nodo2"), RedisKeys.nodeInflight("nodo1"), RedisKeys.nodeInflight("nodo2"),
                    RedisKeys.resultsQueue(), RedisKeys.storing(), RedisKeys.deadLetter())) {
                Eventually.within(Duration.ofSeconds(5), key + " empty", () -> cluster.queue.length(key) == 0);
            }
        }
    }

    private static String one(Cluster cluster, String type, Map<String, Object> params) {
        return cluster.submit(type, params, 1).get(0);
    }

    static long countPrimesByTrialDivision(int n) {
        long count = 0;
        for (int k = 2; k <= n; k++) {
            boolean prime = true;
            for (int d = 2; (long) d * d <= k; d++) {
                if (k % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                count++;
            }
        }
        return count;
    }

    static String sha256Chain(int rounds, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] h = Long.toString(seed).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < rounds; i++) {
            h = sha.digest(h);
        }
        return HexFormat.of().formatHex(h);
    }

    static long naiveMatrixChecksum(int n, long seed) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    long a = (i * 31L + k * 17L + seed) % 10;
                    long b = (k * 7L + j * 13L + seed * 3) % 10;
                    sum += a * b;
                }
            }
        }
        return sum;
    }

}
