package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Carries out cancel requests ({@code tasks:cancel}, written by the API and {@code colmena cancel}):
 * a task still waiting (to be placed, for a retry, or in a node's queue) is taken out where it
 * waits and answered CANCELLED in the same step; one a node holds is signalled to that node
 * ({@code node:<id>:cancel}), whose agent stops it at its next checkpoint and answers CANCELLED
 * itself. A request is forgotten once its task's row is final, whatever ended it (a task that
 * finished first stays DONE), or after {@link #GIVE_UP_MS} without finding the task anywhere.
 */
final class Canceller {
    private static final Logger LOG = LoggerFactory.getLogger(Canceller.class);
    static final int BATCH = 500;
    static final long EVERY_MS = 250;
    static final long GIVE_UP_MS = 120_000;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final TaskQueue queue;
    private final NodeMonitor monitor;
    private final TaskHistoryStore store;
    private final DbSession db;
    private long lastNanos;

    Canceller(TaskQueue queue, NodeMonitor monitor, TaskHistoryStore store, DbSession db) {
        this.queue = queue;
        this.monitor = monitor;
        this.store = store;
        this.db = db;
    }

    /** One pass, at most every {@link #EVERY_MS}; returns how many tasks it took out of a queue. */
    int cancelOnce() throws SQLException {
        long now = System.nanoTime();
        if (now - lastNanos < EVERY_MS * 1_000_000L) {
            return 0;
        }
        lastNanos = now;
        Map<String, String> requests = queue.cancelRequests(BATCH);
        if (requests.isEmpty()) {
            return 0;
        }
        Map<String, TaskHistoryStore.TaskState> rows = db.inTransaction(c -> store.states(c, requests.keySet()));
        Requests sorted = sort(requests, rows);
        int taken = takeOutWaiting(sorted.waiting(), sorted.held());
        signalHolders(sorted.held());
        giveUpOn(requests, sorted.held());
        queue.forgetCancel(sorted.moot());
        if (taken > 0) {
            LOG.info("Cancelled {} tasks that were still waiting", taken);
        }
        return taken;
    }

    /**
     * Cancel requests sorted: {@code moot}, of tasks already finished; the others {@code waiting}
     * grouped by who asked (so each CANCELLED result says who), and all of them {@code held} until
     * found waiting somewhere.
     */
    private record Requests(List<String> moot, Map<String, Set<String>> waiting, Set<String> held) {
    }

    private Requests sort(Map<String, String> requests, Map<String, TaskHistoryStore.TaskState> rows) {
        List<String> moot = new ArrayList<>();
        Map<String, Set<String>> waiting = new HashMap<>();
        Set<String> held = new HashSet<>();
        for (Map.Entry<String, String> e : requests.entrySet()) {
            TaskHistoryStore.TaskState row = rows.get(e.getKey());
            if (row != null && row.status().isFinal()) {
                moot.add(e.getKey());
            } else {
                waiting.computeIfAbsent(why(e.getValue()), k -> new HashSet<>()).add(e.getKey());
                held.add(e.getKey());
            }
        }
        return new Requests(moot, waiting, held);
    }

    /**
     * Takes each requested task out of the list where it waits (submitted, placing, delayed, a live
     * node's queue), answering it CANCELLED; what is found leaves {@code waiting} and {@code held}.
     * Returns how many were taken.
     */
    private int takeOutWaiting(Map<String, Set<String>> waiting, Set<String> held) {
        int taken = 0;
        // Where each may wait: [list, node it belongs to or null].
        List<String[]> lists = new ArrayList<>();
        for (String submitted : RedisKeys.submittedInOrder()) {
            lists.add(new String[] {submitted, null});
        }
        lists.add(new String[] {RedisKeys.placing(), null});
        lists.add(new String[] {RedisKeys.delayed(), null});
        for (NodeLoad n : monitor.liveNodes()) {
            lists.add(new String[] {RedisKeys.nodeTasks(n.id()), n.id()});
        }
        for (Map.Entry<String, Set<String>> group : waiting.entrySet()) {
            for (String[] list : lists) {
                if (group.getValue().isEmpty()) {
                    break;
                }
                List<String> found = queue.cancelIn(list[0], list[1], group.getValue(), group.getKey());
                found.forEach(group.getValue()::remove);
                found.forEach(held::remove);
                taken += found.size();
            }
        }
        return taken;
    }

    /** Tasks not found waiting: those a node holds are signalled to it. */
    private void signalHolders(Set<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        for (NodeLoad n : monitor.liveNodes()) {
            List<String> here = new ArrayList<>();
            for (String raw : queue.pending(RedisKeys.nodeInflight(n.id()))) {
                String id = idOf(raw);
                if (id != null && ids.contains(id)) {
                    here.add(id);
                }
            }
            queue.signalCancel(n.id(), here);
        }
    }

    /** Requests for tasks found nowhere for {@link #GIVE_UP_MS}: the task finished or was lost meanwhile. */
    private void giveUpOn(Map<String, String> requests, Set<String> notFound) {
        long now = queue.now();
        List<String> old = new ArrayList<>();
        for (String id : notFound) {
            long at = atMs(requests.get(id));
            if (at > 0 && now - at > GIVE_UP_MS) {
                old.add(id);
            }
        }
        if (!old.isEmpty()) {
            LOG.warn("{} cancel requests dropped after {} s: their tasks were found nowhere to cancel", old.size(),
                    GIVE_UP_MS / 1000);
            queue.forgetCancel(old);
        }
    }

    /** {@code cancelled by alice at 10:42:07}, from the request. */
    static String why(String request) {
        try {
            JsonObject o = Json.GSON.fromJson(request, JsonObject.class);
            String by = o.has("by") && !o.get("by").isJsonNull() ? o.get("by").getAsString() : "someone";
            long at = o.has("atMs") ? o.get("atMs").getAsLong() : 0;
            return "cancelled by " + by + (at > 0 ? " at " + CLOCK.format(Instant.ofEpochMilli(at)) : "");
        } catch (RuntimeException e) {
            return "cancelled";
        }
    }

    private static long atMs(String request) {
        try {
            return Json.GSON.fromJson(request, JsonObject.class).get("atMs").getAsLong();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The id a task's text starts with ({@code {"id":"…"}}), or null. */
    static String idOf(String raw) {
        if (!raw.startsWith("{\"id\":\"")) {
            return null;
        }
        int end = raw.indexOf('"', 7);
        return end < 0 ? null : raw.substring(7, end);
    }
}
