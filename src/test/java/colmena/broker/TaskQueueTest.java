package colmena.broker;

import colmena.TestRedis;
import colmena.task.TaskMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
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

/** The batch scripts against a real Redis: what each leaves in which list. */
class TaskQueueTest {
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

    private static List<String> texts(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    @Test
    void aTakeOfMoreThanOneScriptChunkMovesEverythingInOrder() {
        List<String> tasks = texts("t", 2_500);
        redis.call(j -> j.rpush("node:a:tasks", tasks.toArray(new String[0])));
        assertEquals(List.of(), queue.take("a", 0, Duration.ZERO), "a take of nothing");
        assertEquals(2_500, queue.length("node:a:tasks"));
        List<String> got = queue.take("a", 2_400, Duration.ZERO);
        assertEquals(tasks.subList(0, 2_400), got);
        assertEquals(tasks.subList(0, 2_400), list("node:a:inflight"));
        assertEquals(tasks.subList(2_400, 2_500), list("node:a:tasks"));
    }

    @Test
    void droppingFromTheHeadDropsTheWholeRunOrNothing() {
        redis.call(j -> j.rpush(RedisKeys.storing(), "r0", "r1", "r2", "r3", "r4"));
        assertEquals(0, dropRun(List.of("r1", "r2")), "not at the head");
        assertEquals(0, dropRun(List.of("r0", "x", "r3")), "its last is not where it ends");
        assertEquals(0, dropRun(texts("r", 6)), "more than the list holds");
        assertEquals(texts("r", 5), list(RedisKeys.storing()), "nothing dropped by a refusal");
        assertEquals(3, dropRun(texts("r", 3)));
        assertEquals(List.of("r3", "r4"), list(RedisKeys.storing()));
        assertEquals(1, dropRun(List.of("r3")));
        assertEquals(List.of("r4"), list(RedisKeys.storing()));
        redis.call(j -> j.del(RedisKeys.storing()));
        assertEquals(0, dropRun(List.of("r4")), "emptied by hand: nothing to drop");
    }

    /** Drops {@code raws} from results:storing as the collector does once they are stored: as a run. */
    private int dropRun(List<String> raws) {
        return queue.moveRunFromHead(RedisKeys.storing(), raws.stream().map(Move::drop).toList());
    }

    @Test
    void anOversizedMessageIsDeadLetteredAsItIsTakenAndTheOthersArrive() {
        String huge = "x".repeat(TaskQueue.MAX_MESSAGE_BYTES + 1);
        redis.call(j -> j.rpush("node:a:tasks", "one", huge, "two"));
        assertEquals(List.of("one", "two"), queue.take("a", 10, Duration.ZERO));
        assertEquals(List.of("one", "two"), list("node:a:inflight"));
        List<DeadLetter> dead = queue.deadLetters(10);
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).reason().contains("bytes"), dead.get(0).reason());
    }

    @Test
    void placingStopsAtTheFirstNodeThatHasGoneAndLeavesTheRestAtTheHeadInOrder() {
        placesUpToTheFirstNodeGone(queue::moveFromHead);
    }

    @Test
    void placingARunStopsAtTheFirstNodeThatHasGoneAsWell() {
        placesUpToTheFirstNodeGone(queue::moveRunFromHead);
    }

    @Test
    void aRunIsMovedWholeOrNotAtAll() {
        redis.call(j -> j.rpush(RedisKeys.placing(), "r0", "r1", "r2", "r3"));
        redis.call(j -> j.set(RedisKeys.nodeStats("a"), "{}"));
        List<Move> notAtHead = List.of(Move.toNode("r1", "a", "p1"), Move.toNode("r2", "a", "p2"));
        assertEquals(0, queue.moveRunFromHead(RedisKeys.placing(), notAtHead));
        List<Move> lastElsewhere = List.of(Move.toNode("r0", "a", "p0"), Move.toNode("r1", "a", "p1"), Move.toNode("r3", "a", "p3"));
        assertEquals(0, queue.moveRunFromHead(RedisKeys.placing(), lastElsewhere), "its last is not where the run ends");
        assertEquals(List.of("r0", "r1", "r2", "r3"), list(RedisKeys.placing()), "nothing moved by a refusal");
        assertEquals(0, queue.length("node:a:tasks"));
        List<Move> run = List.of(Move.toNode("r0", "a", "p0"), Move.toNode("r1", "a", "p1"), Move.toNode("r2", "a", "p2"));
        assertEquals(3, queue.moveRunFromHead(RedisKeys.placing(), run));
        assertEquals(List.of("p0", "p1", "p2"), list("node:a:tasks"), "each payload sent on, though only the ends were compared");
        assertEquals(List.of("r3"), list(RedisKeys.placing()));
    }

    private void placesUpToTheFirstNodeGone(java.util.function.BiFunction<String, List<Move>, Integer> move) {
        List<String> raws = texts("r", 1_500);
        redis.call(j -> j.rpush(RedisKeys.placing(), raws.toArray(new String[0])));
        redis.call(j -> j.set(RedisKeys.nodeStats("a"), "{}"));
        redis.call(j -> j.set(RedisKeys.nodeStats("b"), "{}"));
        List<Move> moves = new ArrayList<>();
        for (int i = 0; i < raws.size(); i++) {
            // Alternating nodes; from the 1,200th on, node c, which has no stats key.
            String node = i >= 1_200 ? "c" : (i % 2 == 0 ? "a" : "b");
            moves.add(Move.toNode(raws.get(i), node, "placed-" + i));
        }
        assertEquals(1_200, (int) move.apply(RedisKeys.placing(), moves));
        assertEquals(raws.subList(1_200, 1_500), list(RedisKeys.placing()));
        List<String> onA = list("node:a:tasks");
        assertEquals(600, onA.size());
        assertEquals("placed-0", onA.get(0));
        assertEquals("placed-1198", onA.get(599));
        assertEquals(600, queue.length("node:b:tasks"));
        assertEquals(0, queue.length("node:c:tasks"));
    }

    @Test
    void aDestinationThatIsNotAListGetsNothingAndItsTaskIsDeadLetteredNotLost() {
        redis.call(j -> j.rpush(RedisKeys.placing(), "r0", "r1", "r2"));
        redis.call(j -> j.set(RedisKeys.nodeStats("a"), "{}"));
        redis.call(j -> j.set(RedisKeys.nodeStats("b"), "{}"));
        redis.call(j -> j.set("node:b:tasks", "someone wrote a string here"));
        int moved = queue.moveFromHead(RedisKeys.placing(), List.of(Move.toNode("r0", "a", "p0"),
                Move.toNode("r1", "b", "p1"), Move.toNode("r2", "a", "p2")));
        assertEquals(3, moved);
        assertEquals(List.of(), list(RedisKeys.placing()));
        assertEquals(List.of("p0", "p2"), list("node:a:tasks"));
        assertEquals("someone wrote a string here", redis.call(j -> j.get("node:b:tasks")));
        List<DeadLetter> dead = queue.deadLetters(10);
        assertEquals(1, dead.size());
        assertEquals("p1", dead.get(0).raw());
        assertTrue(dead.get(0).reason().contains("node:b:tasks"), dead.get(0).reason());
    }

    @Test
    void aTaskThatCannotBeSentOnIsKeptOnTheDeadLetterListCutToTheRawLimit() {
        String payload = "p".repeat(TaskQueue.DEAD_LETTER_RAW_CHARS + 100);
        redis.call(j -> j.rpush(RedisKeys.placing(), "r0"));
        redis.call(j -> j.set(RedisKeys.nodeStats("b"), "{}"));
        redis.call(j -> j.set(RedisKeys.nodeTasks("b"), "someone wrote a string here"));
        assertEquals(1, queue.moveFromHead(RedisKeys.placing(), List.of(Move.toNode("r0", "b", payload))));
        List<DeadLetter> dead = queue.deadLetters(10);
        assertEquals(1, dead.size());
        assertEquals(payload.substring(0, TaskQueue.DEAD_LETTER_RAW_CHARS), dead.get(0).raw());
    }

    @Test
    void requeuedTasksGoAheadOfNewerSubmissionsInTheirOrderAndAnUnreadableOneIsDeadLettered() {
        TaskMessage first = TaskMessage.submit("t-1", "sleep", Map.of("ms", 1), 1, null);
        TaskMessage second = TaskMessage.submit("t-2", "sleep", Map.of("ms", 1), 2, null);
        String inflight = RedisKeys.nodeInflight("gone");
        redis.call(j -> j.rpush(inflight, Json.write(first), "not a task", Json.write(second)));
        redis.call(j -> j.rpush(RedisKeys.submitted(), "newer"));
        int moved = queue.requeueForPlacement(inflight, RedisKeys.submitted(), t -> t.requeued("gone stopped"));
        assertEquals(3, moved);
        assertEquals(List.of(Json.write(first.requeued("gone stopped")), Json.write(second.requeued("gone stopped")), "newer"),
                list(RedisKeys.submitted()));
        assertEquals(List.of(), list(inflight));
        List<DeadLetter> dead = queue.deadLetters(10);
        assertEquals(1, dead.size());
        assertEquals("not a task", dead.get(0).raw());
        assertEquals(inflight, dead.get(0).source());
    }

    @Test
    void finishingTasksInAnyOrderRemovesExactlyThoseFromTheInFlightList() {
        List<String> taken = texts("t", 6);
        redis.call(j -> j.rpush("node:a:inflight", taken.toArray(new String[0])));
        queue.finish("a", List.of(new TaskQueue.Report("1", "t1", "res1"), new TaskQueue.Report("0", "t0", "res0"),
                new TaskQueue.Report("4", "t4", "res4"), new TaskQueue.Report("2", null, "running2")), 3);
        assertEquals(List.of("t2", "t3", "t5"), list("node:a:inflight"));
        assertEquals(List.of("res1", "res0", "res4", "running2"), list(RedisKeys.resultsQueue()));
        assertEquals("3", redis.call(j -> j.get(RedisKeys.nodeDone("a"))));
    }

    @Test
    void resultsOfAHigherPriorityJoinTheResultsAtTheirHeadInTheirOrder() {
        redis.call(j -> j.rpush("node:a:inflight", "t0", "t1", "t2", "t3"));
        redis.call(j -> j.rpush(RedisKeys.resultsQueue(), "waiting"));
        queue.finish("a", List.of(new TaskQueue.Report("0", "t0", "res0"), new TaskQueue.Report("1", "t1", "res1", true),
                new TaskQueue.Report("2", "t2", "res2"), new TaskQueue.Report("3", null, "running3", true)), 3);
        assertEquals(List.of("res1", "running3", "waiting", "res0", "res2"), list(RedisKeys.resultsQueue()));
        assertEquals(List.of("t3"), list("node:a:inflight"));
        assertEquals("3", redis.call(j -> j.get(RedisKeys.nodeDone("a"))));
    }

    @Test
    void finishingWhenResultsQueueIsNotAListFailsWithoutTouchingTheInFlightList() {
        redis.call(j -> j.rpush("node:a:inflight", "t0", "t1"));
        redis.call(j -> j.set(RedisKeys.resultsQueue(), "not a list"));
        assertThrows(RuntimeException.class,
                () -> queue.finish("a", List.of(new TaskQueue.Report("0", "t0", "res0")), 1));
        assertEquals(List.of("t0", "t1"), list("node:a:inflight"));
    }

    /**
     * Tasks wait to be placed in one list per priority ({@code tasks:submitted} for the default),
     * and the placer takes the highest first.
     */
    @Nested
    class PriorityLists {
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
}
