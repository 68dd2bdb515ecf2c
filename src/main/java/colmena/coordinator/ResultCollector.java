package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.Outcome;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.log.Outage;
import colmena.log.ThrottledLog;
import colmena.metrics.LatencyHistogram;
import colmena.store.DbErrors;
import colmena.store.DbSession;
import colmena.store.Durability;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Stores results in TaskHistory, a batch at a time: takes them into {@code results:storing} (the
 * next batch ahead, while results queue up: {@link ResultTaker}),
 * writes them in one transaction, answers any {@code reply:<uuid>} list at once, and drops them
 * from Redis only once the database says the commit is on disk ({@link Durability}). A coordinator
 * that dies in between leaves them in results:storing, and storing them again is harmless.
 */
final class ResultCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ResultCollector.class);
    static final int BATCH = 1_000;
    /** While committed results wait to be dropped, an idle take waits at most this long. */
    private static final Duration DROP_WAIT = Duration.ofMillis(Durability.H2_INTERVAL_MS);

    private final TaskQueue queue;
    private final TaskHistoryStore store;
    private final DbSession db;
    private final Durability durability;
    private final ThrottledLog lines = new ThrottledLog(LOG, 20, "result lines");
    private final PendingRowWriter pendingRows;
    private final AfterCommit after;
    private final ResultTaker taker;
    /** After a start or a failure, what is in results:storing is stored again, from its head. */
    private boolean recover = true;
    /**
     * Batches committed and not yet dropped, oldest first: the head of results:storing, in order
     * ({@link #tracked} messages in all).
     */
    private final Deque<Committed> committed = new ArrayDeque<>();
    private int tracked;
    /** Runs that ended after their task's outcome was stored (a node cut off, then back), since start. */
    private final LongAdder duplicateRuns = new LongAdder();
    private final LongAdder placementsWritten = new LongAdder();
    /** Times results:storing did not hold, at its head, what this collector had stored. */
    private final LongAdder misreads = new LongAdder();

    /** When the last checkpoint ran. */
    private long lastDurableMs;
    /** Placements whose PENDING rows this collector writes, between batches of results. */
    private final PendingRows pending;

    /** A committed transaction's messages to drop once durable, and the retries it scheduled (their marks then shortened). */
    private record Committed(long atMs, List<Outcome> drops, List<TaskMessage> retried) {
    }

    /** @param durability says when what this collector commits on {@code db}'s connection is on disk */
    ResultCollector(TaskQueue queue, TaskHistoryStore store, DbSession db, Durability durability,
                    LatencyHistogram storeDelay, PendingRows pending) {
        this.pending = pending;
        this.queue = queue;
        this.store = store;
        this.db = db;
        this.durability = durability;
        this.pendingRows = new PendingRowWriter(store, db, pending, LOG);
        this.after = new AfterCommit(queue, storeDelay, lines, LOG);
        this.taker = new ResultTaker(queue, BATCH, LOG);
    }

    /**
     * Stores one batch, waiting up to {@code wait} for results to arrive, and drops from
     * results:storing what is safely stored.
     *
     * @return how many results were stored
     * @throws SQLException when TaskHistory cannot be written; the batch stays in results:storing
     */
    int drainOnce(Duration wait) throws SQLException {
        List<String> raws = List.of();
        ResultBatch read = null;
        if (recover) {
            List<String> all = queue.pending(RedisKeys.storing());
            // What this collector committed is at the head; after it, what an earlier pass or
            // another coordinator left there.
            raws = all.size() <= tracked ? List.of() : all.subList(tracked, Math.min(all.size(), tracked + BATCH));
            recover = !raws.isEmpty();
            read = ResultBatch.read(raws, LOG);
        }
        if (raws.isEmpty()) {
            ResultTaker.Taken taken = taker.next(committed.isEmpty() || wait.compareTo(DROP_WAIT) < 0 ? wait : DROP_WAIT, wait);
            raws = taken.raws();
            read = taken.batch();
        }
        int stored = 0;
        if (!raws.isEmpty()) {
            stored = storeRead(raws, read);
        }
        placementsWritten.add(pendingRows.write(raws.size() == BATCH));
        // A checkpoint at most every H2_INTERVAL_MS while busy, and as soon as there is a pause.
        if (!committed.isEmpty() && (raws.isEmpty()
                || System.currentTimeMillis() - lastDurableMs >= Durability.H2_INTERVAL_MS)) {
            dropDurable();
        }
        return stored;
    }

    /**
     * Stores a batch. When the database refuses a value of it (too long, a constraint: the same
     * write would fail the same way for ever, unlike an outage), each result is stored on its own,
     * and one still refused is stored FAILED saying so, or failing that goes to the dead letters,
     * so one result cannot hold up all the others.
     */
    private int store(List<String> raws) throws SQLException {
        return storeRead(raws, ResultBatch.read(raws, LOG));
    }

    /** {@link #store(List)}, with {@code raws} read already. */
    private int storeRead(List<String> raws, ResultBatch read) throws SQLException {
        try {
            return storeBatch(read);
        } catch (SQLException e) {
            if (!DbErrors.refused(e)) {
                throw e;
            }
            if (raws.size() > 1) {
                int stored = 0;
                for (String raw : raws) {
                    stored += store(List.of(raw));
                }
                return stored;
            }
            return storeRefused(raws.get(0), e);
        }
    }

    /** A result the database refused: stored FAILED with the reason, or dead-lettered if even that is refused. */
    private int storeRefused(String raw, SQLException refusal) throws SQLException {
        String why = "TaskHistory refused its result: " + Outage.reason(refusal);
        TaskResult r;
        try {
            r = TaskResult.read(raw);
        } catch (MalformedMessageException e) {
            throw refusal; // read above already; cannot happen
        }
        TaskResult failed = TaskResult.failed(r.task(), r.node(), why, r.startedAtMs(), r.finishedAtMs(), r.durationMs());
        try {
            db.inTransaction(c -> store.recordResults(c, List.of(failed)));
            pending.stored(List.of(failed));
            LOG.error("Task {} stored FAILED: {}", r.id(), why);
            Map<String, List<String>> replies = r.task().replyTo() == null ? Map.of()
                    : Map.of(r.task().replyTo(), List.of(Json.write(failed)));
            ResultBatch batch = new ResultBatch(List.of(failed), List.of(Outcome.dropStored(raw)), replies);
            committed(batch.drops(), List.of());
            after.stored(batch, batch.results());
            return 1;
        } catch (SQLException again) {
            if (!DbErrors.refused(again)) {
                throw again;
            }
            LOG.error("Result of task {} moved to {}: TaskHistory refuses it even as FAILED ({})", r.id(),
                    RedisKeys.deadLetter(), Outage.reason(again));
            committed(List.of(Outcome.deadLetter(raw, RedisKeys.resultsQueue(), why)), List.of());
            return 0;
        }
    }

    /** Stores one batch in one transaction, then answers waiters and counts and logs what was stored. */
    private int storeBatch(ResultBatch batch) throws SQLException {
        List<TaskResult> failedToRetry = batch.results().stream().filter(RetryPolicy::retries).toList();
        List<TaskResult> others = failedToRetry.isEmpty() ? batch.results()
                : batch.results().stream().filter(r -> !RetryPolicy.retries(r)).toList();
        TaskHistoryStore.Retries[] retries = new TaskHistoryStore.Retries[1];
        List<TaskMessage> started = pending.startedOn(batch.results());
        Set<String> startedIds = new HashSet<>();
        started.forEach(t -> startedIds.add(t.id()));
        // Placed by this coordinator and not yet written (and no RUNNING notice writing it now): most likely no row.
        Predicate<String> noRowYet = id -> pending.nodeOf(id) != null && !startedIds.contains(id);
        int duplicates = db.inTransaction(c -> {
            List<TaskResult> rest = store.insertFresh(c, others, noRowYet); // first: see its contract
            store.recordPlaced(c, started); // so that a RUNNING notice finds its row on its node
            retries[0] = store.recordRetries(c, failedToRetry, RetryPolicy::next);
            List<TaskResult> toStore = rest;
            if (!retries[0].stored().isEmpty()) {
                toStore = new ArrayList<>(rest);
                toStore.addAll(retries[0].stored());
            }
            return store.recordResults(c, toStore);
        });
        pending.stored(batch.results());
        placementsWritten.add(started.size());
        duplicateRuns.add(after.scheduleRetries(retries[0]));
        if (duplicates > 0) {
            duplicateRuns.add(duplicates);
            LOG.info("{} results came from nodes that had lost their task, after it was done elsewhere: noted in "
                    + "the tasks' history, the first results stand", duplicates);
        }
        committed(batch.drops(), retries[0].retried());
        after.stored(batch, others);
        return batch.results().size();
    }

    /** What to do with the raw messages of a committed transaction, once it is durable ({@link #dropDurable}). */
    private void committed(List<Outcome> drops, List<TaskMessage> retried) {
        committed.add(new Committed(System.currentTimeMillis(), drops, retried));
        tracked += drops.size();
    }

    /**
     * Makes what this collector committed durable (a checkpoint on the connection that committed
     * it) and drops it from the head of results:storing.
     *
     * @throws SQLException when the checkpoint fails: the step fails, and what it covered is stored again
     */
    void dropDurable() throws SQLException {
        long upTo = durability.durableUpTo(db);
        lastDurableMs = System.currentTimeMillis();
        List<Outcome> drops = new ArrayList<>();
        List<TaskMessage> retried = new ArrayList<>();
        int batches = 0;
        for (Committed c : committed) {
            if (c.atMs() > upTo) {
                break;
            }
            drops.addAll(c.drops());
            retried.addAll(c.retried());
            batches++;
        }
        if (drops.isEmpty()) {
            return;
        }
        int moved = queue.moveRunFromHead(RedisKeys.storing(), drops);
        if (moved < drops.size()) {
            // results:storing is not what this collector thinks (emptied by hand, or another
            // coordinator at work): start again from what is there.
            LOG.warn("{} did not hold the results this coordinator stored; reading it again", RedisKeys.storing());
            misreads.increment();
            recoverNext();
            return;
        }
        for (int i = 0; i < batches; i++) {
            committed.poll();
        }
        tracked -= drops.size();
        // Their failures cannot be stored again now: their marks need not last 30 days.
        queue.keepRetryMarks(retried, TaskQueue.RETRY_MARK_AFTER_DROP_SECONDS);
    }

    /** Placements written PENDING since start (on their own, or with a RUNNING notice). */
    long placementsWritten() {
        return placementsWritten.sum();
    }

    /** Runs noted as duplicates since this coordinator started. */
    long duplicateRuns() {
        return duplicateRuns.sum();
    }

    /** Times results:storing did not hold what this collector had stored, since start. */
    long misreads() {
        return misreads.sum();
    }

    /** Whether the next batch is being taken ahead, or was and waits. */
    boolean takingAhead() {
        return taker.takingAhead();
    }

    /** Stops taking results ahead. */
    void close() {
        taker.close();
    }

    /** After a failure: forget what was committed (it may not be on disk) and store results:storing again. */
    void recoverNext() {
        taker.forget(); // what it took is in results:storing, and read from there
        recover = true;
        committed.clear();
        tracked = 0;
    }
}
