package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.TaskQueue;
import colmena.task.TaskMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Moves tasks that wait in one node's queue to another's, as {@link Rebalance} plans from the nodes
 * last read: each move is one atomic step of {@link TaskQueue} (the task leaves the tail of one
 * queue and joins the other's only if it was still waiting and the other node is still alive),
 * logged, and noted in the task's Moves in TaskHistory (through {@link PendingRows}, on the
 * thread that writes TaskHistory).
 */
final class Rebalancer {
    private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    /** A node that received tasks does not give any back for this long, nor one that gave receive any. */
    static final long COOL_DOWN_MS = 3_000;

    private final TaskQueue queue;
    private final NodeMonitor monitor;
    private final PendingRows pending;
    private final Map<String, Long> gaveAtMs = new HashMap<>();
    private final Map<String, Long> receivedAtMs = new HashMap<>();

    Rebalancer(TaskQueue queue, NodeMonitor monitor, PendingRows pending) {
        this.queue = queue;
        this.monitor = monitor;
        this.pending = pending;
    }

    /**
     * One pass over the nodes as last read.
     *
     * @return how many tasks moved
     */
    int rebalanceOnce() {
        long nowMs = System.nanoTime() / 1_000_000L;
        List<Rebalance.Transfer> plan = Rebalance.plan(monitor.liveNodes(), recent(gaveAtMs, nowMs),
                recent(receivedAtMs, nowMs), Rebalance.MAX_MOVES);
        List<TaskMessage> moved = new ArrayList<>();
        for (Rebalance.Transfer t : plan) {
            int n = transfer(t, moved);
            if (n > 0) {
                gaveAtMs.put(t.from().id, nowMs);
                receivedAtMs.put(t.to().id, nowMs);
                LOG.info("Moved {} queued task{} from {} to {}: {}", n, n == 1 ? "" : "s", t.from().id, t.to().id,
                        summary(t));
            }
        }
        pending.moved(moved, PendingRows.clockMs());
        return moved.size();
    }

    /** Moves up to {@code t.count()} tasks from the tail of one queue, oldest of them first, so they keep their order. */
    private int transfer(Rebalance.Transfer t, List<TaskMessage> moved) {
        // Reading is not moving: the move below finds each task again, and skips it if it has gone.
        List<String> tail = queue.lastQueued(t.from().id, t.count());
        String note = "moved from " + t.from().id + " to " + t.to().id + " at "
                + CLOCK.format(Instant.now()) + ": " + t.note();
        int n = 0;
        for (String raw : tail) {
            TaskMessage task;
            try {
                task = TaskMessage.read(raw);
            } catch (MalformedMessageException e) {
                continue; // left where it is: the agent sends it to the dead-letter list with the reason
            }
            t.to().assign();
            String why = Placement.LeastLoaded.reason(t.to(), ", moved from " + t.from().id);
            TaskMessage there = task.movedTo(t.to().id, why, note);
            TaskQueue.Transfer done = queue.transfer(t.from().id, t.to().id, raw, Json.write(there));
            if (done == TaskQueue.Transfer.MOVED) {
                moved.add(there);
                n++;
            } else if (done == TaskQueue.Transfer.NODE_GONE) {
                break; // the node it was going to has gone
            }
        }
        return n;
    }

    private static String summary(Rebalance.Transfer t) {
        if (!t.timed()) {
            return t.why();
        }
        return String.format(Locale.ROOT, "%s (%s's queue was to end in %.1f s, at %s; these now end in %.1f s on %s)",
                t.why(), t.from().id, t.fromEnds(), rate(t.from()), t.toEnds(), t.to().id);
    }

    private static String rate(NodeLoad n) {
        return n.hasObservedRate() ? Placement.LeastLoaded.tasksPerSecond(n.observedRate) : "an estimated rate";
    }

    private static Set<String> recent(Map<String, Long> atMs, long nowMs) {
        atMs.values().removeIf(at -> nowMs - at > COOL_DOWN_MS);
        return new HashSet<>(atMs.keySet());
    }
}
