package colmena.coordinator;

import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.log.Glyphs;
import colmena.log.ThrottledLog;
import colmena.metrics.LatencyHistogram;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What follows the {@link ResultCollector}'s commit of a batch: how long its results waited, the
 * answers to waiters, the per-minute counts, a line each, and the retries scheduled.
 */
final class AfterCommit {
    /** Per-minute counts are kept this long. */
    static final long COUNTS_KEPT_SECONDS = 2 * 3_600;

    private final TaskQueue queue;
    /** Each final result's delay from its finish on the node to its commit. */
    private final LatencyHistogram storeDelay;
    /** The collector's throttled result lines, and its log. */
    private final ThrottledLog lines;
    private final Logger log;

    AfterCommit(TaskQueue queue, LatencyHistogram storeDelay, ThrottledLog lines, Logger log) {
        this.queue = queue;
        this.storeDelay = storeDelay;
        this.lines = lines;
        this.log = log;
    }

    /** Once committed: how long results waited, the answers to waiters, the per-minute counts, a line each. */
    void stored(ResultBatch batch, List<TaskResult> stored) {
        long nowMs = queue.now();
        for (TaskResult r : batch.results()) {
            if (r.status().isFinal() && r.finishedAtMs() > 0) {
                storeDelay.record((nowMs - r.finishedAtMs()) * 1_000_000L);
            }
        }
        // Answered as soon as committed. If this process dies before the batch is dropped, it is
        // stored and answered again: a waiter goes by task id.
        queue.reply(batch.replies());
        countPerMinute(stored);
        for (TaskResult r : stored) {
            if (r.status() == TaskStatus.DONE) {
                lines.info("Result from {} stored: {}", r.node(), r.result());
            } else if (r.status() == TaskStatus.FAILED) {
                lines.info("Task '{}' {}{} FAILED{}: {}", r.task().type(), Glyphs.ellipsis(), r.task().shortId(),
                        r.node() == null ? "" : " on " + r.node(), r.error());
            }
        }
    }

    /**
     * Puts the retried tasks in {@code tasks:delayed} to wait out their back-off, each once
     * ({@link TaskQueue#delayRetries}): a failure stored again after a crash does not schedule a retry
     * that was scheduled, and may have run, since. If Redis refuses, the failures stay in
     * results:storing and the next pass schedules them again from their rows.
     *
     * @return how many failures came after their task had moved on (duplicate runs, not stored)
     */
    int scheduleRetries(TaskHistoryStore.Retries retries) {
        if (!retries.retried().isEmpty()) {
            long now = queue.now();
            List<Long> due = new ArrayList<>(retries.retried().size());
            for (TaskMessage t : retries.retried()) {
                due.add(now + RetryPolicy.delayOfRetried(t));
            }
            boolean[] added = queue.delayRetries(retries.retried(), due, retries.again()::contains);
            for (int i = 0; i < added.length; i++) {
                TaskMessage t = retries.retried().get(i);
                if (added[i]) {
                    lines.info("Task '{}' {}{} FAILED, tried again: {}", t.type(), Glyphs.ellipsis(), t.shortId(),
                            t.moves().get(t.moves().size() - 1));
                } else {
                    log.info("A failure of {} (attempt {}) was stored again (a coordinator stopped before dropping it); "
                            + "its retry was scheduled then, and is not scheduled twice", t.shortId(), t.attempt() - 1);
                }
            }
        }
        for (TaskResult r : retries.stale()) {
            log.info("A failure of {} on {} (attempt {}) came after the task had moved on; not stored",
                    r.task().shortId(), r.node(), r.task().attempt());
        }
        return retries.stale().size();
    }

    /** Adds the batch to the per-minute counts the dashboard's rate comes from (best effort). */
    private void countPerMinute(List<TaskResult> results) {
        Map<String, Long> counts = new HashMap<>();
        for (TaskResult r : results) {
            if (r.status().isFinal()) {
                long minute = (r.finishedAtMs() > 0 ? r.finishedAtMs() : queue.now()) / 60_000L;
                String key = r.status() == TaskStatus.DONE ? RedisKeys.doneInMinute(minute) : RedisKeys.failedInMinute(minute);
                counts.merge(key, 1L, Long::sum);
            }
        }
        queue.count(counts, COUNTS_KEPT_SECONDS);
    }
}
