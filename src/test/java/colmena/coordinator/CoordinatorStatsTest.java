package colmena.coordinator;

import colmena.TestRedis;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.metrics.LatencyHistogram;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoordinatorStatsTest {

    @Test
    void decisionsBatchesAndReadsAreWrittenToTheStatsKeyOnceASecond() {
        try (Redis redis = TestRedis.fresh()) {
            CoordinatorStats stats = new CoordinatorStats("least-loaded", "host:1:abc");
            for (long us : new long[]{3, 4, 5}) {
                stats.onChoose(us * 1_000);
            }
            stats.endBatch();
            stats.onChoose(8_000);
            stats.onChoose(9_000);
            stats.endBatch();
            stats.endBatch(); // a pass that placed nothing is no batch
            stats.onNodesRead(4_000_000);
            long now = 1_000_000;
            stats.publishIfDue(redis, 7, now);

            JsonObject o = read(redis);
            assertEquals(7, o.get("liveNodes").getAsInt());
            assertEquals("least-loaded", o.get("policy").getAsString());
            assertEquals("host:1:abc", o.get("holder").getAsString());
            JsonObject last = o.getAsJsonObject("lastMinute");
            assertEquals(5, last.get("tasksPlaced").getAsLong());
            assertEquals(2, last.get("batches").getAsLong());
            assertEquals(0.009, last.getAsJsonObject("placementMs").get("max").getAsDouble(), 0.009 / 16);
            assertEquals(4.0, last.getAsJsonObject("nodesReadMs").get("p50").getAsDouble(), 4.0 / 16);
            JsonObject since = o.getAsJsonObject("sinceStart");
            assertEquals(5, since.get("batchTasks").getAsLong());
            LatencyHistogram.Snapshot batches = histogram(since.getAsJsonObject("batchNs"));
            assertEquals(2, batches.count());
            assertEquals(0.017, batches.maxMs(), 0.017 / 16, "the second batch: 8 + 9 µs");
            long ttl = redis.call(j -> j.pttl(RedisKeys.coordinatorStats()));
            assertTrue(ttl > 0 && ttl <= CoordinatorStats.TTL_MS);

            stats.onChoose(1_000);
            stats.publishIfDue(redis, 8, now + 500);
            assertEquals(7, read(redis).get("liveNodes").getAsInt(), "not again within the second");
            stats.publishIfDue(redis, 8, now + 1_000);
            assertEquals(6, read(redis).getAsJsonObject("lastMinute").get("tasksPlaced").getAsLong());
        }
    }

    @Test
    void theLastMinuteIsTheDifferenceFromAReadingAtLeastAMinuteOld() {
        try (Redis redis = TestRedis.fresh()) {
            CoordinatorStats stats = new CoordinatorStats("round-robin", "h");
            long t = 5_000_000;
            stats.onChoose(1_000);
            stats.publishIfDue(redis, 1, t);
            for (int s = 1; s <= 70; s++) {
                stats.onChoose(2_000);
                stats.publishIfDue(redis, 1, t + s * 1_000L);
            }
            JsonObject last = read(redis).getAsJsonObject("lastMinute");
            long seconds = last.get("seconds").getAsLong();
            assertTrue(seconds >= 60 && seconds <= 70, "window of " + seconds + " s");
            assertEquals(seconds, last.get("tasksPlaced").getAsLong(), "one decision a second within the window");
        }
    }

    @Test
    void theMinuteReadsAsOneLogLine() {
        CoordinatorStats stats = new CoordinatorStats("least-loaded", "h");
        stats.onChoose(12_000);
        stats.endBatch();
        stats.onNodesRead(3_000_000);
        String line = CoordinatorStats.describe(stats.reading(0), 1_000);
        assertTrue(line.startsWith("Last minute: 1 tasks placed on 1,000 live nodes in 1 batches"), line);
        assertTrue(line.contains("reading the nodes p50 3.0 ms"), line);
    }

    private static JsonObject read(Redis redis) {
        return JsonParser.parseString(redis.call(j -> j.get(RedisKeys.coordinatorStats()))).getAsJsonObject();
    }

    private static LatencyHistogram.Snapshot histogram(JsonObject h) {
        List<long[]> buckets = new ArrayList<>();
        for (JsonElement b : h.getAsJsonArray("buckets")) {
            JsonArray pair = b.getAsJsonArray();
            buckets.add(new long[]{pair.get(0).getAsLong(), pair.get(1).getAsLong()});
        }
        return LatencyHistogram.Snapshot.of(buckets, h.get("sumNs").getAsLong());
    }

    @Test
    void timingAPolicyKeepsWhetherItMovesQueuedTasks() {
        for (String name : Placement.NAMES) {
            Placement policy = Placement.named(name);
            Placement timed = new TimedPlacement(policy, new CoordinatorStats(name, "test"));
            org.junit.jupiter.api.Assertions.assertEquals(policy.movesQueuedTasks(), timed.movesQueuedTasks(), name);
            org.junit.jupiter.api.Assertions.assertEquals(name, timed.name());
        }
    }
}
