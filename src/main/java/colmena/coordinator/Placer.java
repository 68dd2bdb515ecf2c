package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.Move;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.store.DbErrors;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.support.Glyphs;
import colmena.support.LatencyHistogram;
import colmena.support.Outage;
import colmena.support.Threads;
import colmena.support.ThrottledLog;
import colmena.task.InvalidTaskException;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Places submitted tasks on nodes, a batch at a time: takes them into {@code tasks:placing},
 * chooses a node for each, records each as PENDING in TaskHistory, and only then moves each to
 * its node's queue. A task that cannot run anywhere (unknown type, parameters out of bounds, too
 * many attempts) goes to {@code results:queue} as FAILED with the reason instead.
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
    private final ThrottledLog lines = new ThrottledLog(LOG, 20, "task lines");
    /** After a start or a failure, what an earlier pass left in tasks:placing goes first. */
    private boolean recover = true;
    private boolean warnedNoNodes;
    /** The nodes as last read, with the tasks placed on them since; kept until they are read again. */
    private List<NodeLoad> nodes = List.of();
    private long nodesVersion = -1;

    private final LatencyHistogram waited;
    /** Retries whose back-off has passed are moved to tasks:submitted this often. */
    static final long RELEASE_EVERY_MS = 200;
    private long releasedAtNanos;

    /** @param waited where each placed task's wait, from its submission to its placement, is counted */
    Placer(TaskQueue queue, NodeMonitor monitor, Placement policy, TaskHistoryStore store, DbSession db,
           int maxAttempts, LatencyHistogram waited) {
        this.waited = waited;
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
        Batch batch = nextBatch(wait);
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
        Plan plan = recordPlaced(plan(batch.raws()));
        int moved = queue.moveFromHead(RedisKeys.placing(), plan.moves());
        recordWaits(plan.placed());
        // After leftovers, look again: there may be more of them than one batch.
        recover = batch.leftovers() || moved < plan.moves().size();
        if (moved < plan.moves().size()) {
            // A chosen node went away since the nodes were read: read them again before trying the rest.
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
    private record Plan(List<Move> moves, List<TaskMessage> placed) {
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

    /** Leftovers in tasks:placing first (after a failure or another coordinator's death), else newly submitted tasks. */
    private Batch nextBatch(Duration wait) {
        if (recover) {
            List<String> leftovers = queue.head(RedisKeys.placing(), BATCH);
            recover = !leftovers.isEmpty();
            if (recover) {
                return new Batch(leftovers, true);
            }
        }
        return new Batch(queue.takeSubmitted(BATCH, wait), false);
    }

    /**
     * Chooses a node for each task: unreadable ones go to the dead letters, those that cannot run
     * (too many attempts, bad parameters) are failed at once, the rest are placed.
     */
    private Plan plan(List<String> raws) {
        List<Move> moves = new ArrayList<>(raws.size());
        List<TaskMessage> placed = new ArrayList<>(raws.size());
        for (String raw : raws) {
            TaskMessage task;
            try {
                task = TaskMessage.read(raw);
            } catch (MalformedMessageException e) {
                LOG.warn("Unreadable task in {} moved to {}: {}", RedisKeys.submitted(), RedisKeys.deadLetter(), e.getMessage());
                moves.add(Move.deadLetter(raw, TaskQueue.deadLetterEntry(RedisKeys.submitted(), raw, e.getMessage())));
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
                moves.add(Move.append(raw, RedisKeys.resultsQueue(), Json.write(TaskResult.failed(task, null, refusal, 0, now, 0))));
                continue;
            }
            Placement.Choice choice = policy.choose(nodes);
            choice.node().assign();
            String why = task.priority() == null ? choice.reason()
                    : choice.reason() + "; priority " + task.priority() + " (ahead of lower priorities queued there)";
            TaskMessage onNode = task.placedOn(choice.node().id(), why);
            placed.add(onNode);
            moves.add(Move.toNode(raw, onNode.node(), Json.placed(raw, onNode)));
        }
        return new Plan(moves, placed);
    }

    /**
     * Records the plan's placed tasks as PENDING on their nodes, in one transaction. When the
     * database refuses a value of it (the same write would fail for ever, unlike an outage), each
     * task is recorded on its own and one still refused is failed at once, saying why, instead of
     * holding up every task behind it.
     *
     * @return the plan as it can go on
     */
    private Plan recordPlaced(Plan plan) throws SQLException {
        try {
            db.inTransaction(c -> {
                store.recordPlaced(c, plan.placed());
                return null;
            });
            return plan;
        } catch (SQLException e) {
            if (!DbErrors.refused(e)) {
                throw e;
            }
        }
        List<Move> moves = new ArrayList<>(plan.moves().size());
        List<TaskMessage> placed = new ArrayList<>(plan.placed().size());
        int next = 0;
        for (Move m : plan.moves()) {
            if (m.op() != Move.Op.ENQUEUE) {
                moves.add(m);
                continue;
            }
            TaskMessage t = plan.placed().get(next++);
            try {
                db.inTransaction(c -> {
                    store.recordPlaced(c, List.of(t));
                    return null;
                });
                moves.add(m);
                placed.add(t);
            } catch (SQLException e) {
                if (!DbErrors.refused(e)) {
                    throw e;
                }
                String why = "TaskHistory refused it: " + Outage.reason(e);
                LOG.error("Task {} FAILED before it was placed: {}", t.id(), why);
                moves.add(Move.append(m.raw(), RedisKeys.resultsQueue(),
                        Json.write(TaskResult.failed(t, null, why, 0, System.currentTimeMillis(), 0))));
            }
        }
        return new Plan(moves, placed);
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
            Move m = plan.moves().get(i);
            if (m.op() == Move.Op.ENQUEUE) {
                TaskMessage t = plan.placed().get(shown++);
                lines.info("Task '{}' {}{} sent to node {}", t.type(), Glyphs.ellipsis(), t.shortId(), t.node());
            }
        }
    }

    /** Moves retries whose back-off has passed to tasks:submitted, at most every {@link #RELEASE_EVERY_MS}. */
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
