package colmena;

import colmena.bench.Launcher;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.metrics.NodeStats;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Times in TaskHistory come from one clock, Redis's: an agent whose machine's clock is ten minutes
 * slow (a real agent process with its clock moved) writes start and finish times after the
 * submission, the tasks count in this minute's figures, and the node says how far off it is.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClockSkewTest {
    private static final long SKEW_MS = -600_000;

    @Test
    void anAgentWithAClockTenMinutesSlowWritesTimesOnRedissClockAndIsFlagged() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            Process agent = cluster.startAgentProcess("slowclock", 2, List.of("-Dcolmena.clock.skewMs=" + SKEW_MS));
            try {
                Eventually.within(Duration.ofSeconds(30), "slowclock online", () -> cluster.online("slowclock"));
                String raw = cluster.redis.call(j -> j.get(RedisKeys.nodeStats("slowclock")));
                NodeStats stats = Json.GSON.fromJson(raw, NodeStats.class);
                assertTrue(Math.abs(stats.clockOffsetMs() - SKEW_MS) < 2_000, "offset reported: " + stats.clockOffsetMs());
                long redisNow = cluster.redis.clock().now();
                assertTrue(Math.abs(stats.sampledAtMs() - redisNow) < 10_000,
                        "the sample's time is on Redis's clock: " + stats.sampledAtMs() + " vs " + redisNow);

                List<String> ids = cluster.submit("sleep", Map.of("ms", 300), 12);
                Eventually.within(Duration.ofSeconds(30), "12 DONE; " + cluster.state(),
                        () -> cluster.rows("Status = 'DONE'") == ids.size());
                try (Connection c = cluster.db.connect();
                     PreparedStatement ps = c.prepareStatement(
                             "SELECT SubmittedAt, StartedAt, FinishedAt, [Timestamp] FROM TaskHistory");
                     ResultSet rs = ps.executeQuery()) {
                    int n = 0;
                    while (rs.next()) {
                        long submitted = rs.getTimestamp(1).getTime();
                        long started = rs.getTimestamp(2).getTime();
                        long finished = rs.getTimestamp(3).getTime();
                        long stored = rs.getTimestamp(4).getTime();
                        assertTrue(started >= submitted - 50, "started " + started + " before submitted " + submitted);
                        assertTrue(finished >= started + 250, "finished " + finished + ", started " + started);
                        assertTrue(stored >= finished - 50, "stored " + stored + " before finished " + finished);
                        assertTrue(Math.abs(finished - redisNow) < 60_000, "finished on Redis's clock: " + finished);
                        n++;
                    }
                    assertEquals(ids.size(), n);
                }
                long minute = cluster.redis.clock().now() / 60_000L;
                long counted = 0;
                for (long m = minute - 1; m <= minute; m++) {
                    String key = RedisKeys.doneInMinute(m);
                    String v = cluster.redis.call(j -> j.get(key));
                    counted += v == null ? 0 : Long.parseLong(v);
                }
                assertEquals(ids.size(), counted, "the tasks-per-minute figures count them in this minute");
            } finally {
                Launcher.stop(agent, 15);
            }
        }
    }
}
