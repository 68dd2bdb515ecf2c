package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.Outcome;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.log.Glyphs;
import colmena.log.ThrottledLog;
import colmena.metrics.LatencyHistogram;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.task.InvalidTaskException;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskTypes;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Places submitted tasks on nodes, a batch at a time: takes them into {@code tasks:placing},
 * chooses a node for each, notes each placement in {@link PendingRows} (its PENDING row is written
 * there if it is still unfinished a moment later), and moves each to its node's queue. A task that
 * cannot run anywhere (unknown type, parameters out of bounds, too many attempts) goes to
 * {@code results:queue} as FAILED with the reason instead.
 */
final class Placer {
    private static final Logger LOG = LoggerFactory.getLogger(Placer.class);
    static final int BATCH = 1_000;

    private final TaskQueue queue;
    private final NodeMonitor monitor;
    private final Placement policy;
    private final TaskHistoryStore store;
    private final DbSession db;
    private final int maxAttempts;
    private final PendingRows pending;
    /** Nodes whose placements are written at once: those with their own credential ({@link NodeOutbox}). */
    private final java.util.function.Predicate<String> confined;
    private final ThrottledLog lines = new ThrottledLog(LOG, 20, "task lines");
    /** After a start or a failure, what an earlier pass left in tasks:placing goes first. */
    private boolean recover = true;
    private boolean warnedNoNodes;
    /** The nodes as last read, with the tasks placed on them since; kept until they are read again. */
    private List<NodeLoad> nodes = List.of();
    private long nodesVersion = -1;

    private final LatencyHistogram waited;
    /**
     * How many placed tasks may wait for their rows at once (placed, not yet in TaskHistory)
     * while results wait to be stored, before this holds back ({@link Coordinator#HOLD_BACK_AT}
     * by default). Then the storing thread is behind: placing more only lengthens the results
     * waiting, and their placements, held in memory, fall due and are written PENDING, a second
     * write per task (a burst of 500,000 sleep tasks had 382,030 of them written twice, and went
     * at 55 % of the pace it kept held back). Held back, the tasks wait in tasks:submitted (and the
     * lists of other priorities) in their order; one of higher priority submitted meanwhile is
     * taken first once placement goes on ({@link RedisKeys#submittedInOrder}).
     */
    private final int mostUnwritten;
    /** How long the placer waits, held back, before it looks again. */
    private static final Duration HELD_BACK = Duration.ofMillis(5);
    /** When this spell of holding back began ({@link System#nanoTime()}), 0 while not holding back. */
    private long heldBackSinceNanos;
    /** When placement last held back. */
    private long heldBackLastNanos;
    /** Retries whose back-off has passed are moved to the lists of their priority (tasks:submitted:…) this often. */
    static final long RELEASE_EVERY_MS = 200;
    private long releasedAtNanos;

    /**
     * @param waited        where each placed task's wait, from its submission to its placement, is counted
     * @param mostUnwritten how many placed tasks may wait for their rows before this holds back
     */
    Placer(TaskQueue queue, NodeMonitor monitor, Placement policy, TaskHistoryStore store, DbSession db,
           int maxAttempts, LatencyHistogram waited, PendingRows pending, java.util.function.Predicate<String> confined,
           int mostUnwritten) {
        this.waited = waited;
        this.mostUnwritten = mostUnwritten;
        this.pending = pending;
        this.confined = confined;
        this.queue = queue;
        this.monitor = monitor;
        this.policy = policy;
        this.store = store;
        this.db = db;
        this.maxAttempts = maxAttempts;
    }

    /**
     * Places one batch, waiting up to {@code wait} for tasks to arrive.
     *
     * @return how many tasks left tasks:placing (placed, or failed before placing), or, with no
     *         live node, how many were recorded as waiting
     * @throws SQLException when TaskHistory cannot be written; the batch stays in tasks:placing
     */
    int placeOnce(Duration wait) throws SQLException {
        releaseDueRetries();
        readNodesIfChanged();
        if (nodes.isEmpty()) {
            warnNoNodesOnce();
            return recordWaiting(wait);
        }
        sayNodesBack();
        int unwritten = pending.size();
        int room = room(unwritten);
        if (room == 0) { // leftovers in tasks:placing wait too: they have no placement to write yet
            Threads.sleep(HELD_BACK.toMillis());
            return 0;
        }
        // At the limit, results may start to wait at any moment: look again soon rather than wait long.
        Batch batch = nextBatch(room, unwritten >= mostUnwritten ? HELD_BACK : wait);
        if (!batch.leftovers()) {
            readNodesIfChanged(); // they may have been read again while this waited (perhaps one was lost)
            if (nodes.isEmpty()) {
                recover = true; // the last node went while this waited; the batch waits in tasks:placing
                return record(batch.raws());
            }
        }
        if (batch.raws().isEmpty()) {
            return 0;
        }
        recover = true;
        Plan plan = plan(batch.raws());
        // Noted before the move: a result stored the moment after finds the placement to forget.
        List<PendingRows.Entry> noted = pending.placed(plan.placed(), PendingRows.clockMs(), confined);
        int moved = queue.moveRunFromHead(RedisKeys.placing(), plan.moves());
        pending.forget(unmoved(plan, noted, moved));
        recordWaits(plan.placed());
        // After leftovers, look again: there may be more of them than one batch.
        recover = batch.leftovers() || moved < plan.moves().size();
        if (moved < plan.moves().size()) {
            // A chosen node went away since the nodes were read (or a task was cancelled out of
            // tasks:placing, and the run moved not at all): read them again before trying the rest.
            nodesVersion = -1;
            Threads.sleep(50);
        }
        logSent(plan, moved);
        return moved;
    }

    /** Raw tasks to place, and whether they are leftovers of an earlier pass (in tasks:placing already). */
    private record Batch(List<String> raws, boolean leftovers) {
    }

    /** What to do with each task of a batch ({@code moves}, in order) and the tasks placed on a node. */
    private record Plan(List<Outcome> moves, List<TaskMessage> placed) {
    }

    private void readNodesIfChanged() {
        if (monitor.version() != nodesVersion) {
            nodesVersion = monitor.version();
            nodes = monitor.liveNodes();
        }
    }

    private void warnNoNodesOnce() {
        if (!warnedNoNodes) {
            warnedNoNodes = true;
            LOG.warn("No live nodes to place tasks on; submitted tasks are recorded in TaskHistory as PENDING "
                    + "and wait in {} until an agent starts", RedisKeys.placing());
        }
    }

    private void sayNodesBack() {
        if (warnedNoNodes) {
            warnedNoNodes = false;
            LOG.info("Nodes are live again; placing tasks");
        }
    }

    /**
     * How many tasks may be taken now, {@code unwritten} placed tasks waiting for their rows: none
     * while {@link #mostUnwritten} do and results wait to be stored (at least {@link
     * #resultsBehind} of them: the storing thread is behind), else a batch, one that does not pass
     * the limit while below it.
     * With only the first condition the tasks are long ones, whose rows are written PENDING a
     * second after placement: they are placed on. A spell of holding back is logged as it begins,
     * and as it ends, once placement has gone on for a second.
     */
    private int room(int unwritten) {
        long now = System.nanoTime();
        if (unwritten < mostUnwritten || queue.waitingToBeStored() < resultsBehind()) {
            if (heldBackSinceNanos != 0 && now - heldBackLastNanos > 1_000_000_000L) {
                LOG.info("Placing on: {} placed tasks wait for their rows (held back for {} ms)", unwritten,
                        (heldBackLastNanos - heldBackSinceNanos) / 1_000_000);
                heldBackSinceNanos = 0;
            }
            return unwritten < mostUnwritten ? Math.min(BATCH, mostUnwritten - unwritten) : BATCH;
        }
        if (heldBackSinceNanos == 0) {
            heldBackSinceNanos = now;
            LOG.info("Holding back placement: {} placed tasks wait for their rows and results wait to be stored "
                    + "(--hold-back-at {}); the others wait in {}", unwritten, mostUnwritten, RedisKeys.submitted());
        }
        heldBackLastNanos = now;
        return 0;
    }

    /** Results waiting to be stored that mean the storing thread is behind: a batch, or the limit if smaller. */
    private int resultsBehind() {
        return Math.min(BATCH, mostUnwritten);
    }

    /** Leftovers in tasks:placing first (after a failure or another coordinator's death), else newly submitted tasks; up to {@code room}. */
    private Batch nextBatch(int room, Duration wait) {
        if (recover) {
            List<String> leftovers = room == 0 ? List.of() : queue.head(RedisKeys.placing(), room);
            recover = !leftovers.isEmpty();
            if (recover) {
                return new Batch(leftovers, true);
            }
        }
        return new Batch(room == 0 ? List.of() : queue.takeSubmitted(room, wait), false);
    }

    /**
     * Chooses a node for each task: unreadable ones go to the dead letters, those that cannot run
     * (too many attempts, bad parameters) are failed at once, the rest are placed.
     */
    private Plan plan(List<String> raws) {
        List<Outcome> moves = new ArrayList<>(raws.size());
        List<TaskMessage> placed = new ArrayList<>(raws.size());
        for (String raw : raws) {
            TaskMessage task;
            try {
                task = TaskMessage.read(raw);
            } catch (MalformedMessageException e) {
                // Named after where it was submitted (tasks:submitted, or a list of another priority, read the same).
                LOG.warn("Unreadable task in {} moved to {}: {}", RedisKeys.submitted(), RedisKeys.deadLetter(), e.getMessage());
                moves.add(Outcome.deadLetter(raw, RedisKeys.submitted(), e.getMessage()));
                continue;
            }
            String refusal;
            try {
                refusal = refusal(task);
            } catch (RuntimeException | StackOverflowError e) {
                refusal = "its parameters could not be checked: " + e;
            }
            if (refusal != null) {
                long now = System.currentTimeMillis();
                moves.add(Outcome.failAtOnce(raw, Json.write(TaskResult.failed(task, null, refusal, 0, now, 0))));
                continue;
            }
            Placement.Choice choice = policy.choose(nodes);
            choice.node().assign();
            String why = task.priority() == null ? choice.reason()
                    : choice.reason() + "; priority " + task.priority() + " (ahead of lower priorities queued there)";
            TaskMessage onNode = task.placedOn(choice.node().id(), why);
            placed.add(onNode);
            moves.add(Outcome.placeOn(raw, onNode.node(), Json.placed(raw, onNode)));
        }
        return new Plan(moves, placed);
    }

    /** The placements of the plan's tasks that did not reach their node: the first {@code moved} moves were made. */
    private static List<PendingRows.Entry> unmoved(Plan plan, List<PendingRows.Entry> noted, int moved) {
        int reached = 0;
        for (int i = 0; i < moved; i++) {
            if (plan.moves().get(i).placesOnNode()) {
                reached++;
            }
        }
        return noted.subList(reached, noted.size());
    }

    /** How long each placed task waited from submission to placement, for the coordinator's figures. */
    private void recordWaits(List<TaskMessage> placed) {
        long nowMs = queue.now();
        for (TaskMessage t : placed) {
            if (t.submittedAtMs() > 0) {
                waited.record((nowMs - t.submittedAtMs()) * 1_000_000L);
            }
        }
    }

    /** A line for each task that reached its node, among the first {@code moved} moves. */
    private void logSent(Plan plan, int moved) {
        int shown = 0;
        for (int i = 0; i < moved && shown < plan.placed().size(); i++) {
            if (plan.moves().get(i).placesOnNode()) {
                TaskMessage t = plan.placed().get(shown++);
                if (lines.take()) { // the short id is made only for a line printed
                    LOG.info("Task '{}' {}{} sent to node {}", t.type(), Glyphs.ellipsis(), t.shortId(), t.node());
                }
            }
        }
    }

    /** Moves retries whose back-off has passed to be placed again, at most every {@link #RELEASE_EVERY_MS}. */
    private void releaseDueRetries() {
        long now = System.nanoTime();
        if (now - releasedAtNanos < RELEASE_EVERY_MS * 1_000_000L) {
            return;
        }
        releasedAtNanos = now;
        int released = queue.releaseDue(BATCH);
        if (released > 0) {
            LOG.info("{} tasks whose back-off has passed sent to be placed again", released);
        }
    }

    /**
     * With no live node: takes one batch of submitted tasks into tasks:placing (where the next pass
     * with a live node starts) and records them in TaskHistory as PENDING on no node, so that a
     * task submitted straight to Redis is known to TaskHistory within moments even while no agent
     * runs, and comes back if Redis loses its data.
     *
     * @return how many were recorded
     * @throws SQLException when TaskHistory cannot be written; the batch waits in tasks:placing all the same
     */
    private int recordWaiting(Duration wait) throws SQLException {
        recover = true;
        return record(queue.takeSubmitted(BATCH, wait));
    }

    /** Records tasks now in tasks:placing as PENDING on no node; returns how many. */
    private int record(List<String> raws) throws SQLException {
        List<TaskMessage> tasks = new ArrayList<>(raws.size());
        for (String raw : raws) {
            try {
                tasks.add(TaskMessage.read(raw));
            } catch (MalformedMessageException e) {
                // Dead-lettered when it is placed, with the others; nothing to record.
            }
        }
        if (tasks.isEmpty()) {
            return 0;
        }
        db.inTransaction(c -> {
            store.recordSubmitted(c, tasks);
            return null;
        });
        return tasks.size();
    }

    /** Why a task cannot be placed at all, or null when it can. */
    private String refusal(TaskMessage task) {
        // Runs that failed and were tried again (opt-in retries) are not counted against the node deaths allowed.
        if (task.attempt() > maxAttempts + task.failuresSoFar()) {
            String last = task.moves() == null || task.moves().isEmpty() ? "" : "; last: " + task.moves().get(task.moves().size() - 1);
            return "gave up after " + maxAttempts + " attempts" + last;
        }
        try {
            TaskTypes.check(task.type(), task.params());
            return null;
        } catch (InvalidTaskException e) {
            return e.getMessage();
        }
    }

    /** Call after a failure, so the next pass starts with what is left in tasks:placing. */
    void recoverNext() {
        recover = true;
    }
}
