package colmena.coordinator;

import colmena.broker.NodeView;
import colmena.broker.Nodes;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.metrics.NodeStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Watches the nodes: which are live and how loaded (for placement), and which have stopped
 * reporting while still holding tasks; those tasks are sent back to {@code tasks:submitted} to be
 * placed again, each with a note of where it was and why it moved.
 */
final class NodeMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMonitor.class);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    /** Above these a node counts as saturated, once it has stayed there {@link #SATURATED_AFTER_MS}. */
    static final double SATURATED_CPU_OTHERS = 0.9;
    static final double SATURATED_MEMORY_PERCENT = 90;
    static final long SATURATED_AFTER_MS = 3_000;

    private final Nodes nodes;
    private final TaskQueue queue;
    private final Map<String, Long> overSinceMs = new HashMap<>();
    private final Set<String> announcedOnline = new HashSet<>();
    private final Map<String, CompletionRate> rates = new HashMap<>();
    private volatile List<NodeLoad> live = List.of();
    private volatile long version;

    NodeMonitor(Nodes nodes, TaskQueue queue) {
        this.nodes = nodes;
        this.queue = queue;
    }

    /** Goes up with every {@link #check()}: a placer keeps its counts until the nodes are read again. */
    long version() {
        return version;
    }

    /** A fresh copy of the live, undrained nodes, for placing until the next {@link #check()}. */
    List<NodeLoad> liveNodes() {
        List<NodeLoad> copy = new ArrayList<>();
        for (NodeLoad n : live) {
            copy.add(n.copy());
        }
        return copy;
    }

    /**
     * Reads every node once: refreshes the live list and reclaims the tasks of nodes that have
     * gone.
     *
     * @return how many tasks were sent back to be placed again
     */
    int check() {
        return check(true);
    }

    /**
     * As {@link #check()}; with {@code mayReclaim} false (Redis was just away, see
     * {@link RedisPresence}) a node without a stats key is left holding its tasks for now.
     */
    int check(boolean mayReclaim) {
        long now = System.currentTimeMillis();
        long monoMs = System.nanoTime() / 1_000_000L;
        List<NodeLoad> fresh = new ArrayList<>();
        List<NodeView> lost = new ArrayList<>();
        for (NodeView v : nodes.all()) {
            if (v.online() && v.stats() != null) {
                if (announcedOnline.add(v.id())) {
                    LOG.info("Node {} online: {} CPUs, host {}", v.id(), v.stats().cores(), v.stats().host());
                }
                double rate = observeRate(v, monoMs);
                if (!v.drained()) {
                    NodeLoad n = load(v, now);
                    n.observedRate = rate;
                    fresh.add(n);
                }
            } else {
                rates.remove(v.id());
                if (announcedOnline.remove(v.id())) {
                    LOG.info("Node {} offline", v.id());
                }
                if (mayReclaim && v.queued() + v.running() > 0) {
                    lost.add(v);
                }
            }
        }
        // Published before reclaiming, so the tasks sent back are placed on live nodes only.
        live = List.copyOf(fresh);
        version++;
        int reclaimed = 0;
        for (NodeView v : lost) {
            reclaimed += reclaim(v);
        }
        return reclaimed;
    }

    private NodeLoad load(NodeView v, long now) {
        NodeStats s = v.stats();
        NodeLoad n = new NodeLoad(v.id(), s.cores(), s.cpuPercent(), s.memPercent(), v.queued(), v.running(), false)
                .workers(s.workers(), s.longRunning());
        boolean over = n.otherCpu() >= SATURATED_CPU_OTHERS || s.memPercent() >= SATURATED_MEMORY_PERCENT;
        if (!over) {
            overSinceMs.remove(v.id());
            return n;
        }
        long since = overSinceMs.computeIfAbsent(v.id(), k -> now);
        boolean saturated = now - since >= SATURATED_AFTER_MS;
        return new NodeLoad(v.id(), s.cores(), s.cpuPercent(), s.memPercent(), v.queued(), v.running(), saturated)
                .workers(s.workers(), s.longRunning());
    }

    /** Feeds the node's done counter to its completion rate; returns the rate, NaN until known. */
    private double observeRate(NodeView v, long monoMs) {
        int workers = v.stats().workers() > 0 ? v.stats().workers() : Math.max(1, v.stats().cores());
        // While long-running tasks hold every worker, nothing it could finish is being measured.
        boolean busy = (v.queued() > 0 || v.running() >= workers) && v.stats().longRunning() < workers;
        CompletionRate rate = rates.computeIfAbsent(v.id(), k -> new CompletionRate());
        rate.observe(monoMs, v.done(), busy);
        return rate.perSecond();
    }

    /**
     * Sends everything a lost node held back to be placed again. Only a task that was running on a
     * node that died costs an attempt: one that waited in its queue never started, and a node that
     * stopped gracefully handed back what it held (a task it interrupted says so in its history).
     */
    int reclaim(NodeView v) {
        Long leftAt = nodes.leftAtMs(v.id());
        if (leftAt != null) {
            String note = "handed back by " + v.id() + " when it stopped at " + CLOCK.format(Instant.ofEpochMilli(leftAt));
            int n = reclaimFrom(RedisKeys.nodeInflight(v.id()), note, false) + reclaimFrom(RedisKeys.nodeTasks(v.id()), note, false);
            if (n > 0) {
                LOG.info("{} stopped: {} tasks it handed back sent to be placed again (no attempt spent)", v.id(), n);
            }
            return n;
        }
        String lastSeen = v.stats() == null ? "an unknown time"
                : CLOCK.format(Instant.ofEpochMilli(v.stats().sampledAtMs()));
        String note = v.id() + " stopped reporting at " + lastSeen;
        int running = reclaimFrom(RedisKeys.nodeInflight(v.id()), note + " while running it", true);
        int queued = reclaimFrom(RedisKeys.nodeTasks(v.id()), note + " before it started", false);
        if (running + queued > 0) {
            LOG.info("{}: {} running and {} queued tasks sent back to be placed again", note, running, queued);
        }
        return running + queued;
    }

    /** @param costsAttempt whether the tasks were cut short by the node's death */
    private int reclaimFrom(String key, String note, boolean costsAttempt) {
        return queue.requeueForPlacement(key, RedisKeys.submitted(),
                task -> costsAttempt ? task.movedAway(note) : task.requeued(note));
    }
}
