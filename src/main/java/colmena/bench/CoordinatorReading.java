package colmena.bench;

import colmena.broker.RedisKeys;
import colmena.metrics.LatencyHistogram;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's histograms as written to {@code coordinator:stats} ({@code sinceStart}), read by
 * {@code bench scale}; or the difference of two readings: what happened between them.
 */
record CoordinatorReading(long atMs, int liveNodes, LatencyHistogram.Snapshot placement, LatencyHistogram.Snapshot batch,
                          LatencyHistogram.Snapshot nodesRead, long batchTasks) {
    static CoordinatorReading now(Lab lab) {
        String raw = lab.redis.call(j -> j.get(RedisKeys.coordinatorStats()));
        if (raw == null) {
            return null;
        }
        JsonObject o = JsonParser.parseString(raw).getAsJsonObject();
        JsonObject since = o.getAsJsonObject("sinceStart");
        return new CoordinatorReading(o.get("atMs").getAsLong(), o.get("liveNodes").getAsInt(), histogram(since, "placementNs"),
                histogram(since, "batchNs"), histogram(since, "nodesReadNs"), since.get("batchTasks").getAsLong());
    }

    /** The first reading written after {@code afterMs} (the coordinator writes one a second). */
    static CoordinatorReading next(Lab lab, long afterMs) throws InterruptedException {
        long after = Math.max(afterMs, System.currentTimeMillis());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            CoordinatorReading r = now(lab);
            if (r != null && r.atMs > after) {
                return r;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the coordinator wrote no " + RedisKeys.coordinatorStats() + " for 10 s");
    }

    private static LatencyHistogram.Snapshot histogram(JsonObject since, String name) {
        JsonObject h = since.getAsJsonObject(name);
        List<long[]> buckets = new ArrayList<>();
        for (JsonElement b : h.getAsJsonArray("buckets")) {
            JsonArray pair = b.getAsJsonArray();
            buckets.add(new long[]{pair.get(0).getAsLong(), pair.get(1).getAsLong()});
        }
        return LatencyHistogram.Snapshot.of(buckets, h.get("sumNs").getAsLong());
    }

    CoordinatorReading minus(CoordinatorReading earlier) {
        return new CoordinatorReading(atMs, liveNodes, placement.minus(earlier.placement), batch.minus(earlier.batch),
                nodesRead.minus(earlier.nodesRead), batchTasks - earlier.batchTasks);
    }
}
