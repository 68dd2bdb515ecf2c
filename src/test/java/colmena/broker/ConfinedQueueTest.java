package colmena.broker;

import colmena.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * An agent's queue under its own credential, on the real server: the same moves as the scripted
 * queue (order kept, oversized messages dead-lettered, results out with their tasks, hand back at
 * the head), made without a script, which that credential may not run.
 */
class ConfinedQueueTest {
    private Redis control;
    private Redis pc;
    private TaskQueue queue;

    @BeforeEach
    void setUp() {
        assumeFalse(TestRedis.underWine(), "Redis 5.0 has no ACL users");
        control = TestRedis.fresh();
        NodeCredentials credentials = new NodeCredentials(control);
        for (String n : credentials.nodes()) {
            credentials.remove(n);
        }
        URI uri = URI.create(TestRedis.url());
        pc = Redis.connect(credentials.add("pc1").url(uri.getHost(), uri.getPort()), 4);
        queue = TaskQueue.confined(pc, "pc1");
    }

    @AfterEach
    void tearDown() {
        if (pc != null) {
            pc.close();
            new NodeCredentials(control).remove("pc1");
            control.close();
        }
    }

    @Test
    void tasksAreTakenInOrderFinishedAndHandedBackWithoutAScript() {
        String big = "x".repeat(TaskQueue.MAX_MESSAGE_BYTES + 1);
        control.call(j -> j.rpush(RedisKeys.nodeTasks("pc1"), "a", "b", big, "c"));

        assertEquals(List.of("a", "b", "c"), queue.take("pc1", 10, Duration.ZERO));
        assertEquals(List.of("a", "b", "c"), lrange(RedisKeys.nodeInflight("pc1")));
        assertEquals(1, lrange(RedisKeys.nodeDeadLetter("pc1")).size(), "the oversized one, with the reason");
        assertTrue(lrange(RedisKeys.nodeDeadLetter("pc1")).get(0).contains("the limit is"));

        control.call(j -> j.rpush(RedisKeys.nodeResults("pc1"), "waiting"));
        queue.finish("pc1", List.of(new TaskQueue.Report("a", "a", "result-a"), new TaskQueue.Report("b", null, "running-b", true)), 1);
        assertEquals(List.of("b", "c"), lrange(RedisKeys.nodeInflight("pc1")));
        assertEquals(List.of("waiting", "result-a", "running-b"), lrange(RedisKeys.nodeResults("pc1")),
                "in order, a higher priority's report too: the coordinator reads this list from its head");
        control.call(j -> j.lrem(RedisKeys.nodeResults("pc1"), 1, "waiting"));
        assertEquals("1", control.call(j -> j.get(RedisKeys.nodeDone("pc1"))));
        assertEquals(List.of(), lrange(RedisKeys.resultsQueue()), "nothing in the shared queue");

        control.call(j -> j.rpush(RedisKeys.nodeTasks("pc1"), "d"));
        assertEquals(2, queue.handBack("pc1", List.of(new TaskQueue.Returned("b", "b"), new TaskQueue.Returned("c", "c-noted"))));
        assertEquals(List.of("b", "c-noted", "d"), lrange(RedisKeys.nodeTasks("pc1")), "back at the head, in order");
        assertEquals(List.of(), lrange(RedisKeys.nodeInflight("pc1")));
        assertEquals(0, queue.handBack("pc1", List.of(new TaskQueue.Returned("b", "b"))), "gone already: skipped");

        queue.take("pc1", 1, Duration.ZERO);
        queue.deadLetter(RedisKeys.nodeInflight("pc1"), RedisKeys.nodeTasks("pc1"), "b", "unreadable");
        assertEquals(List.of(), lrange(RedisKeys.nodeInflight("pc1")));
        assertEquals(2, lrange(RedisKeys.nodeDeadLetter("pc1")).size());
    }

    @Test
    void anEmptyQueueIsWaitedOnWithoutAScript() {
        long t0 = System.nanoTime();
        assertEquals(List.of(), queue.take("pc1", 4, Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - t0 >= 250_000_000L, "it waited");
    }

    private List<String> lrange(String key) {
        return control.call(j -> j.lrange(key, 0, -1));
    }
}
