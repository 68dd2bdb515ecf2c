package colmena.coordinator;

import colmena.broker.MalformedMessageException;
import colmena.broker.NodeCredentials;
import colmena.broker.Nodes;
import colmena.broker.Outcome;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Moves on what agents with their own credential send ({@link NodeCredentials}): such an agent can
 * write only its node's keys, so whatever is in {@code node:<id>:results} comes from node
 * {@code <id>}. A result goes on to {@code results:queue} only when it names that node and the
 * task is one TaskHistory has placed on it (now, or earlier: a late result keeps its meaning), or
 * one this coordinator has just placed there and not yet written ({@link PendingRows}); anything
 * else goes to the dead-letter list with the reason, after {@link #PLACEMENT_GRACE_MS} if its
 * placement may still be being written. Storing only once is the
 * {@link ResultCollector}'s: a second result for a stored task is noted, never stored.
 */
final class NodeOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(NodeOutbox.class);
    static final int BATCH = 500;
    /** The node list is asked of Redis this often (ACL USERS). */
    private static final long REFRESH_MS = 2_000;
    /**
     * A result for a task TaskHistory places on another node waits this long before it is refused:
     * a task moved between nodes is recorded in the same pass, but not in the same instant.
     */
    static final long PLACEMENT_GRACE_MS = 30_000;
    /**
     * A result for a task TaskHistory does not have waits this long: a placement on a confined node
     * is written at the collector's next pass, so only one written by a coordinator that has just
     * died can still come.
     */
    static final long UNWRITTEN_GRACE_MS = 5_000;

    private final TaskQueue queue;
    private final Nodes registry;
    private final NodeCredentials credentials;
    private final TaskHistoryStore store;
    private final DbSession db;
    private final PendingRows pending;
    /** Nodes with a credential as last read, for the placer (another thread). */
    private volatile Set<String> confined = Set.of();
    /** Nodes with a credential now, and every node whose lists are looked at (those, and the registry's). */
    private List<String> credentialed = List.of();
    private List<String> nodes = List.of();
    private long refreshedAtMs;
    private boolean noAcl;
    private final Map<String, Long> waitingSinceMs = new HashMap<>();

    /**
     * @param nodes       the registry, whose nodes are looked at too
     * @param credentials the nodes' Redis users, read to know which nodes are confined
     */
    NodeOutbox(TaskQueue queue, Nodes nodes, NodeCredentials credentials, TaskHistoryStore store, DbSession db,
               PendingRows pending) {
        this.pending = pending;
        this.queue = queue;
        this.registry = nodes;
        this.credentials = credentials;
        this.store = store;
        this.db = db;
    }

    /** Whether a node has its own credential, as last read (its results are checked against its placements). */
    boolean confined(String nodeId) {
        return confined.contains(nodeId);
    }

    /** Whether any node has its own credential (then the outbox is worth looking at often). */
    boolean hasCredentialedNodes() {
        refresh();
        return !credentialed.isEmpty();
    }

    /**
     * Moves on what every credentialed node has sent since the last pass.
     *
     * @return how many messages were moved (on, or to the dead-letter list)
     */
    int gatherOnce() throws SQLException {
        refresh();
        if (nodes.isEmpty()) {
            return 0;
        }
        List<String> ids = nodes;
        List<TaskQueue.Outbox> sent = queue.outboxes(ids);
        int moved = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (sent.get(i).results() > 0) {
                moved += gatherResults(ids.get(i));
            }
            if (sent.get(i).deadLetters() > 0) {
                moved += gatherDeadLetters(ids.get(i));
            }
        }
        return moved;
    }

    private int gatherResults(String nodeId) throws SQLException {
        String source = RedisKeys.nodeResults(nodeId);
        List<String> raws = queue.head(source, BATCH);
        Map<String, TaskResult> read = new HashMap<>();
        Set<String> taskIds = new LinkedHashSet<>();
        for (String raw : raws) {
            try {
                TaskResult r = TaskResult.read(raw);
                read.put(raw, r);
                taskIds.add(r.id());
            } catch (MalformedMessageException e) {
                // judged below, with the reason
            }
        }
        Map<String, TaskHistoryStore.Holder> holders = db.inTransaction(c -> store.holders(c, List.copyOf(taskIds)));
        List<Outcome> moves = new ArrayList<>(raws.size());
        long now = System.currentTimeMillis();
        for (String raw : raws) {
            TaskResult r = read.get(raw);
            String refused = r == null ? "unreadable result" : refusal(nodeId, r, holders.get(r.id()), now);
            if (refused == null) {
                // A higher priority's result goes ahead of those waiting to be stored (of one pass's,
                // the last ahead comes first; a RUNNING notice stored after its task's result is ignored).
                moves.add(r.task().priorityOrDefault() > TaskMessage.DEFAULT_PRIORITY ? Outcome.passOnAhead(raw) : Outcome.passOn(raw));
                waitingSinceMs.remove(r.id());
            } else if (refused.isEmpty()) {
                break; // waits for its placement to be recorded; those behind it keep their order
            } else {
                LOG.warn("Result from node {} refused: {}", nodeId, refused);
                moves.add(Outcome.deadLetter(raw, source, refused));
                if (r != null) {
                    waitingSinceMs.remove(r.id());
                }
            }
        }
        return queue.moveFromHead(source, moves);
    }

    /**
     * Why a result from {@code nodeId} is not stored, "" to wait a little, or null when it may go on.
     */
    String refusal(String nodeId, TaskResult r, TaskHistoryStore.Holder holder, long nowMs) {
        if (!nodeId.equals(r.node())) {
            return "result for task " + r.id() + " names node \"" + r.node() + "\" but was sent with node "
                    + nodeId + "'s credential";
        }
        if (nodeId.equals(pending.nodeOf(r.id())) || holder != null && holder.heldBy(nodeId)) {
            return null;
        }
        // A placement not yet written (this coordinator's, or one that died a moment ago) is written within moments.
        if (holder == null || !holder.status().isFinal()) {
            long since = waitingSinceMs.computeIfAbsent(r.id(), k -> nowMs);
            if (nowMs - since < (holder == null ? UNWRITTEN_GRACE_MS : PLACEMENT_GRACE_MS)) {
                return "";
            }
        }
        if (holder == null) {
            return "task " + r.id() + " is not in TaskHistory; node " + nodeId + " was never given it";
        }
        return "task " + r.id() + " was placed on " + (holder.node() == null ? "no node" : "node " + holder.node())
                + ", never on node " + nodeId;
    }

    /** An agent's own dead letters join the shared list, capped like any other entry. */
    private int gatherDeadLetters(String nodeId) {
        String source = RedisKeys.nodeDeadLetter(nodeId);
        List<String> raws = queue.head(source, BATCH);
        List<Outcome> moves = new ArrayList<>(raws.size());
        for (String raw : raws) {
            moves.add(Outcome.deadLetter(raw, source, "dead letter from node " + nodeId));
        }
        return queue.moveFromHead(source, moves);
    }

    /**
     * Looks again at which nodes to gather from: those with a credential, and every registered
     * node, so that what a node sent just before its credential was removed is still moved on.
     */
    private void refresh() {
        long now = System.currentTimeMillis();
        if (now - refreshedAtMs < REFRESH_MS) {
            return;
        }
        refreshedAtMs = now;
        if (!noAcl && !credentials.supported()) {
            noAcl = true; // Redis 5: no per-node credentials; only the registry's nodes are looked at
        }
        credentialed = noAcl ? List.of() : credentials.nodes();
        confined = Set.copyOf(credentialed);
        TreeSet<String> all = new TreeSet<>(credentialed);
        for (String id : registry.registered()) {
            if (RedisKeys.isValidNodeId(id)) {
                all.add(id);
            }
        }
        nodes = List.copyOf(all);
    }
}
