package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.Move;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.support.ThrottledLog;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores results in TaskHistory, a batch at a time: takes them into {@code results:storing},
 * writes them in one transaction, and drops them from Redis only after the commit. A coordinator
 * that dies in between leaves them in results:storing, and storing them again is harmless.
 */
final class ResultCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ResultCollector.class);
    static final int BATCH = 1_000;

    private final TaskQueue queue;
    private final TaskHistoryStore store;
    private final DbSession db;
    private final ThrottledLog lines = new ThrottledLog(LOG, 20, "result lines");
    private boolean recover = true;

    ResultCollector(TaskQueue queue, TaskHistoryStore store, DbSession db) {
        this.queue = queue;
        this.store = store;
        this.db = db;
    }

    /**
     * Stores one batch, waiting up to {@code wait} for results to arrive.
     *
     * @return how many messages were taken off results:storing
     * @throws SQLException when TaskHistory cannot be written; the batch stays in results:storing
     */
    int drainOnce(Duration wait) throws SQLException {
        List<String> raws = List.of();
        boolean leftovers = false;
        if (recover) {
            raws = queue.pending(TaskQueue.STORING);
            if (raws.size() > BATCH) {
                raws = raws.subList(0, BATCH);
            }
            leftovers = !raws.isEmpty();
        }
        if (raws.isEmpty()) {
            raws = queue.takeResults(BATCH, wait);
        }
        if (raws.isEmpty()) {
            recover = false;
            return 0;
        }
        recover = true;
        List<TaskResult> results = new ArrayList<>(raws.size());
        List<Move> moves = new ArrayList<>(raws.size());
        for (String raw : raws) {
            try {
                TaskResult r = Json.readResult(raw);
                results.add(r);
                if (r.status().isFinal() && r.task().replyTo() != null) {
                    moves.add(Move.reply(raw, r.task().replyTo(), raw));
                } else {
                    moves.add(Move.drop(raw));
                }
            } catch (MalformedMessageException e) {
                LOG.warn("Unreadable result in {} moved to {}: {}", RedisKeys.RESULTS_QUEUE, RedisKeys.DEAD_LETTER,
                        e.getMessage());
                moves.add(Move.deadLetter(raw, TaskQueue.deadLetterEntry(RedisKeys.RESULTS_QUEUE, raw, e.getMessage())));
            }
        }
        db.inTransaction(c -> {
            store.recordResults(c, results);
            return null;
        });
        int moved = queue.moveFromHead(TaskQueue.STORING, moves);
        // After leftovers, look again: there may be more of them than one batch.
        recover = leftovers || moved < moves.size();
        countPerMinute(results);
        for (TaskResult r : results) {
            if (r.status() == TaskStatus.DONE) {
                lines.info("Result from {} stored: {}", r.node(), r.result());
            } else if (r.status() == TaskStatus.FAILED) {
                lines.info("Task '{}' …{} FAILED{}: {}", r.task().type(), r.task().shortId(),
                        r.node() == null ? "" : " on " + r.node(), r.error());
            }
        }
        return moved;
    }

    /** Adds the batch to the per-minute counts the dashboard's rate comes from (best effort). */
    private void countPerMinute(List<TaskResult> results) {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        for (TaskResult r : results) {
            if (r.status().isFinal()) {
                long minute = (r.finishedAtMs() > 0 ? r.finishedAtMs() : System.currentTimeMillis()) / 60_000L;
                String key = r.status() == TaskStatus.DONE ? RedisKeys.doneInMinute(minute) : RedisKeys.failedInMinute(minute);
                counts.merge(key, 1L, Long::sum);
            }
        }
        if (counts.isEmpty()) {
            return;
        }
        queue.redis().call(j -> {
            redis.clients.jedis.Pipeline p = j.pipelined();
            counts.forEach((key, n) -> {
                p.incrBy(key, n);
                p.expire(key, COUNTS_KEPT_SECONDS);
            });
            p.sync();
            return null;
        });
    }

    /** Per-minute counts are kept this long. */
    static final long COUNTS_KEPT_SECONDS = 2 * 3_600;

    void recoverNext() {
        recover = true;
    }
}
