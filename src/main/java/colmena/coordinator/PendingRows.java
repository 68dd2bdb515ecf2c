package colmena.coordinator;

import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Placements not yet written to TaskHistory. A task that finishes soon after it is placed costs
 * one row write, its result stored whole; one still unfinished {@link #DELAY_MS} after its
 * placement (or, while results wait to be stored, {@link #LATEST_MS}, or once more than
 * {@link #MAX_UNWRITTEN} wait) is written PENDING on its node by the {@link ResultCollector}, on
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
     * How many placements may wait unwritten at most; beyond it the oldest are written even while
     * results wait. Each takes about 700 bytes of heap (its task message, kept for a Redis that
     * comes back empty), so at most a quarter of the heap: 150,000 from a heap of 420 MB up
     * (start-all gives 512 MB), fewer in a smaller one. A burst of 100,000 tasks on two nodes then
     * has every row written once; at 50,000, as before, 23,000–28,000 of them were written twice
     * (PENDING, then DONE).
     */
    static final int MAX_UNWRITTEN = maxUnwritten(Runtime.getRuntime().maxMemory());

    /** The cap on unwritten placements for a heap of {@code maxHeapBytes}. */
    static int maxUnwritten(long maxHeapBytes) {
        return (int) Math.max(10_000, Math.min(150_000, maxHeapBytes / 4 / 700));
    }

    /** A placement and when its row falls due. */
    record Entry(TaskMessage task, long dueAtMs) {
    }

    private final int maxUnwritten;
    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    /** Every entry made, in the order its row falls due: those due at once, and the rest (oldest first). */
    private final ConcurrentLinkedQueue<Entry> atOnce = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Entry> later = new ConcurrentLinkedQueue<>();

    PendingRows() {
        this(MAX_UNWRITTEN);
    }

    /** With at most {@code maxUnwritten} placements left unwritten while results wait. */
    PendingRows(int maxUnwritten) {
        this.maxUnwritten = maxUnwritten;
    }

    /** Tasks about to be moved to their nodes; each replaces any placement of the same task kept before. */
    List<Entry> placed(List<TaskMessage> tasks, long nowMs, java.util.function.Predicate<String> dueAtOnce) {
        List<Entry> added = new ArrayList<>(tasks.size());
        for (TaskMessage t : tasks) {
            boolean now = dueAtOnce.test(t.node());
            Entry e = new Entry(t, now ? nowMs : nowMs + DELAY_MS);
            byId.put(t.id(), e);
            (now ? atOnce : later).add(e);
            added.add(e);
        }
        return added;
    }

    /** Tasks moved from one node's queue to another's: their rows are written at the next pass. */
    void moved(List<TaskMessage> tasks, long nowMs) {
        for (TaskMessage t : tasks) {
            Entry e = new Entry(t, nowMs);
            byId.put(t.id(), e);
            atOnce.add(e);
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
        long by = resultsWaiting && byId.size() <= maxUnwritten ? nowMs - (LATEST_MS - DELAY_MS) : nowMs;
        takeDue(later, by, max, out);
        return out;
    }

    private void takeDue(ConcurrentLinkedQueue<Entry> q, long nowMs, int max, List<Entry> out) {
        for (Entry e = q.peek(); e != null && out.size() < max && e.dueAtMs() <= nowMs; e = q.peek()) {
            q.poll();
            if (byId.get(e.task().id()) == e) { // else stored since, or placed again
                out.add(e);
            }
        }
    }

    /** Placements taken by {@link #due} whose rows could not be written: due again at once. */
    void retry(Collection<Entry> entries) {
        for (Entry e : entries) {
            if (byId.get(e.task().id()) == e) {
                atOnce.add(e);
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
            if (e != null && java.util.Objects.equals(e.task().node(), r.node())) {
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
