package colmena.coordinator;

import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Placements not yet written to TaskHistory. A task that finishes soon after it is placed costs
 * one row write, its result stored whole; one still unfinished {@link #DELAY_MS} after its
 * placement (or, while results wait to be stored, {@link #LATEST_MS}, or once the waiting
 * placements hold more than {@link #BUDGET_BYTES}) is written PENDING on its node by the {@link ResultCollector}, on
 * the thread that stores results, so a placement and a result are never written at once. Until
 * then the task is in Redis (a node's queue or in-flight list) and here: a Redis that comes back
 * empty gets these back from here ({@link Recovery}); only if this coordinator dies as well before
 * they are written are they lost.
 *
 * <p>Placements on a node with its own credential, and tasks moved between nodes, are due at
 * once: the {@link NodeOutbox} checks a confined node's results against where TaskHistory (or,
 * until then, this) says the task was placed.
 */
final class PendingRows {
    /** How long a placed task may stay unfinished before its PENDING row is written, while results are not waiting. */
    static final long DELAY_MS = 1_000;
    /** How long at most, while results wait to be stored (they go first: writing them ends most of these). */
    static final long LATEST_MS = 10_000;
    /**
     * How much heap the placements waiting unwritten may hold while results wait: a quarter of the
     * heap (128 MB of start-all's 512 MB). Past it the oldest are written even while results wait.
     * A placement of a small task holds about 700 bytes (a placed sleep task measured 669, its
     * message in the map and the queue), so 128 MB is about 190,000 of them, and a burst of 100,000
     * tasks on two nodes has nearly every row written once; with the count of 50,000 this replaced,
     * 23,000–28,000 of them were written twice (PENDING, then DONE). A task with more parameters (a
     * face-detection tile, a filter) holds two to three times as much, and is counted so ({@link #bytes}).
     */
    static final long BUDGET_BYTES = Runtime.getRuntime().maxMemory() / 4;

    /** A placement and when its row falls due, and about how much heap it holds. */
    record Entry(TaskMessage task, long dueAtMs, int bytes) {
        Entry(TaskMessage task, long dueAtMs) {
            this(task, dueAtMs, PendingRows.bytes(task));
        }
    }

    private final long budgetBytes;
    /** What the entries in the two queues hold, stale ones included (they go as the queues are read). */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    /** Every entry made, in the order its row falls due: those due at once, and the rest (oldest first). */
    private final ConcurrentLinkedQueue<Entry> atOnce = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Entry> later = new ConcurrentLinkedQueue<>();

    PendingRows() {
        this(BUDGET_BYTES);
    }

    /**
     * The clock placements fall due by, in milliseconds: a monotonic one. With the wall clock, a
     * PC's clock set back (by a time sync, or by hand) would hold every placement's row back by as
     * much, and with them placement itself, while results wait ({@link Placer}'s hold-back).
     */
    static long clockMs() {
        return System.nanoTime() / 1_000_000L;
    }

    /** With at most about {@code budgetBytes} of placements left unwritten while results wait. */
    PendingRows(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * About how many bytes of heap a kept placement holds: its message (strings are one byte a
     * character here, as Java keeps Latin-1 text, plus a header each), its parameters, and the map
     * and queue nodes that hold it. Calibrated against a measured small task (669 bytes).
     */
    static int bytes(TaskMessage t) {
        long n = 120 + text(t.id()) + text(t.type()) + text(t.node()) + text(t.reason()) + text(t.replyTo())
                + value(t.params(), 0) + value(t.moves(), 0);
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static long text(String s) {
        return s == null ? 0 : 48 + s.length();
    }

    private static long value(Object v, int depth) {
        if (v == null) {
            return 0;
        }
        if (v instanceof String s) {
            return text(s);
        }
        if (v instanceof Number || v instanceof Boolean) {
            return 16;
        }
        if (depth > 4) {
            return 256;
        }
        if (v instanceof java.util.Map<?, ?> m) {
            long n = m.isEmpty() ? 16 : 64;
            for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
                n += 40 + value(e.getKey(), depth + 1) + value(e.getValue(), depth + 1);
            }
            return n;
        }
        if (v instanceof Collection<?> c) {
            long n = c.isEmpty() ? 16 : 64;
            for (Object o : c) {
                n += 8 + value(o, depth + 1);
            }
            return n;
        }
        return 256;
    }

    /** Tasks about to be moved to their nodes; each replaces any placement of the same task kept before. */
    List<Entry> placed(List<TaskMessage> tasks, long nowMs, java.util.function.Predicate<String> dueAtOnce) {
        List<Entry> added = new ArrayList<>(tasks.size());
        for (TaskMessage t : tasks) {
            boolean now = dueAtOnce.test(t.node());
            Entry e = new Entry(t, now ? nowMs : nowMs + DELAY_MS);
            byId.put(t.id(), e);
            queue(now ? atOnce : later, e);
            added.add(e);
        }
        return added;
    }

    /** Tasks moved from one node's queue to another's: their rows are written at the next pass. */
    void moved(List<TaskMessage> tasks, long nowMs) {
        for (TaskMessage t : tasks) {
            Entry e = new Entry(t, nowMs);
            byId.put(t.id(), e);
            queue(atOnce, e);
        }
    }

    /** Forgets these placements, unless the task was placed again since. */
    void forget(Collection<Entry> entries) {
        for (Entry e : entries) {
            byId.remove(e.task().id(), e);
        }
    }

    /**
     * Forgets the placements these stored results come from: TaskHistory has their rows now. A
     * placement of a later attempt (the task placed again since) is kept.
     */
    void stored(Collection<TaskResult> results) {
        for (TaskResult r : results) {
            byId.computeIfPresent(r.id(), (id, e) -> e.task().attempt() <= r.task().attempt() ? null : e);
        }
    }

    /**
     * Up to {@code max} placements whose row is due by {@code nowMs}, taken from the due order: the
     * caller writes them, then {@link #forget}s them (or, if the write fails, {@link #retry}s them).
     */
    List<Entry> due(long nowMs, int max, boolean resultsWaiting) {
        List<Entry> out = new ArrayList<>();
        takeDue(atOnce, nowMs, max, out);
        long by = resultsWaiting && queuedBytes.get() <= budgetBytes ? nowMs - (LATEST_MS - DELAY_MS) : nowMs;
        takeDue(later, by, max, out);
        return out;
    }

    private void queue(ConcurrentLinkedQueue<Entry> q, Entry e) {
        queuedBytes.addAndGet(e.bytes());
        q.add(e);
    }

    /** Takes the entries due by {@code nowMs} from the head of {@code q}, and drops stale ones there whenever they fall due. */
    private void takeDue(ConcurrentLinkedQueue<Entry> q, long nowMs, int max, List<Entry> out) {
        for (Entry e = q.peek(); e != null && out.size() < max; e = q.peek()) {
            boolean current = byId.get(e.task().id()) == e; // else stored since, or placed again
            if (current && e.dueAtMs() > nowMs) {
                break;
            }
            q.poll();
            queuedBytes.addAndGet(-e.bytes());
            if (current) {
                out.add(e);
            }
        }
    }

    /** About how much heap the kept placements hold. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Placements taken by {@link #due} whose rows could not be written: due again at once. */
    void retry(Collection<Entry> entries) {
        for (Entry e : entries) {
            if (byId.get(e.task().id()) == e) {
                queue(atOnce, e);
            }
        }
    }

    /**
     * The placements, not yet written, of tasks these RUNNING notices come from: written with the
     * notices, so that the notice finds its row on that node.
     */
    List<TaskMessage> startedOn(Collection<TaskResult> results) {
        List<TaskMessage> out = new ArrayList<>();
        for (TaskResult r : results) {
            Entry e = r.status() == TaskStatus.RUNNING ? byId.get(r.id()) : null;
            if (e != null && java.util.Objects.equals(e.task().node(), r.node()) && e.task().attempt() <= r.task().attempt()) {
                out.add(e.task());
            }
        }
        return out;
    }

    /** The node a task was last placed on by this coordinator and not yet written, or null. */
    String nodeOf(String taskId) {
        Entry e = byId.get(taskId);
        return e == null ? null : e.task().node();
    }

    /** Every placement not yet written, for a Redis that lost them. */
    List<TaskMessage> all() {
        return byId.values().stream().map(Entry::task).toList();
    }

    int size() {
        return byId.size();
    }
}
