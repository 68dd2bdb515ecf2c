package colmena.coordinator;

import colmena.TestDatabase;
import colmena.TestRedis;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.metrics.LatencyHistogram;
import colmena.store.Database;
import colmena.store.DbSession;
import colmena.store.Durability;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector with the next batch taken ahead ({@link ResultTaker}), on a real Redis and H2: a
 * failure while a batch is taken ahead loses no result and stores none twice.
 */
class ResultCollectorTest {
    private final Redis redis = TestRedis.fresh();
    private final Database db = TestDatabase.fresh();
    private final DbSession session = new DbSession(db);
    private final TaskQueue queue = new TaskQueue(redis);
    private final ResultCollector collector = new ResultCollector(queue, new TaskHistoryStore(), session,
            Durability.of(db), new LatencyHistogram(), new PendingRows());

    private final List<ResultCollector> others = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        others.forEach(ResultCollector::close);
        collector.close();
        session.close();
        redis.close();
    }

    @Test
    void aFailureWhileTheNextBatchIsTakenAheadLosesNoResultAndStoresNoneTwice() throws Exception {
        int total = 3 * ResultCollector.BATCH + 500;
        send(0, 2 * ResultCollector.BATCH);

        assertEquals(ResultCollector.BATCH, collector.drainOnce(Duration.ofMillis(500)));
        assertTrue(collector.takingAhead(), "a full batch: the next one is taken ahead");
        send(2 * ResultCollector.BATCH, total);
        // As the work loop does after any failure, with the next batch taken (or being taken) ahead:
        // it is in results:storing, and must be stored from there, once.
        collector.recoverNext();

        long deadline = System.currentTimeMillis() + 30_000;
        while (stored() < total && System.currentTimeMillis() < deadline) {
            collector.drainOnce(Duration.ofMillis(100));
        }
        collector.drainOnce(Duration.ZERO); // a pause: what was committed is made durable and dropped
        assertEquals(total, stored(), "every result stored");
        assertEquals(total, TestDatabase.count(db, "SELECT COUNT(DISTINCT TaskId) FROM TaskHistory WHERE Status = 'DONE'"));
        assertEquals(0L, (long) redis.call(j -> j.llen(RedisKeys.resultsQueue())));
        assertEquals(0L, (long) redis.call(j -> j.llen(RedisKeys.storing())), "nothing left to store again");
        assertEquals(0, collector.duplicateRuns(), "no run noted twice");
        assertEquals(0, collector.misreads(), "results:storing held, in order, what was stored: no batch stored twice");
    }

    @Test
    void resultsStoringChangedByHandBeforeADropIsReadAgainNotTrimmedBlindly() throws Exception {
        int sent = 0;
        do { // while busy, a batch is dropped at the next checkpoint, at most every 50 ms
            send(sent, sent + 10);
            sent += 10;
            assertEquals(10, collector.drainOnce(Duration.ofMillis(500)));
        } while (redis.call(j -> j.llen(RedisKeys.storing())) == 0 && sent < 1_000);
        assertEquals(10L, (long) redis.call(j -> j.llen(RedisKeys.storing())), "a batch stored, not yet dropped");
        // Someone empties results:storing and a result lands there before the collector drops its batch.
        redis.call(j -> j.del(RedisKeys.storing()));
        send(sent, sent + 1);
        redis.call(j -> j.rpoplpush(RedisKeys.resultsQueue(), RedisKeys.storing()));
        collector.drainOnce(Duration.ZERO); // a pause: the drop finds the list is not what was stored
        assertEquals(1, collector.misreads());
        assertEquals(1L, (long) redis.call(j -> j.llen(RedisKeys.storing())), "the other result is not dropped unstored");
        collector.drainOnce(Duration.ofMillis(100)); // read again from its head: stored, then dropped
        collector.drainOnce(Duration.ZERO);
        assertEquals(sent + 1, stored());
        assertEquals(0L, (long) redis.call(j -> j.llen(RedisKeys.storing())));
    }

    @Test
    void atLowRatesTakesOnItsOwnThread() throws Exception {
        send(0, ResultTaker.AHEAD_FROM - 1);
        assertEquals(ResultTaker.AHEAD_FROM - 1, collector.drainOnce(Duration.ofMillis(500)));
        assertTrue(!collector.takingAhead(), "a small batch: no take ahead");
        assertEquals(ResultTaker.AHEAD_FROM - 1, TestDatabase.count(db, "SELECT COUNT(*) FROM TaskHistory"));
    }

    @Test
    void aFailureStoredAgainAfterACrashDoesNotScheduleItsRetryAgain() throws Exception {
        TaskMessage task = retriedTask("rc-again");
        String failure = failureOf(task);
        redis.call(j -> j.rpush(RedisKeys.resultsQueue(), failure));
        List<String> scheduled = drainUntilScheduled(collector, task.id());
        assertEquals(1, scheduled.size(), "the failure stored and its retry scheduled: " + scheduled);
        collector.drainOnce(Duration.ZERO); // a pause: the failure is made durable and dropped
        assertEquals(0L, (long) redis.call(j -> j.llen(RedisKeys.storing())));
        long markTtl = redis.call(j -> j.ttl(RedisKeys.retryScheduled(task.id(), 2)));
        assertTrue(markTtl > 0 && markTtl <= TaskQueue.RETRY_MARK_AFTER_DROP_SECONDS,
                "the retry's mark kept an hour once its failure is dropped, not 30 days: " + markTtl + " s");

        // Its back-off over, the retry is placed on the node it failed on (its row not yet written).
        String retry = scheduled.get(0);
        redis.call(j -> j.zrem(RedisKeys.delayed(), retry));
        String placed = Json.write(TaskMessage.read(retry).placedOn("nodo1", "why"));
        redis.call(j -> j.rpush(RedisKeys.nodeTasks("nodo1"), placed));
        // Had the coordinator died between its commit and that drop, the failure would still be at
        // the head of results:storing, and the next coordinator stores it again.
        redis.call(j -> j.rpush(RedisKeys.storing(), failure));
        assertEquals(List.of(), drainUntilScheduled(anotherCoordinator(), task.id()),
                "the retry placed already is not scheduled a second time (it would run twice)");
        assertEquals(0L, (long) redis.call(j -> j.llen(RedisKeys.storing())), "the failure was read again");
        assertEquals(2, session.inTransaction(c -> new TaskHistoryStore().get(c, task.id())).attempts());
    }

    @Test
    void aFailureWhoseRetryWasNeverScheduledIsScheduledWhenStoredAgain() throws Exception {
        TaskMessage task = retriedTask("rc-never");
        String failure = failureOf(task);
        // A coordinator that died right after committing the failure, before scheduling its retry.
        TaskResult failed = TaskResult.read(failure);
        session.inTransaction(c -> new TaskHistoryStore().recordRetries(c, List.of(failed), RetryPolicy::next));
        redis.call(j -> j.rpush(RedisKeys.storing(), failure));
        List<String> scheduled = drainUntilScheduled(anotherCoordinator(), task.id());
        assertEquals(1, scheduled.size(), "the retry scheduled by the next coordinator: " + scheduled);
        assertEquals(2, TaskMessage.read(scheduled.get(0)).attempt());
    }

    @Test
    void aFirstFailureIsRetriedWhateverMarkAnEarlierTaskOfTheSameIdLeft() throws Exception {
        TaskMessage task = retriedTask("rc-reused");
        redis.call(j -> j.setex(RedisKeys.retryScheduled(task.id(), 2), 3_600, "1")); // left by a task of that id before
        redis.call(j -> j.rpush(RedisKeys.resultsQueue(), failureOf(task)));
        assertEquals(1, drainUntilScheduled(collector, task.id()).size(), "a failure stored the first time is retried");
    }

    /** A task asking for 3 retries, placed on nodo1 and its row written. */
    private TaskMessage retriedTask(String id) throws Exception {
        TaskMessage task = new TaskMessage(id, "sleep", Map.of("ms", 0L), 1, 1_000L, "nodo1", "test", List.of(),
                null, 3, null, null);
        session.inTransaction(c -> {
            new TaskHistoryStore().recordPlaced(c, List.of(task));
            return null;
        });
        return task;
    }

    private String failureOf(TaskMessage task) {
        long now = queue.now();
        return Json.write(TaskResult.failed(task, "nodo1", "boom", now - 10, now, 10));
    }

    /** A collector as a coordinator that takes over starts one: it stores what results:storing holds first. */
    private ResultCollector anotherCoordinator() {
        ResultCollector next = new ResultCollector(queue, new TaskHistoryStore(), session, Durability.of(db),
                new LatencyHistogram(), new PendingRows());
        others.add(next);
        return next;
    }

    /**
     * Lets {@code c} store results until a retry of {@code taskId} waits in tasks:delayed, or
     * results:queue and results:storing are empty (3 s at most): the members that name it.
     */
    private List<String> drainUntilScheduled(ResultCollector c, String taskId) throws Exception {
        long deadline = System.currentTimeMillis() + 3_000;
        List<String> members = List.of();
        while (members.isEmpty() && System.currentTimeMillis() < deadline) {
            c.drainOnce(Duration.ofMillis(100));
            members = redis.call(j -> j.zrange(RedisKeys.delayed(), 0, -1)).stream().filter(m -> m.contains(taskId)).toList();
            if (redis.call(j -> j.llen(RedisKeys.resultsQueue()) + j.llen(RedisKeys.storing())) == 0) {
                c.drainOnce(Duration.ZERO);
                members = redis.call(j -> j.zrange(RedisKeys.delayed(), 0, -1)).stream().filter(m -> m.contains(taskId)).toList();
                break;
            }
        }
        return members;
    }

    private long stored() throws Exception {
        return TestDatabase.count(db, "SELECT COUNT(*) FROM TaskHistory");
    }

    /** Results of tasks {@code from} to {@code to} - 1, as agents send them, on results:queue. */
    private void send(int from, int to) {
        List<String> raws = new ArrayList<>();
        for (int k = from; k < to; k++) {
            TaskMessage t = TaskMessage.submit("rc-" + k, "sleep", Map.of("ms", 0L), 1_000L, null).placedOn("nodo1", "test");
            raws.add(Json.write(TaskResult.done(t, "nodo1", "ok", 2_000L, 2_001L, 1)));
        }
        redis.call(j -> j.rpush(RedisKeys.resultsQueue(), raws.toArray(String[]::new)));
    }
}
