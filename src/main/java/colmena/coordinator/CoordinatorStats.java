package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.metrics.LatencyHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the coordinator's own decisions cost: the time to choose a node for each task, the sum of
 * those per batch, and the time to read every node (the monitor's pass). Recorded in
 * {@link LatencyHistogram}s, written to {@code coordinator:stats} every second (the last minute's
 * percentiles for people, the histograms since start for scripts, which diff two readings), and
 * logged once a minute while tasks are being placed.
 */
final class CoordinatorStats {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorStats.class);
    static final long PUBLISH_EVERY_MS = 1_000;
    /** The key outlives a few missed writes, and goes soon after the coordinator does. */
    static final long TTL_MS = 10_000;
    static final long WINDOW_MS = 60_000;
    private static final long RING_STEP_MS = 10_000;

    private final LatencyHistogram choose = new LatencyHistogram();
    private final LatencyHistogram batch = new LatencyHistogram();
    private final LatencyHistogram nodesRead = new LatencyHistogram();
    /** From a task's submission to its placement on a node (Redis's clock at both ends). */
    private final LatencyHistogram waitedToPlace = new LatencyHistogram();
    /** From a result's finish on its node to its commit in TaskHistory. */
    private final LatencyHistogram storeDelay = new LatencyHistogram();
    private final LongAdder batchTasks = new LongAdder();
    private final String policy;
    private final String holder;
    // The placer thread's batch under way.
    private long batchNs;
    private int inBatch;
    // The monitor thread's publishing.
    private final List<Reading> ring = new ArrayList<>();
    private Reading lastLogged;
    private long nextPublishMs;

    /** The three histograms and the tasks in batches, at one moment. */
    record Reading(long atMs, LatencyHistogram.Snapshot choose, LatencyHistogram.Snapshot batch,
                   LatencyHistogram.Snapshot nodesRead, long batchTasks) {
        Reading minus(Reading earlier) {
            return new Reading(atMs - earlier.atMs, choose.minus(earlier.choose), batch.minus(earlier.batch),
                    nodesRead.minus(earlier.nodesRead), batchTasks - earlier.batchTasks);
        }
    }

    private DbWrites dbWrites;
    private LongSupplier duplicateRuns = () -> 0;
    private LongSupplier placementsWritten = () -> 0;

    /**
     * Adds what the coordinator knows of its database writes, the duplicate runs it noted and how
     * many placements it wrote PENDING (tasks that had not ended a moment after their placement) to
     * what it publishes.
     */
    void attach(DbWrites writes, LongSupplier duplicates, LongSupplier placements) {
        this.dbWrites = writes;
        this.duplicateRuns = duplicates;
        this.placementsWritten = placements;
    }

    CoordinatorStats(String policy, String holder) {
        this.policy = policy;
        this.holder = holder;
    }

    /** One placement decision took {@code ns} (placer thread). */
    void onChoose(long ns) {
        choose.record(ns);
        batchNs += ns;
        inBatch++;
    }

    /** The placer finished a pass: its decisions so far make one batch (placer thread). */
    void endBatch() {
        if (inBatch > 0) {
            batch.record(batchNs);
            batchTasks.add(inBatch);
            batchNs = 0;
            inBatch = 0;
        }
    }

    LatencyHistogram waitedToPlace() {
        return waitedToPlace;
    }

    LatencyHistogram storeDelay() {
        return storeDelay;
    }

    /** Reading every node took {@code ns} (monitor thread). */
    void onNodesRead(long ns) {
        nodesRead.record(ns);
    }

    Reading reading(long nowMs) {
        return new Reading(nowMs, choose.snapshot(), batch.snapshot(), nodesRead.snapshot(), batchTasks.sum());
    }

    /** Writes {@code coordinator:stats} if a second has passed, and logs the last minute once a minute (monitor thread). */
    void publishIfDue(Redis redis, int liveNodes, long nowMs) {
        if (nowMs < nextPublishMs) {
            return;
        }
        nextPublishMs = nowMs + PUBLISH_EVERY_MS;
        Reading now = reading(nowMs);
        if (ring.isEmpty()) {
            // What came before the first write counts as the start.
            LatencyHistogram.Snapshot none = LatencyHistogram.Snapshot.empty();
            ring.add(new Reading(nowMs, none, none, none, 0));
        }
        if (nowMs - ring.get(ring.size() - 1).atMs() >= RING_STEP_MS) {
            ring.add(now);
        }
        // The oldest reading kept is the newest one at least a minute old (or the first, early on).
        while (ring.size() > 1 && nowMs - ring.get(1).atMs() >= WINDOW_MS) {
            ring.remove(0);
        }
        Reading window = now.minus(ring.get(0));
        String json = Json.write(report(now, window, liveNodes));
        redis.call(j -> j.psetex(RedisKeys.coordinatorStats(), TTL_MS, json));
        if (lastLogged == null) {
            lastLogged = now;
        } else if (nowMs - lastLogged.atMs() >= WINDOW_MS) {
            Reading minute = now.minus(lastLogged);
            lastLogged = now;
            if (minute.choose().count() > 0) {
                LOG.info(describe(minute, liveNodes));
            }
        }
    }

    private CoordinatorReport report(Reading now, Reading window, int liveNodes) {
        var last = new CoordinatorReport.LastMinute(Math.round(window.atMs() / 1000.0), window.choose().count(),
                window.batch().count(), CoordinatorReport.Times.of(window.choose()),
                CoordinatorReport.Times.of(window.batch()), CoordinatorReport.Times.of(window.nodesRead()));
        var total = new CoordinatorReport.SinceStart(CoordinatorReport.Histogram.of(now.choose()),
                CoordinatorReport.Histogram.of(now.batch()), CoordinatorReport.Histogram.of(now.nodesRead()),
                now.batchTasks(), CoordinatorReport.Histogram.of(waitedToPlace.snapshot()),
                CoordinatorReport.Histogram.of(storeDelay.snapshot()));
        return new CoordinatorReport(holder, now.atMs(), policy, liveNodes, dbWrites == null ? null : dbWrites.report(),
                duplicateRuns.getAsLong(), placementsWritten.getAsLong(), last, total);
    }

    /** The minute's figures in one line, for the log. */
    static String describe(Reading minute, int liveNodes) {
        return String.format(Locale.ROOT,
                "Last minute: %,d tasks placed on %,d live nodes in %,d batches; choosing a node p50 %.3f ms, p99 %.3f ms; "
                        + "a batch p50 %.2f ms, p99 %.2f ms; reading the nodes p50 %.1f ms, p99 %.1f ms",
                minute.choose().count(), liveNodes, minute.batch().count(), minute.choose().percentileMs(0.5),
                minute.choose().percentileMs(0.99), minute.batch().percentileMs(0.5), minute.batch().percentileMs(0.99),
                minute.nodesRead().percentileMs(0.5), minute.nodesRead().percentileMs(0.99));
    }
}
