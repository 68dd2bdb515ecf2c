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

    @AfterEach
    void close() throws Exception {
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
    void atLowRatesTakesOnItsOwnThread() throws Exception {
        send(0, ResultTaker.AHEAD_FROM - 1);
        assertEquals(ResultTaker.AHEAD_FROM - 1, collector.drainOnce(Duration.ofMillis(500)));
        assertTrue(!collector.takingAhead(), "a small batch: no take ahead");
        assertEquals(ResultTaker.AHEAD_FROM - 1, TestDatabase.count(db, "SELECT COUNT(*) FROM TaskHistory"));
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
