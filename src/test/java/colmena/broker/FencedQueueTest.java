package colmena.broker;

import colmena.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A coordinator's queue moves, takes and replies only while it holds the lease of its installation. */
class FencedQueueTest {
    private Redis redis;
    private TaskQueue fenced;

    @BeforeEach
    void start() {
        redis = TestRedis.fresh();
        redis.call(j -> j.set(RedisKeys.leader(), "c1"));
        redis.call(j -> j.set(RedisKeys.installation(), "abc123abc123 aula-7"));
        fenced = new TaskQueue(redis).fencedBy(() -> new TaskQueue.Fence("c1", "abc123abc123"));
        new TaskQueue(redis).submitNew("sleep", Map.of("ms", 1), 3, null);
    }

    @AfterEach
    void stop() {
        redis.close();
    }

    @Test
    void theLeaderOfTheInstallationTakesMovesAndReplies() {
        List<String> taken = fenced.takeSubmitted(2, Duration.ZERO);
        assertEquals(2, taken.size());
        assertEquals(1, fenced.moveFromHead(RedisKeys.placing(), List.of(Move.append(taken.get(0), RedisKeys.submitted(), taken.get(0)))));
        String reply = RedisKeys.newReply(java.util.UUID.randomUUID());
        fenced.reply(Map.of(reply, List.of("a", "b")));
        assertEquals(List.of("a", "b"), redis.call(j -> j.lrange(reply, 0, -1)));
        assertTrue(redis.call(j -> j.ttl(reply)) > 0);
    }

    @Test
    void aCoordinatorThatLostTheLeaseChangesNothing() {
        List<String> taken = fenced.takeSubmitted(1, Duration.ZERO);
        redis.call(j -> j.set(RedisKeys.leader(), "c2"));
        TaskQueue.FencedException e = assertThrows(TaskQueue.FencedException.class,
                () -> fenced.moveFromHead(RedisKeys.placing(), List.of(Move.drop(taken.get(0)))));
        assertTrue(e.getMessage().contains("c2 does"), e.getMessage());
        assertThrows(TaskQueue.FencedException.class, () -> fenced.takeSubmitted(5, Duration.ZERO));
        assertThrows(TaskQueue.FencedException.class, () -> fenced.moveRunFromHead(RedisKeys.placing(), List.of(Move.drop(taken.get(0)))));
        String reply = RedisKeys.newReply(java.util.UUID.randomUUID());
        assertThrows(TaskQueue.FencedException.class, () -> fenced.reply(Map.of(reply, List.of("x"))));
        assertEquals(1, (long) redis.call(j -> j.llen(RedisKeys.placing())), "the taken task is still where it was");
        assertEquals(2, (long) redis.call(j -> j.llen(RedisKeys.submitted())));
        assertEquals(0, (long) redis.call(j -> j.exists(reply) ? 1L : 0L));
    }

    @Test
    void aCoordinatorOfAnotherInstallationChangesNothingEvenHoldingTheLeaseName() {
        redis.call(j -> j.set(RedisKeys.installation(), "fff000fff000 other-class"));
        TaskQueue.FencedException e = assertThrows(TaskQueue.FencedException.class, () -> fenced.takeSubmitted(5, Duration.ZERO));
        assertTrue(e.getMessage().contains("abc123abc123") && e.getMessage().contains("fff000fff000"), e.getMessage());
        redis.call(j -> j.del(RedisKeys.installation()));
        assertThrows(TaskQueue.FencedException.class, () -> fenced.takeSubmitted(5, Duration.ZERO), "no stamp: not ours either");
        assertEquals(3, (long) redis.call(j -> j.llen(RedisKeys.submitted())));
        assertEquals(0, (long) redis.call(j -> j.llen(RedisKeys.placing())));
    }

    @Test
    void anUnfencedQueueAsAgentsAndTheApiUseItIgnoresTheLease() {
        redis.call(j -> j.del(RedisKeys.leader(), RedisKeys.installation()));
        assertEquals(3, new TaskQueue(redis).takeSubmitted(5, Duration.ZERO).size());
    }
}
