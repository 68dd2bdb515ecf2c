package colmena;

import colmena.agent.Agent;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent's stop and its start, in whatever order they come: a stop asked for while the agent
 * starts (a stop file found, Ctrl+C in its window) still leaves the node offline, and a start
 * refused because the id is online elsewhere touches nothing of that other agent's. Real Redis.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentStopTest {

    @Test
    void aStopWhileTheAgentStartsWaitsForTheStartAndLeavesTheNodeOffline() throws Exception {
        try (Cluster cluster = new Cluster()) {
            for (int round = 0; round < 5; round++) {
                String id = "starting-" + round;
                try (Redis own = Redis.connect(cluster.redisUrl, 4)) {
                    Agent agent = agent(own, id);
                    CompletableFuture<Void> start = CompletableFuture.runAsync(agent::start);
                    Eventually.within(Duration.ofSeconds(10), id + " online", () -> cluster.online(id));
                    agent.stop(); // as the shutdown hook does, from another thread, the start maybe not over
                    start.get(10, TimeUnit.SECONDS);
                    assertFalse(cluster.online(id), "offline once stopped");
                    Thread.sleep(3 * Cluster.FAST_INTERVAL.toMillis());
                    assertFalse(cluster.online(id), "no heartbeat of a start that ran on brought it back");
                }
            }
        }
    }

    @Test
    void aStopBeforeTheStartMakesTheStartDoNothing() throws Exception {
        try (Cluster cluster = new Cluster(); Redis own = Redis.connect(cluster.redisUrl, 4)) {
            Agent agent = agent(own, "never");
            agent.stop();
            agent.start();
            Thread.sleep(3 * Cluster.FAST_INTERVAL.toMillis());
            assertFalse(cluster.online("never"), "an agent stopped before it started never comes online");
            assertTrue(cluster.queue.length(RedisKeys.nodeTasks("never")) == 0);
        }
    }

    @Test
    void stoppingAnAgentWhoseIdWasOnlineLeavesTheOtherOneOnline() throws Exception {
        try (Cluster cluster = new Cluster(); Redis own = Redis.connect(cluster.redisUrl, 4)) {
            cluster.startAgent("twin", 1);
            Agent second = agent(own, "twin");
            IllegalStateException refused = assertThrows(IllegalStateException.class, second::start);
            assertTrue(refused.getMessage().contains("already online"), refused.getMessage());
            second.stop(); // the process exits: its shutdown hook runs
            assertTrue(cluster.online("twin"), "the agent already online under that id is still online");
            assertTrue(cluster.redis.call(j -> j.get(RedisKeys.nodeLeft("twin"))) == null,
                    "and not marked as having left");
        }
    }

    private static Agent agent(Redis redis, String id) {
        return new Agent(new Agent.Config(id, TestRedis.url(), Cluster.FAST_INTERVAL, 1, Duration.ofSeconds(30),
                Duration.ofSeconds(1)), redis);
    }
}
