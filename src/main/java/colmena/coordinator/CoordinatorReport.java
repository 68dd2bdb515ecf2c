package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.metrics.LatencyHistogram;
import com.google.gson.annotations.JsonAdapter;

import java.util.List;

/**
 * What the working coordinator says of itself in {@code coordinator:stats}: written every second
 * by {@link CoordinatorStats}, read by the API (summary, health, {@code /metrics}) and by
 * {@code bench scale}. Times are wall-clock epoch ms on Redis's clock.
 *
 * @param holder        the coordinator holding the lease
 * @param liveNodes     nodes it places on
 * @param database      whether its writes to TaskHistory work; left out when it does not say
 * @param duplicateRuns results from a node that had lost its task, after it was done elsewhere
 * @param placementsWritten placements written PENDING (tasks that had not ended a moment after their placement)
 * @param lastMinute    the last minute's decisions, for people
 * @param sinceStart    histograms since it started, for scripts, which diff two readings; left out of
 *                      {@link #withoutHistograms()}
 */
public record CoordinatorReport(String holder, long atMs, String policy, int liveNodes,
                                @JsonAdapter(value = Json.LeftOutWhenNull.class, nullSafe = false) Database database,
                                long duplicateRuns, long placementsWritten, LastMinute lastMinute,
                                @JsonAdapter(value = Json.LeftOutWhenNull.class, nullSafe = false) SinceStart sinceStart) {

    /**
     * @param lastCommitAtMs  the last commit that worked (0: none yet)
     * @param failingSinceMs  since when its writes fail; left out while they work
     * @param problem         why, in words; left out while they work
     */
    public record Database(boolean writable, long lastCommitAtMs,
                           @JsonAdapter(value = Json.LeftOutWhenNull.class, nullSafe = false) Long failingSinceMs,
                           @JsonAdapter(value = Json.LeftOutWhenNull.class, nullSafe = false) String problem) {
    }

    /** Over {@code seconds} (a minute, less early on): tasks placed, batches, and the times of each step. */
    public record LastMinute(long seconds, long tasksPlaced, long batches, Times placementMs, Times batchMs,
                             Times nodesReadMs) {
    }

    /** How many, and their median, 99th percentile and longest, in ms. */
    public record Times(long count, double p50, double p99, double max) {
        static Times of(LatencyHistogram.Snapshot s) {
            return new Times(s.count(), round(s.percentileMs(0.50)), round(s.percentileMs(0.99)), round(s.maxMs()));
        }

        private static double round(double ms) {
            return Math.round(ms * 10_000) / 10_000.0;
        }
    }

    /** The histograms since the coordinator started, and the tasks its batches held. */
    public record SinceStart(Histogram placementNs, Histogram batchNs, Histogram nodesReadNs, long batchTasks,
                             Histogram waitedToPlaceNs, Histogram storeDelayNs) {
    }

    /** A histogram as {@code [upperBoundNs, count]} pairs, and the sum of what it counted. */
    public record Histogram(long sumNs, List<long[]> buckets) {
        static Histogram of(LatencyHistogram.Snapshot s) {
            return new Histogram(s.sumNs(), s.buckets());
        }

        public LatencyHistogram.Snapshot snapshot() {
            return LatencyHistogram.Snapshot.of(buckets == null ? List.of() : buckets, sumNs);
        }
    }

    /** The working coordinator's report, or null when none works (or what is there is not a report). */
    public static CoordinatorReport read(Redis redis) {
        String raw = redis.call(j -> j.get(RedisKeys.coordinatorStats()));
        if (raw == null) {
            return null;
        }
        try {
            return Json.GSON.fromJson(raw, CoordinatorReport.class);
        } catch (RuntimeException e) {
            return null; // not ours: read as no coordinator
        }
    }

    /** The same report without {@link #sinceStart()}, which stays in Redis for scripts. */
    public CoordinatorReport withoutHistograms() {
        return new CoordinatorReport(holder, atMs, policy, liveNodes, database, duplicateRuns, placementsWritten,
                lastMinute, null);
    }

    /** Its last write failure in words, or null when its writes work (or it does not say). */
    public String writeProblem() {
        if (database == null || database.writable()) {
            return null;
        }
        return database.problem() == null ? "writes fail" : database.problem();
    }
}
