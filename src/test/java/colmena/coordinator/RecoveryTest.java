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
import colmena.task.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Redis lost, put back from TaskHistory, on a real Redis and H2: a retry still waiting out its
 * back-off when Redis comes back empty waits the rest of it; a task that was only queued, or a
 * retry placed again after its back-off (even on the node it failed on), is placed again at once.
 */
class RecoveryTest {
    private final Redis redis = TestRedis.fresh();
    private final Database db = TestDatabase.fresh();
    private final DbSession session = new DbSession(db);
    private final TaskQueue queue = new TaskQueue(redis);
    private final TaskHistoryStore store = new TaskHistoryStore(redis.clock()::now);
    private final PendingRows pending = new PendingRows();
    private final ResultCollector collector = new ResultCollector(queue, store, session, Durability.of(db),
            new LatencyHistogram(), pending);

    @AfterEach
    void close() throws Exception {
        collector.close();
        session.close();
        redis.close();
    }

    @Test
    void aRetryWaitingOutItsBackOffWhenRedisLosesItsDataWaitsTheRestOfIt() throws Exception {
        // Its fifth failure: a back-off of 8 to 16 s, long enough to tell waiting from not.
        TaskMessage task = new TaskMessage("rt-long", "sleep", Map.of("ms", 0L), 5, 1_000L, "nodo1", "test", List.of(),
                null, 9, 4, null);
        long now = queue.now();
        TaskMessage queued = TaskMessage.submit("rt-queued", "sleep", Map.of("ms", 0L), now, null);
        session.inTransaction(c -> {
            store.recordSubmitted(c, List.of(queued));
            store.recordPlaced(c, List.of(task)); // its row, PENDING on nodo1, is written back for the retry as in a run
            return null;
        });
        String retry = retryScheduled(TaskResult.failed(task, "nodo1", "ran past its timeout of 200 ms", now - 300, now, 300));
        Double scheduled = redis.call(j -> j.zscore(RedisKeys.delayed(), retry));
        assertNotNull(scheduled, "the failure stored and its retry scheduled");
        long backOff = (long) (double) scheduled - now;
        assertTrue(backOff >= 8_000 && backOff <= 16_500, "the fifth failure's back-off: " + backOff + " ms");

        redis.call(j -> j.flushAll());
        Recovery recovery = new Recovery(redis, queue, store, session, "test-holder", pending);
        assertEquals(2, recovery.checkOnce(), "both put back");

        List<String> delayed = redis.call(j -> j.zrange(RedisKeys.delayed(), 0, -1));
        assertEquals(1, delayed.size(), "the retry waits in " + RedisKeys.delayed() + ": " + delayed);
        TaskMessage back = TaskMessage.read(delayed.get(0));
        assertEquals("rt-long", back.id());
        assertEquals(6, back.attempt(), "the attempt it was waiting for");
        assertEquals(5, back.failuresSoFar());
        assertTrue(back.moves().get(back.moves().size() - 1).startsWith("Redis lost it"), back.moves().toString());
        double due = redis.call(j -> j.zscore(RedisKeys.delayed(), delayed.get(0)));
        assertTrue(Math.abs(due - scheduled) <= 1_000, "due when it was due before Redis lost it: " + (long) due
                + " against " + (long) (double) scheduled);

        List<String> submitted = redis.call(j -> j.lrange(RedisKeys.submitted(), 0, -1));
        assertEquals(1, submitted.size(), submitted.toString());
        assertEquals("rt-queued", TaskMessage.read(submitted.get(0)).id(), "the task only queued goes at once");
    }

    @Test
    void aRetryPlacedAgainOnTheNodeItFailedOnAfterItsBackOffIsPutBackAtOnce() throws Exception {
        TaskMessage placedAgain = failedOnceThenPlacedAgain("rt-again");
        session.inTransaction(c -> {
            store.recordPlaced(c, List.of(placedAgain)); // its row written PENDING on nodo1, with why
            return null;
        });
        putBackAtOnce("rt-again");
    }

    @Test
    void aRetryPlacedAgainWhosePlacementIsNotWrittenYetIsPutBackAtOnce() throws Exception {
        TaskMessage placedAgain = failedOnceThenPlacedAgain("rt-unwritten");
        // Placed, its row not yet written (a second after placement, or up to 10 s while results wait).
        pending.placed(List.of(placedAgain), PendingRows.clockMs(), id -> false);
        putBackAtOnce("rt-unwritten");
    }

    /**
     * A task whose first run FAILED on nodo1 (its retry scheduled, its row PENDING with no
     * Reason), then, its back-off over, placed again on nodo1: the placed task, not yet recorded.
     */
    private TaskMessage failedOnceThenPlacedAgain(String id) throws Exception {
        TaskMessage task = new TaskMessage(id, "sleep", Map.of("ms", 0L), 1, 1_000L, "nodo1", "test", List.of(),
                null, 3, null, null);
        long now = queue.now();
        session.inTransaction(c -> {
            store.recordPlaced(c, List.of(task));
            return null;
        });
        retryScheduled(TaskResult.failed(task, "nodo1", "boom", now - 10, now, 10));
        List<String> waiting = redis.call(j -> j.zrange(RedisKeys.delayed(), 0, -1));
        assertEquals(1, waiting.size(), "the failure stored and its retry scheduled: " + waiting);
        assertEquals(null, session.inTransaction(c -> store.get(c, id)).reason(),
                "a retry waiting out its back-off is placed nowhere: its row has no Reason");
        String raw = waiting.get(0);
        redis.call(j -> j.zrem(RedisKeys.delayed(), raw));
        return TaskMessage.read(raw).placedOn("nodo1", "nodo1: 0 queued, 0 running, cpu 7%");
    }

    /**
     * Sends {@code failed} to the collector, as its node would, and stores results until the
     * task's retry waits in tasks:delayed (10 s at most): that member, or "" if none came.
     */
    private String retryScheduled(TaskResult failed) throws Exception {
        redis.call(j -> j.rpush(RedisKeys.resultsQueue(), Json.write(failed)));
        long deadline = System.currentTimeMillis() + 10_000;
        String member = "";
        while (member.isEmpty() && System.currentTimeMillis() < deadline) {
            collector.drainOnce(Duration.ofMillis(100));
            member = redis.call(j -> j.zrange(RedisKeys.delayed(), 0, -1)).stream()
                    .filter(m -> m.contains(failed.id())).findFirst().orElse("");
        }
        return member;
    }

    /** Redis emptied, then recovery: the task goes to be placed at once, not to wait a back-off again. */
    private void putBackAtOnce(String id) throws Exception {
        redis.call(j -> j.flushAll());
        assertEquals(1, new Recovery(redis, queue, store, session, "test-holder", pending).checkOnce());
        assertEquals(List.of(), redis.call(j -> j.zrange(RedisKeys.delayed(), 0, -1)), "it does not wait a back-off again");
        List<String> submitted = redis.call(j -> j.lrange(RedisKeys.submitted(), 0, -1));
        assertEquals(1, submitted.size(), submitted.toString());
        TaskMessage back = TaskMessage.read(submitted.get(0));
        assertEquals(id, back.id());
        assertEquals(2, back.attempt(), "put back at once, at the attempt it was placed for");
    }

    @Test
    void onlyAPendingRowWhoseLastMoveSentItBackFromItsNodeIsWaiting() {
        TaskMessage sentBack = new TaskMessage("rt-x", "sleep", Map.of(), 3, 1L, "nodo1", null,
                List.of("attempt 2 FAILED on nodo1 at 10:11:12 (boom; retry soon); retry 2 of 3 in 1.7 s"), null, 3, 2, null);
        long due = RetryPolicy.dueOfWaitingRetry(sentBack, TaskStatus.PENDING, null, 50_000, 60_000);
        assertEquals(50_000 + RetryPolicy.delayMs("rt-x", 1), due);
        assertEquals(55_000 + RetryPolicy.delayMs("rt-x", 1), RetryPolicy.dueOfWaitingRetry(sentBack, TaskStatus.PENDING, null,
                70_000, 55_000), "a change later than now (another clock) counts from now: one back-off at most");
        assertEquals(-1, RetryPolicy.dueOfWaitingRetry(sentBack, TaskStatus.RUNNING, null, 50_000, 60_000), "it started");
        assertEquals(-1, RetryPolicy.dueOfWaitingRetry(sentBack.placedOn("nodo2", "why"), TaskStatus.PENDING, null, 50_000,
                60_000), "placed on another node since");
        assertEquals(-1, RetryPolicy.dueOfWaitingRetry(sentBack.noted("moved from nodo1 to nodo2"), TaskStatus.PENDING, null,
                50_000, 60_000), "moved since");
        TaskMessage earlier = new TaskMessage("rt-x", "sleep", Map.of(), 4, 1L, "nodo1", null, sentBack.moves(), null, 3, 2, null);
        assertEquals(-1, RetryPolicy.dueOfWaitingRetry(earlier, TaskStatus.PENDING, null, 50_000, 60_000),
                "the note is not of the attempt before this one");
        TaskMessage huge = new TaskMessage("rt-z", "sleep", Map.of(), 3, 1L, "nodo1", null,
                List.of("attempt 99999999999999999999 FAILED on nodo1 at 10:11:12 (x); retry 2 of 3 in 1.7 s"), null, 3, 2, null);
        assertEquals(-1, RetryPolicy.dueOfWaitingRetry(huge, TaskStatus.PENDING, null, 50_000, 60_000), "a number past any attempt");
        assertEquals(-1, RetryPolicy.dueOfWaitingRetry(sentBack, TaskStatus.PENDING, "nodo1: 0 queued, cpu 7%", 50_000,
                60_000), "placed again on the node it failed on: its placement wrote why");
        TaskMessage never = new TaskMessage("rt-y", "sleep", Map.of(), 1, 1L, "nodo1", null, List.of(), null, 3, null, null);
        assertEquals(-1, RetryPolicy.dueOfWaitingRetry(never, TaskStatus.PENDING, null, 50_000, 60_000), "no failure yet");
    }
}
