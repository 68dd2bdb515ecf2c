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
        assertEquals(1_200, queue.moveFromHead(RedisKeys.placing(), moves));
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
}
