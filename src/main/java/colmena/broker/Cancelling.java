package colmena.broker;

import redis.clients.jedis.params.ScanParams;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link TaskQueue}'s verbs for cancelling: the requests, taking a task
 * out of where it waits, and the signals to a node that holds one. Each verb's contract is on
 * {@link TaskQueue}.
 */
final class Cancelling {
    /** Takes named tasks out of a list, answering each CANCELLED, in one step. Its contract: lua/cancel_in_list.lua. */
    private static final Script CANCEL_IN_LIST = Script.load("checks", "cancel_in_list");

    /**
     * The same for tasks waiting out a retry's back-off in {@code tasks:delayed}.
     * Its contract: lua/cancel_delayed.lua.
     */
    private static final Script CANCEL_DELAYED = Script.load("checks", "cancel_delayed");

    private final QueueScripts scripts;

    Cancelling(QueueScripts scripts) {
        this.scripts = scripts;
    }

    /** {@link TaskQueue#requestCancel}. */
    void requestCancel(Map<String, String> requests) {
        if (!requests.isEmpty()) {
            scripts.redis.call(j -> j.hset(RedisKeys.cancelRequests(), requests));
        }
    }

    /** {@link TaskQueue#cancelRequests}. */
    Map<String, String> cancelRequests(int max) {
        return scripts.redis.call(j -> {
            if (j.hlen(RedisKeys.cancelRequests()) <= max) {
                return j.hgetAll(RedisKeys.cancelRequests());
            }
            var page = j.hscan(RedisKeys.cancelRequests(), ScanParams.SCAN_POINTER_START, new ScanParams().count(max));
            Map<String, String> out = new HashMap<>();
            for (var e : page.getResult()) {
                out.put(e.getKey(), e.getValue());
            }
            return out;
        });
    }

    /** {@link TaskQueue#forgetCancel}. */
    void forgetCancel(Collection<String> ids) {
        if (!ids.isEmpty()) {
            scripts.redis.call(j -> j.hdel(RedisKeys.cancelRequests(), ids.toArray(new String[0])));
        }
    }

    /** {@link TaskQueue#cancelIn}. */
    @SuppressWarnings("unchecked")
    List<String> cancelIn(String list, String node, Collection<String> ids, String why) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(ids.size() + 3);
        args.add(Long.toString(scripts.now()));
        args.add(Json.write(why));
        args.add(node == null ? "" : node);
        args.addAll(ids);
        List<String> keys = List.of(list, RedisKeys.resultsQueue());
        Script script = list.equals(RedisKeys.delayed()) ? CANCEL_DELAYED : CANCEL_IN_LIST;
        return scripts.redis.call(j -> (List<String>) script.run(j, keys, args));
    }

    /** {@link TaskQueue#signalCancel}. */
    void signalCancel(String nodeId, Collection<String> ids) {
        if (!ids.isEmpty()) {
            scripts.redis.call(j -> j.sadd(RedisKeys.nodeCancel(nodeId), ids.toArray(new String[0])));
        }
    }

    /** {@link TaskQueue#cancelSignals}. */
    Set<String> cancelSignals(String nodeId) {
        return scripts.redis.call(j -> j.smembers(RedisKeys.nodeCancel(nodeId)));
    }

    /** {@link TaskQueue#clearCancelSignals}. */
    void clearCancelSignals(String nodeId, Collection<String> ids) {
        if (!ids.isEmpty()) {
            scripts.redis.call(j -> j.srem(RedisKeys.nodeCancel(nodeId), ids.toArray(new String[0])));
        }
    }
}
