package colmena.bench;

import colmena.broker.RedisKeys;
import colmena.coordinator.CoordinatorReport;
import colmena.metrics.LatencyHistogram;

import java.time.Duration;

/**
 * The coordinator's histograms as written to {@code coordinator:stats} ({@code sinceStart}), read by
 * {@code bench scale} and {@code bench latency}; or the difference of two readings: what happened between them.
 */
record CoordinatorReading(long atMs, int liveNodes, LatencyHistogram.Snapshot placement, LatencyHistogram.Snapshot batch,
                          LatencyHistogram.Snapshot nodesRead, long batchTasks, LatencyHistogram.Snapshot waitedToPlace,
                          LatencyHistogram.Snapshot storeDelay) {
    static CoordinatorReading now(Lab lab) {
        CoordinatorReport r = CoordinatorReport.read(lab.redis);
        if (r == null) {
            return null;
        }
        CoordinatorReport.SinceStart since = r.sinceStart();
        return new CoordinatorReading(r.atMs(), r.liveNodes(), since.placementNs().snapshot(), since.batchNs().snapshot(),
                since.nodesReadNs().snapshot(), since.batchTasks(), since.waitedToPlaceNs().snapshot(),
                since.storeDelayNs().snapshot());
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

    CoordinatorReading minus(CoordinatorReading earlier) {
        return new CoordinatorReading(atMs, liveNodes, placement.minus(earlier.placement), batch.minus(earlier.batch),
                nodesRead.minus(earlier.nodesRead), batchTasks - earlier.batchTasks,
                waitedToPlace.minus(earlier.waitedToPlace), storeDelay.minus(earlier.storeDelay));
    }
}
