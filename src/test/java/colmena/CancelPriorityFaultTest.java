package colmena;

import colmena.bench.Launcher;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.store.Database;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancel and priorities through faults, with real processes killed by SIGKILL: an agent killed
 * while it holds a mix of priorities and cancels are being asked for, and the leading coordinator
 * killed while cancels and high-priority work arrive. Afterwards every submitted task has one
 * final row (CANCELLED for those cancelled before they ran, DONE for the others), nothing is left
 * PENDING, every run the nodes counted is a row's run, and high-priority work still ran ahead of
 * the low-priority work queued with it on the node that was left.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CancelPriorityFaultTest {
    private static final int LOW = 1;
    private static final int HIGH = 9;

    @Test
    void anAgentKilledWhileCancelsAndHighPriorityWorkArriveLosesAndRepeatsNothing() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            Process victim = cluster.startAgentProcess("victim", 2);
            Process survivor = cluster.startAgentProcess("survivor", 1);
            try {
                Eventually.within(Duration.ofSeconds(30), "both agents online",
                        () -> cluster.online("victim") && cluster.online("survivor"));
                Thread.sleep(500);
                List<String> lows = cluster.queue.submitNew("sleep", Map.of("ms", 400), 30, null, 0, LOW);
                Eventually.within(Duration.ofSeconds(30), "the victim holding tasks",
                        () -> cluster.queue.length(RedisKeys.nodeInflight("victim")) > 0);
                List<String> highs = cluster.queue.submitNew("sleep", Map.of("ms", 400), 6, null, 0, HIGH);
                Eventually.within(Duration.ofSeconds(10), "the high-priority tasks placed",
                        () -> cluster.rows("Reason LIKE '%priority 9%'") == highs.size());
                List<String> cancelled = lows.subList(lows.size() - 6, lows.size()); // far back in the queues
                Launcher.kill(victim);
                requestCancel(cluster, cancelled);

                everyRowFinal(cluster, lows.size() + highs.size());
                outcomes(cluster, lows, highs, cancelled);
                assertEquals(0, cluster.queue.length(RedisKeys.nodeInflight("victim")));
                assertEquals(0, cluster.queue.length(RedisKeys.nodeTasks("victim")));
                assertTrue(cluster.rows("Moves LIKE '%victim stopped reporting at%'") > 0,
                        "some work was on the victim when it died: " + cluster.state());
                assertEquals(0, cluster.rows("Attempts > 2"), "one lost node costs one attempt, not more");
                highRanAheadOfLow(cluster, "survivor", highs, lows);
            } finally {
                Launcher.kill(victim);
                Launcher.kill(survivor);
            }
        }
    }

    @Test
    void theLeadingCoordinatorKilledWhileCancelsAndHighPriorityWorkArriveLosesAndRepeatsNothing() throws Exception {
        Path dir = TestDatabase.freshDir();
        String dbUrl = Database.defaultUrl(dir);
        Database db = Database.open(dbUrl, null, null);
        // This process opens the shared H2 file first and keeps it, as start-all's API does, so the
        // coordinator killed is not the one serving the file (that case waits for H2's lock file to
        // age before anything is stored, placed or cancelled: see the README's "the coordinator dies").
        try (Connection servingTheFile = db.connect(); Cluster cluster = new Cluster(TestRedis.url(), db)) {
            cluster.redis.call(j -> j.flushAll());
            cluster.startAgent("solo", 1);
            Process first = cluster.startCoordinatorProcess("cancel-coordinator-1", dbUrl);
            Eventually.within(Duration.ofSeconds(30), "a leader", () -> cluster.redis.call(j -> j.exists(RedisKeys.leader())));
            Process second = cluster.startCoordinatorProcess("cancel-coordinator-2", dbUrl);
            try {
                Thread.sleep(2_000);
                String leader = cluster.redis.call(j -> j.get(RedisKeys.leader()));
                Process leading = leader.contains(":" + first.pid() + ":") ? first : second;
                Process standby = leading == first ? second : first;
                List<String> lows = cluster.queue.submitNew("sleep", Map.of("ms", 250), 60, null, 0, LOW);
                Eventually.within(Duration.ofSeconds(30), "the node at work",
                        () -> cluster.rows("Status = 'DONE'") >= 2);

                Launcher.kill(leading);
                // While no coordinator leads: cancels asked for and high-priority work submitted.
                List<String> cancelled = lows.subList(lows.size() - 8, lows.size());
                requestCancel(cluster, cancelled);
                List<String> highs = cluster.queue.submitNew("sleep", Map.of("ms", 250), 5, null, 0, HIGH);
                Eventually.within(Duration.ofSeconds(20), "the standby leads", () -> {
                    String holder = cluster.redis.call(j -> j.get(RedisKeys.leader()));
                    return holder != null && holder.contains(":" + standby.pid() + ":");
                });

                everyRowFinal(cluster, lows.size() + highs.size());
                outcomes(cluster, lows, highs, cancelled);
                assertEquals(0, cluster.rows("Attempts > 1"), "a coordinator failover spends no attempt");
                highRanAheadOfLow(cluster, "solo", highs, lows);
            } finally {
                Launcher.kill(first);
                Launcher.kill(second);
            }
        }
    }

    private static void requestCancel(Cluster cluster, List<String> ids) {
        String request = Json.write(Map.of("by", "fault-test", "atMs", cluster.queue.now()));
        Map<String, String> requests = new LinkedHashMap<>();
        ids.forEach(id -> requests.put(id, request));
        cluster.queue.requestCancel(requests);
    }

    private static void everyRowFinal(Cluster cluster, int total) {
        try {
            Eventually.within(Duration.ofSeconds(120), total + " rows, every one final",
                    () -> cluster.rows("") == total && cluster.rows("Status IN ('PENDING', 'RUNNING')") == 0);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + cluster.state(), e);
        }
    }

    /**
     * The cancelled tasks CANCELLED by the request (they were far back in the queues, so none had
     * run), every other task DONE, one row each, and the nodes' own count of the runs they finished
     * equal to the rows a node finished: no task ran to its end twice.
     */
    private static void outcomes(Cluster cluster, List<String> lows, List<String> highs, List<String> cancelled)
            throws SQLException {
        Set<String> all = new HashSet<>(lows);
        all.addAll(highs);
        assertEquals(all, cluster.taskIds(), "every submitted task, and no other");
        Map<String, Row> rows = rows(cluster);
        List<String> wrong = new ArrayList<>();
        for (String id : all) {
            Row r = rows.get(id);
            String expected = cancelled.contains(id) ? "CANCELLED" : "DONE";
            if (!r.status.equals(expected)) {
                wrong.add(id + " " + r.status + " (expected " + expected + "; " + r.error + ")");
            }
        }
        assertTrue(wrong.isEmpty(), wrong + "; " + cluster.state());
        assertEquals(cancelled.size(), cluster.rows("Status = 'CANCELLED' AND Error LIKE 'cancelled by fault-test%'"),
                "each cancelled task says who cancelled it");
        long finishedOnNodes = cluster.rows("Status = 'DONE'") + cluster.rows("Status = 'CANCELLED' AND Error NOT LIKE 'cancelled by %'");
        long counted = 0;
        for (String node : List.of("victim", "survivor", "solo")) {
            counted += cluster.done(node);
        }
        assertEquals(finishedOnNodes, counted, "the runs the nodes finished, against the rows");
    }

    /**
     * On a node with one worker, the high-priority tasks it ran went ahead of low-priority ones
     * queued with them: few low ones started while the high ones were being run, and several low
     * ones were still left to run after the last high one.
     */
    private static void highRanAheadOfLow(Cluster cluster, String node, List<String> highs, List<String> lows)
            throws SQLException {
        List<String> order = new ArrayList<>();
        for (Row r : rows(cluster).values()) {
            if (r.status.equals("DONE") && node.equals(r.node)) {
                order.add(r.id);
            }
        }
        Map<String, Row> byId = rows(cluster);
        order.sort((a, b) -> byId.get(a).startedAt.compareTo(byId.get(b).startedAt));
        int firstHigh = -1;
        int lastHigh = -1;
        for (int i = 0; i < order.size(); i++) {
            if (highs.contains(order.get(i))) {
                firstHigh = firstHigh < 0 ? i : firstHigh;
                lastHigh = i;
            }
        }
        StringBuilder seen = new StringBuilder();
        order.forEach(id -> seen.append(highs.contains(id) ? 'H' : lows.contains(id) ? 'l' : '?'));
        System.out.printf("start order on %s (H high, l low): %s%n", node, seen);
        assertTrue(firstHigh >= 0, "some high-priority work ran on " + node + ": " + seen);
        long lowsAmongHighs = seen.substring(firstHigh, lastHigh + 1).chars().filter(c -> c == 'l').count();
        long lowsAfter = seen.substring(lastHigh + 1).chars().filter(c -> c == 'l').count();
        assertTrue(lowsAmongHighs <= 3, "low-priority tasks started while high ones waited on " + node + ": " + seen);
        assertTrue(lowsAfter >= 5, "the high-priority tasks went ahead of the low ones queued with them: " + seen);
    }

    private record Row(String id, String status, String node, java.sql.Timestamp startedAt, String error) {
    }

    private static Map<String, Row> rows(Cluster cluster) throws SQLException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (Connection c = cluster.db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT TaskId, Status, NodeID, StartedAt, Error FROM TaskHistory");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4),
                        rs.getString(5)));
            }
        }
        return rows;
    }
}
