package colmena.broker;

import colmena.metrics.NodeStats;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads every known node's view for {@link Nodes#all()}, keeping the stats it last parsed so that
 * unchanged text is not parsed again.
 */
final class NodeViews {
    /** A node's stats text and what it says; the text changes once an interval, and is read far more often. */
    private record Parsed(String raw, NodeStats stats) {
    }

    /** The stats of each node as last read, so unchanged text is not parsed again. */
    private volatile Map<String, Parsed> parsed = Map.of();

    /** The registry: valid node ids, sorted, and the drained ones. */
    private record Registry(List<String> ids, Set<String> drained) {
    }

    /** One node reading per id, in the registry's order. */
    private record Readings(List<String> live, List<String> done, List<Response<Long>> queued,
            List<Response<Long>> running) {
    }

    /** See {@link Nodes#all()}. */
    List<NodeView> all(Jedis j) {
        Registry registry = registry(j);
        if (registry.ids().isEmpty()) {
            return List.of();
        }
        Readings readings = readings(j, registry.ids());
        List<String> raw = withLastSeen(j, registry.ids(), readings.live());
        return views(registry, readings, raw);
    }

    /** The registry and the drained set, in one round trip. */
    private static Registry registry(Jedis j) {
        Pipeline registry = j.pipelined();
        Response<Set<String>> members = registry.smembers(RedisKeys.nodes());
        Response<Set<String>> drainedMembers = registry.smembers(RedisKeys.drained());
        registry.sync();
        List<String> sorted = new ArrayList<>();
        for (String id : members.get()) {
            if (RedisKeys.isValidNodeId(id)) {
                sorted.add(id);
            }
        }
        sorted.sort(Comparator.naturalOrder());
        return new Registry(sorted, drainedMembers.get());
    }

    /** Every node's stats, queue lengths and done count in one round trip (two MGETs and two LLENs a node). */
    private static Readings readings(Jedis j, List<String> sorted) {
        String[] statsKeys = new String[sorted.size()];
        String[] doneKeys = new String[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            statsKeys[i] = RedisKeys.nodeStats(sorted.get(i));
            doneKeys[i] = RedisKeys.nodeDone(sorted.get(i));
        }
        Pipeline p = j.pipelined();
        Response<List<String>> live = p.mget(statsKeys);
        Response<List<String>> done = p.mget(doneKeys);
        List<Response<Long>> queued = new ArrayList<>(sorted.size());
        List<Response<Long>> running = new ArrayList<>(sorted.size());
        for (String id : sorted) {
            queued.add(p.llen(RedisKeys.nodeTasks(id)));
            running.add(p.llen(RedisKeys.nodeInflight(id)));
        }
        p.sync();
        return new Readings(live.get(), done.get(), queued, running);
    }

    /** The live stats text of each node, or for the offline ones their last-seen copy (a third round trip, when there are any). */
    private static List<String> withLastSeen(Jedis j, List<String> sorted, List<String> live) {
        List<String> raw = new ArrayList<>(live);
        List<Integer> offline = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            if (raw.get(i) == null) {
                offline.add(i);
            }
        }
        if (!offline.isEmpty()) {
            List<String> last = j.mget(offline.stream().map(i -> RedisKeys.nodeLast(sorted.get(i))).toArray(String[]::new));
            for (int k = 0; k < offline.size(); k++) {
                raw.set(offline.get(k), last.get(k));
            }
        }
        return raw;
    }

    /** The views, parsing only the stats text that changed since the last reading. */
    private List<NodeView> views(Registry registry, Readings readings, List<String> raw) {
        List<String> sorted = registry.ids();
        Map<String, Parsed> parsed = new HashMap<>();
        Map<String, Parsed> before = this.parsed;
        List<NodeView> out = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            String id = sorted.get(i);
            Parsed stats = parsed(before.get(id), raw.get(i));
            parsed.put(id, stats);
            out.add(new NodeView(id, readings.live().get(i) != null, registry.drained().contains(id), stats.stats(),
                    readings.queued().get(i).get(), readings.running().get(i).get(), Nodes.parseLong(readings.done().get(i))));
        }
        this.parsed = parsed;
        return out;
    }

    private static Parsed parsed(Parsed before, String raw) {
        if (before != null && Objects.equals(before.raw(), raw)) {
            return before;
        }
        return new Parsed(raw, parse(raw));
    }

    private static NodeStats parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.GSON.fromJson(json, NodeStats.class);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
