package colmena.broker;

import colmena.TestRedis;
import colmena.task.TaskMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks wait to be placed in one list per priority ({@code tasks:submitted} for the default), and
 * the placer takes the highest first; a real Redis.
 */
class PriorityListsTest {
    private Redis redis;
    private TaskQueue queue;

    @BeforeEach
    void start() {
        redis = TestRedis.fresh();
        queue = new TaskQueue(redis);
    }

    @AfterEach
    void stop() {
        redis.close();
    }

    private List<String> list(String key) {
        return redis.call(j -> j.lrange(key, 0, -1));
    }

    private static String task(String id, int priority) {
        return Json.write(TaskMessage.submit(id, "sleep", Map.of("ms", 0), 1, null).withPriority(priority));
    }

    @Test
    void theHighestPriorityIsTakenFirstAndEachPriorityInItsOrder() {
        List<String> submitted = List.of(task("d1", 5), task("low1", 2), task("top1", 9), task("d2", 5), task("mid", 7),
                task("top2", 9), task("low2", 2), task("zero", 0));
        queue.submit(submitted);
        assertEquals(List.of(task("d1", 5), task("d2", 5)), list(RedisKeys.submitted()), "the default's list, as before");
        assertEquals(List.of(task("top1", 9), task("top2", 9)), list(RedisKeys.submitted(9)));
        assertEquals(8, queue.waitingToBePlaced(), "every list counts, a wake-up does not");

        List<String> taken = queue.takeSubmitted(5, Duration.ZERO);
        assertEquals(List.of(task("top1", 9), task("top2", 9), task("mid", 7), task("d1", 5), task("d2", 5)), taken);
        assertEquals(taken, list(RedisKeys.placing()), "taken into tasks:placing, in that order");
        assertEquals(List.of(task("low1", 2), task("low2", 2), task("zero", 0)), queue.takeSubmitted(100, Duration.ZERO));
        assertEquals(0, queue.waitingToBePlaced());
        for (String key : RedisKeys.submittedInOrder()) {
            assertEquals(0L, (long) redis.call(j -> j.llen(key)), key + " empty: the wake-up went with the take");
        }
    }

    @Test
    void aPlacerWaitingOnAnEmptySubmittedListTakesATaskOfAnotherPriorityAtOnce() throws Exception {
        // The pool gives the waiting take a connection of its own.
        CompletableFuture<List<String>> waiting = CompletableFuture.supplyAsync(() -> queue.takeSubmitted(10, Duration.ofSeconds(20)));
        Thread.sleep(300); // the take waits on tasks:submitted by now
        long t0 = System.nanoTime();
        queue.submit(List.of(task("urgent", 9)));
        List<String> taken = waiting.get(15, TimeUnit.SECONDS);
        double waitedMs = (System.nanoTime() - t0) / 1e6;
        assertEquals(List.of(task("urgent", 9)), taken, "the task, and not the wake-up");
        assertTrue(waitedMs < 5_000, "taken " + waitedMs + " ms after it came (the take waits up to 20 s)");
        assertEquals(List.of(), list(RedisKeys.submitted()));
        assertEquals(List.of(task("urgent", 9)), list(RedisKeys.placing()));
    }

    @Test
    void aWakeUpIsLeftOnlyInAnEmptySubmittedListAndIsNoTask() {
        queue.submit(List.of(task("a", 8)));
        assertEquals(List.of(TaskQueue.WAKE_PLACER), list(RedisKeys.submitted()));
        queue.submit(List.of(task("b", 8), task("c", 1)));
        assertEquals(1, list(RedisKeys.submitted()).size(), "one wake-up, however many come");
        queue.submit(List.of(task("d", 5)));
        assertEquals(4, queue.waitingToBePlaced());
        assertEquals(List.of(task("a", 8), task("b", 8), task("d", 5), task("c", 1)), queue.takeSubmitted(10, Duration.ZERO));
        queue.submit(List.of(task("e", 5)));
        queue.submit(List.of(task("f", 6)));
        assertEquals(List.of(task("e", 5)), list(RedisKeys.submitted()), "no wake-up behind a task: the placer is not waiting");
    }

    @Test
    void aTakeOfOneIsNeverOnlyTheWakeUp() {
        queue.submit(List.of(task("low", 2)));
        assertEquals(List.of(TaskQueue.WAKE_PLACER), list(RedisKeys.submitted()), "tasks:submitted, taken before priority 2, holds the wake-up");
        assertEquals(List.of(task("low", 2)), queue.takeSubmitted(1, Duration.ZERO));
        assertEquals(List.of(), list(RedisKeys.submitted()));
    }

    @Test
    void retriesAndRequeuedTasksGoBackToTheListOfTheirPriority() {
        TaskMessage urgent = TaskMessage.submit("u", "sleep", Map.of("ms", 0), 1, null).withPriority(8);
        TaskMessage plain = TaskMessage.submit("p", "sleep", Map.of("ms", 0), 1, null);
        queue.delay(List.of(urgent, plain), List.of(0L, 0L));
        assertEquals(2, queue.releaseDue(10));
        assertEquals(List.of(Json.write(urgent)), list(RedisKeys.submitted(8)));
        assertTrue(list(RedisKeys.submitted()).contains(Json.write(plain)), list(RedisKeys.submitted()).toString());

        String inflight = RedisKeys.nodeInflight("gone");
        TaskMessage low = TaskMessage.submit("l", "sleep", Map.of("ms", 0), 1, null).withPriority(3);
        redis.call(j -> j.rpush(inflight, Json.write(low), Json.write(urgent)));
        assertEquals(2, queue.requeueForPlacement(inflight, RedisKeys.submitted(), t -> t.requeued("gone stopped")));
        assertEquals(List.of(Json.write(urgent.requeued("gone stopped")), Json.write(urgent)), list(RedisKeys.submitted(8)),
                "ahead of the tasks of its priority waiting");
        assertEquals(List.of(Json.write(low.requeued("gone stopped"))), list(RedisKeys.submitted(3)));
        List<String> order = new ArrayList<>();
        for (String raw : queue.takeSubmitted(10, Duration.ZERO)) {
            order.add(raw.substring(7, 8));
        }
        assertEquals(List.of("u", "u", "p", "l"), order);
    }

    @Test
    void aPriorityOutsideZeroToNineHasNoList() {
        assertThrows(IllegalArgumentException.class, () -> RedisKeys.submitted(10));
        assertThrows(IllegalArgumentException.class, () -> RedisKeys.submitted(-1));
        assertEquals(RedisKeys.submitted(), RedisKeys.submitted(TaskMessage.DEFAULT_PRIORITY));
        assertEquals(10, RedisKeys.submittedInOrder().size());
    }
}
