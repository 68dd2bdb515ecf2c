package colmena.broker;

import colmena.metrics.NodeStats;
import com.google.gson.TypeAdapter;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The node registry in Redis: heartbeats written, node views read, nodes drained and forgotten. */
public final class Nodes {
    /**
     * A stats key lives this many intervals: long enough to survive one late beat, short enough
     * that a dead node shows offline within three intervals.
     */
    public static final double STATS_TTL_INTERVALS = 2.5;
    /** Metric history kept per node: an hour at the sampling interval (the charts' longest range), bounded either way. */
    public static final long HISTORY_SPAN_MS = 60 * 60_000;
    public static final int HISTORY_MIN = 60;
    public static final int HISTORY_MAX = 3_600;

    private final Redis redis;
    private final NodeViews views = new NodeViews();

    public Nodes(Redis redis) {
        this.redis = redis;
    }

    public static long statsTtlMs(long intervalMs) {
        return Math.round(intervalMs * STATS_TTL_INTERVALS);
    }

    public static int historyLength(long intervalMs) {
        long n = HISTORY_SPAN_MS / Math.max(1, intervalMs);
        return (int) Math.max(HISTORY_MIN, Math.min(HISTORY_MAX, n));
    }

    /**
     * Writes one heartbeat: the stats key with its lifetime, the last-seen copy and one history
     * sample, and the node's place in the registry (unless it logs in with its own credential,
     * which may touch only its own keys: {@code node add} registered it).
     */
    public void beat(NodeStats stats) {
        beat(stats, null);
    }

    /**
     * The same, and the progress its running tasks last reported ({@code taskId -> {"percent", "text"}}
     * as JSON), replacing the last beat's; null to leave it alone, empty to clear it.
     */
    public void beat(NodeStats stats, Map<String, String> progress) {
        String id = stats.nodeId();
        String json = Json.write(stats);
        String sample = String.format(Locale.ROOT, "[%d,%.1f,%.1f,%.1f]", stats.sampledAtMs(), stats.cpuPercent(),
                stats.memPercent(), stats.diskPercent());
        int keep = historyLength(stats.intervalMs());
        redis.call(j -> {
            Pipeline p = j.pipelined();
            p.psetex(RedisKeys.nodeStats(id), statsTtlMs(stats.intervalMs()), json);
            p.set(RedisKeys.nodeLast(id), json);
            if (redis.user() == null) {
                p.sadd(RedisKeys.nodes(), id);
            }
            p.lpush(RedisKeys.nodeHistory(id), sample);
            p.ltrim(RedisKeys.nodeHistory(id), 0, keep - 1);
            if (progress != null) {
                String key = RedisKeys.nodeProgress(id);
                p.del(key);
                if (!progress.isEmpty()) {
                    p.hset(key, progress);
                    p.pexpire(key, statsTtlMs(stats.intervalMs()));
                }
            }
            p.sync();
            return null;
        });
    }

    /**
     * The progress running tasks last reported, for the tasks named, by the node each runs on:
     * {@code taskId -> {"percent": n, "text": "..."}} as JSON; tasks with none are left out. One
     * round trip.
     */
    public Map<String, String> progress(Map<String, List<String>> tasksByNode) {
        if (tasksByNode.isEmpty()) {
            return Map.of();
        }
        return redis.call(j -> {
            Pipeline p = j.pipelined();
            Map<String, Response<List<String>>> answers = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : tasksByNode.entrySet()) {
                if (RedisKeys.isValidNodeId(e.getKey()) && !e.getValue().isEmpty()) {
                    answers.put(e.getKey(), p.hmget(RedisKeys.nodeProgress(e.getKey()), e.getValue().toArray(new String[0])));
                }
            }
            p.sync();
            Map<String, String> out = new HashMap<>();
            for (Map.Entry<String, Response<List<String>>> e : answers.entrySet()) {
                List<String> ids = tasksByNode.get(e.getKey());
                List<String> values = e.getValue().get();
                for (int i = 0; i < ids.size(); i++) {
                    if (values.get(i) != null) {
                        out.put(ids.get(i), values.get(i));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Every progress report of every known node's running tasks, {@code taskId -> JSON}: the
     * registry, then each node's (small) progress hash, pipelined.
     */
    public Map<String, String> allProgress() {
        Set<String> ids = redis.call(j -> j.smembers(RedisKeys.nodes()));
        if (ids.isEmpty()) {
            return Map.of();
        }
        return redis.call(j -> {
            Pipeline p = j.pipelined();
            List<Response<Map<String, String>>> answers = new ArrayList<>();
            for (String id : ids) {
                if (RedisKeys.isValidNodeId(id)) {
                    answers.add(p.hgetAll(RedisKeys.nodeProgress(id)));
                }
            }
            p.sync();
            Map<String, String> out = new HashMap<>();
            for (Response<Map<String, String>> a : answers) {
                out.putAll(a.get());
            }
            return out;
        });
    }

    /** How long the mark of a graceful stop is kept: long enough for a coordinator to see it. */
    public static final long LEFT_KEPT_MS = 60_000;

    /**
     * Removes the node's stats key so it shows offline at once (a graceful stop), and marks that it
     * left on purpose, in one step: the coordinator then re-places what it handed back without
     * counting an attempt.
     */
    public void leave(String nodeId) {
        redis.call(j -> {
            Transaction t = j.multi();
            t.psetex(RedisKeys.nodeLeft(nodeId), LEFT_KEPT_MS, Long.toString(System.currentTimeMillis()));
            t.del(RedisKeys.nodeStats(nodeId));
            t.exec();
            return null;
        });
    }

    /** When the node stopped gracefully (epoch ms), or null if it did not (or long ago, or it is back). */
    public Long leftAtMs(String nodeId) {
        String at = redis.call(j -> j.get(RedisKeys.nodeLeft(nodeId)));
        return at == null ? null : parseLong(at);
    }

    /** Clears the mark of an earlier graceful stop: this node is running again. */
    public void rejoin(String nodeId) {
        redis.call(j -> j.del(RedisKeys.nodeLeft(nodeId)));
    }

    /**
     * Every known node, sorted by id: the registry in one round trip, then every node's stats,
     * queue lengths and done count in one more (two MGETs and two LLENs a node, pipelined), and
     * the last-seen copy of the offline ones only, in a third when there are any.
     */
    public List<NodeView> all() {
        return redis.call(views::all);
    }

    /** Compact samples {@code [atMs, cpuPercent, memPercent, diskPercent]}, oldest first. */
    public List<double[]> history(String nodeId) {
        List<double[]> newestFirst = samples(redis.call(j -> j.lrange(RedisKeys.nodeHistory(nodeId), 0, -1)));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** The newest {@code count} samples of each node, newest first, in one round trip. */
    public Map<String, List<double[]>> recent(List<String> nodeIds, int count) {
        return redis.call(j -> {
            Pipeline p = j.pipelined();
            List<Response<List<String>>> responses = new ArrayList<>();
            for (String id : nodeIds) {
                responses.add(p.lrange(RedisKeys.nodeHistory(id), 0, count - 1));
            }
            p.sync();
            Map<String, List<double[]>> out = new HashMap<>();
            for (int i = 0; i < nodeIds.size(); i++) {
                out.put(nodeIds.get(i), samples(responses.get(i).get()));
            }
            return out;
        });
    }

    private static final TypeAdapter<double[][]> SAMPLES = Json.GSON.getAdapter(double[][].class);

    /**
     * The samples read, each {@code [atMs, cpu, mem, disk]}; anything else is left out of the chart
     * (the next beat adds a good one). A request reads hundreds of samples a node, so a node's are
     * read as one JSON array (a reader made for each sample was most of the work of reading
     * them); one at a time only when that fails.
     */
    static List<double[]> samples(List<String> raw) {
        try {
            double[][] all = SAMPLES.fromJson("[" + String.join(",", raw) + "]");
            if (all.length == raw.size() && Arrays.stream(all).allMatch(Nodes::isSample)) {
                return new ArrayList<>(Arrays.asList(all));
            }
        } catch (IOException | RuntimeException e) {
            // some text is not a sample: the samples one at a time, below
        }
        List<double[]> out = new ArrayList<>(raw.size());
        for (String r : raw) {
            double[] sample = sample(r);
            if (sample != null) {
                out.add(sample);
            }
        }
        return out;
    }

    /** One sample, or null when the text is not one. */
    static double[] sample(String text) {
        try {
            double[] sample = text == null ? null : Json.GSON.fromJson(text, double[].class);
            return isSample(sample) ? sample : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean isSample(double[] sample) {
        return sample != null && sample.length >= 3;
    }

    /** The ids in the registry (nodes seen and not forgotten), as stored: the caller checks each is valid. */
    public Set<String> registered() {
        return redis.call(j -> j.smembers(RedisKeys.nodes()));
    }

    /** Whether the node is in the registry (seen and not forgotten). */
    public boolean isKnown(String nodeId) {
        return redis.call(j -> j.sismember(RedisKeys.nodes(), RedisKeys.validNodeId(nodeId)));
    }

    public boolean drain(String nodeId) {
        return redis.call(j -> j.sadd(RedisKeys.drained(), RedisKeys.validNodeId(nodeId))) > 0;
    }

    public boolean resume(String nodeId) {
        return redis.call(j -> j.srem(RedisKeys.drained(), RedisKeys.validNodeId(nodeId))) > 0;
    }

    /**
     * Forgets an offline node with nothing left on it: its keys go and it leaves the registry.
     *
     * @throws IllegalStateException saying why not, when it is online or still holds tasks
     */
    public void forget(String nodeId) {
        String id = RedisKeys.validNodeId(nodeId);
        List<String> keys = List.of(RedisKeys.nodeStats(id), RedisKeys.nodeTasks(id), RedisKeys.nodeInflight(id),
                RedisKeys.nodeLast(id), RedisKeys.nodeHistory(id), RedisKeys.nodeDone(id), RedisKeys.drained(), RedisKeys.nodes());
        // One script: nothing can be placed on the node between the check and the removal.
        Object answer = FORGET.run(redis, keys, List.of(id));
        long held = answer instanceof Long n ? n : 0;
        if (held == -1) {
            throw new IllegalStateException("node " + id + " is online; stop its agent first");
        }
        if (held > 0) {
            throw new IllegalStateException("node " + id + " still holds " + held
                    + " tasks; the coordinator moves them to other nodes first");
        }
    }

    /** Forgets an offline node that holds nothing; its contract: lua/node_forget.lua. */
    private static final Script FORGET = Script.load("node_forget");

    static long parseLong(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
