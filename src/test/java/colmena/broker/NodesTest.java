package colmena.broker;

import colmena.TestRedis;
import colmena.TestStats;
import colmena.metrics.NodeStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodesTest {

    @Test
    void everyNodeIsReadWithItsStatsQueuesAndCountsAndOfflineOnesWithTheirLastStats() {
        try (Redis redis = TestRedis.fresh()) {
            Nodes nodes = new Nodes(redis);
            nodes.beat(TestStats.small("b", 20));
            nodes.beat(TestStats.small("a", 10));
            nodes.beat(TestStats.small("c", 30));
            nodes.leave("c");
            nodes.drain("a");
            redis.call(j -> j.rpush(RedisKeys.nodeTasks("a"), "x", "y"));
            redis.call(j -> j.rpush(RedisKeys.nodeInflight("b"), "z"));
            redis.call(j -> j.incrBy(RedisKeys.nodeDone("b"), 5));
            redis.call(j -> j.sadd(RedisKeys.nodes(), "never-reported", "bad id"));

            List<NodeView> all = nodes.all();
            assertEquals(List.of("a", "b", "c", "never-reported"), all.stream().map(NodeView::id).toList());
            NodeView a = all.get(0);
            assertTrue(a.online() && a.drained());
            assertEquals(2, a.queued());
            assertEquals(10, a.stats().cpuPercent());
            NodeView b = all.get(1);
            assertEquals(1, b.running());
            assertEquals(5, b.done());
            NodeView c = all.get(2);
            assertFalse(c.online());
            assertEquals(30, c.stats().cpuPercent(), "offline: its last stats");
            assertNull(all.get(3).stats());
            assertFalse(all.get(3).online());
        }
    }

    @Test
    void statsAreParsedAgainOnlyWhenTheyChange() {
        try (Redis redis = TestRedis.fresh()) {
            Nodes nodes = new Nodes(redis);
            nodes.beat(TestStats.small("a", 10));
            NodeStats first = nodes.all().get(0).stats();
            assertSame(first, nodes.all().get(0).stats(), "the same text: the same stats");
            nodes.beat(TestStats.small("a", 55));
            assertEquals(55, nodes.all().get(0).stats().cpuPercent());
            redis.call(j -> j.set(RedisKeys.nodeStats("a"), "not json"));
            assertNull(nodes.all().get(0).stats());
        }
    }

    @Test
    void noNodesIsAnEmptyList() {
        try (Redis redis = TestRedis.fresh()) {
            assertEquals(List.of(), new Nodes(redis).all());
        }
    }
}
