package colmena.broker;

import colmena.task.Names;
import colmena.task.TaskMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Every Redis key Colmena uses, written once. The first three are the paper's and are a contract
 * with other machines and scripts; the rest are Colmena's own. Longer than our files usually are
 * because it is that one list: every key is found, and can be changed, here.
 *
 * <pre>
 * In a namespace (--namespace NAME) every key below starts with NAME: ("7a:node:nodo1:stats");
 * the default namespace keeps these names unprefixed.
 *
 * key                        type    written by                     meaning
 * node:&lt;id&gt;:stats             string  agent, every interval (TTL)    latest metrics; expiry = node gone
 * node:&lt;id&gt;:tasks             list    coordinator (RPUSH)            tasks placed on the node, oldest first
 * results:queue              list    agents (RPUSH)                 results (and RUNNING notices) to store; a priority
 *                                    (LPUSH above priority 5)       above 5 joins at the head, to be stored first
 * node:&lt;id&gt;:inflight          list    agent (atomic move from tasks) tasks the node has taken and not finished
 * node:&lt;id&gt;:last              string  agent, every interval          latest metrics, kept after the node goes
 * node:&lt;id&gt;:history           list    agent (LPUSH, trimmed)         compact metric samples, newest first
 * node:&lt;id&gt;:done              string  agent (INCR)                   tasks the node has finished
 * node:&lt;id&gt;:left              string  agent, on a graceful stop (TTL) when it stopped: its queue was handed back, not lost
 * node:&lt;id&gt;:results           list    agent with its own credential  its results, until the coordinator checks and moves them
 * node:&lt;id&gt;:deadletter        list    agent with its own credential  its dead letters, until the coordinator moves them
 * nodes                      set     agent                          every node ever seen (until forgotten)
 * nodes:drained              set     API / CLI                      nodes that get no new work
 * tasks:submitted            list    API / CLI (RPUSH)              tasks waiting to be placed (priority 5, the default)
 * tasks:submitted:&lt;p&gt;        list    API / CLI (RPUSH)              tasks of priority p (0-9, not 5) waiting to be placed:
 *                                                                    9 first, then 8, 7, 6, tasks:submitted, 4 ... 0
 * deadletter                 list    anyone (LPUSH, trimmed)        messages that could not be read, with why
 * coordinator:leader         string  coordinator (SET NX PX)        the lease of the working coordinator
 * coordinator:stats          string  coordinator, every second (TTL) placement and node-reading timings, JSON
 * coordinator:standby        zset    coordinator (with the lease)   coordinators standing by, scored by when that ends (ms, Redis's clock)
 * colmena:epoch              string  coordinator                    marks this Redis's data as Colmena's
 * colmena:installation       string  coordinator (leader, TTL)      "id name" of the installation this namespace belongs to
 * tasks:placing              list    coordinator (atomic move)      submitted tasks being placed
 * results:storing            list    coordinator (atomic move)      results being stored, dropped after the commit
 * reply:&lt;uuid&gt;               list    coordinator (RPUSH, TTL)       stored results for a waiting submitter
 * tasks:done:&lt;minute&gt;        string  coordinator (INCRBY, TTL)      tasks stored DONE in that minute (epoch minute)
 * tasks:failed:&lt;minute&gt;      string  coordinator (INCRBY, TTL)      tasks stored FAILED in that minute
 * session:&lt;sha256&gt;           string  API (SET PX)                   a dashboard login: user, role, anti-forgery token
 * </pre>
 */
public final class RedisKeys {
    /** What a namespace may be called: short, lower case, nothing that could reach into another key. */
    public static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    /**
     * First words of Colmena's own keys: a namespace spelled like one would make its keys look like
     * another namespace's (or the default's), so such names are refused.
     */
    public static final Set<String> RESERVED_NAMESPACES = Set.of(
            "node", "nodes", "results", "tasks", "deadletter", "coordinator", "colmena", "reply", "session", "blob");
    private static final String REPLY = "reply:";

    /**
     * The prefix every key carries: "" for the default namespace (the paper's names, unprefixed),
     * else {@code <namespace>:}. Set once at start by {@link #useNamespace}, before any key is built.
     */
    private static volatile String prefix = "";

    /** A blob's name: the SHA-256 of its bytes in lower-case hex. */
    public static final String BLOB_HASH_REGEX = "[0-9a-f]{64}";
    private static final Pattern BLOB_HASH = Pattern.compile(BLOB_HASH_REGEX);

    private RedisKeys() {
    }

    // ---- the namespace --------------------------------------------------------------------

    /**
     * Makes every key of this process carry {@code namespace}'s prefix; null or "" is the default
     * namespace (no prefix). Called once at start, from the {@code --namespace} flag.
     *
     * @throws IllegalArgumentException naming what is wrong with the name
     */
    public static void useNamespace(String namespace) {
        prefix = namespace == null || namespace.isEmpty() ? "" : validNamespace(namespace) + ":";
    }

    /** This process's namespace, "" for the default one. */
    public static String namespace() {
        return prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
    }

    /** The prefix every key of this process starts with ("" in the default namespace). */
    public static String prefix() {
        return prefix;
    }

    /** @throws IllegalArgumentException when {@code namespace} is not a usable name */
    public static String validNamespace(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("invalid namespace \"" + namespace
                    + "\": use 1 to 32 lower-case letters, digits, '_' or '-', starting with a letter or digit");
        }
        if (RESERVED_NAMESPACES.contains(namespace)) {
            throw new IllegalArgumentException("invalid namespace \"" + namespace + "\": it is the first word of Colmena's own keys ("
                    + String.join(", ", new TreeSet<>(RESERVED_NAMESPACES)) + "); choose another name");
        }
        return namespace;
    }

    private static String key(String name) {
        return prefix + name;
    }

    // ---- keys -----------------------------------------------------------------------------

    /** The paper's {@code results:queue}. */
    public static String resultsQueue() {
        return key("results:queue");
    }

    /** Results the coordinator has taken and not yet dropped after the database commit. */
    public static String storing() {
        return key("results:storing");
    }

    /** Tasks of the default priority (5), or of none, waiting to be placed. */
    public static String submitted() {
        return key("tasks:submitted");
    }

    /**
     * Where a task of priority {@code priority} (0–9) waits to be placed: {@link #submitted()} for
     * the default, 5; {@code tasks:submitted:<priority>} for the others.
     */
    public static String submitted(int priority) {
        if (priority < 0 || priority > TaskMessage.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority " + priority + " is not 0 to " + TaskMessage.MAX_PRIORITY);
        }
        return priority == TaskMessage.DEFAULT_PRIORITY ? submitted() : key("tasks:submitted:" + priority);
    }

    /** Every list of tasks waiting to be placed, in the order they are taken: priority 9 first, 0 last. */
    public static List<String> submittedInOrder() {
        List<String> lists = new ArrayList<>(TaskMessage.MAX_PRIORITY + 1);
        for (int p = TaskMessage.MAX_PRIORITY; p >= 0; p--) {
            lists.add(submitted(p));
        }
        return lists;
    }

    /** Submitted tasks the coordinator has taken and not yet moved to a node. */
    public static String placing() {
        return key("tasks:placing");
    }

    /** Sorted set: tasks whose run FAILED, waiting out their back-off before a retry, scored by when (ms, Redis's clock). */
    public static String delayed() {
        return key("tasks:delayed");
    }

    /**
     * String, kept {@link TaskQueue#RETRY_MARK_SECONDS} (an hour once its failure is dropped): set
     * when a task's retry, whose attempt is {@code attempt} (the failed one's next), goes into
     * {@link #delayed()}, so that a failure stored a second time (after a coordinator's crash)
     * does not schedule the same retry again.
     */
    public static String retryScheduled(String taskId, int attempt) {
        return key("tasks:retry:" + taskId + ":" + attempt);
    }

    /** Hash: cancel requests not yet carried out, {@code taskId -> {"by", "atMs"}}; the coordinator carries them out. */
    public static String cancelRequests() {
        return key("tasks:cancel");
    }

    public static String nodes() {
        return key("nodes");
    }

    public static String drained() {
        return key("nodes:drained");
    }

    public static String deadLetter() {
        return key("deadletter");
    }

    public static String leader() {
        return key("coordinator:leader");
    }

    public static String coordinatorStats() {
        return key("coordinator:stats");
    }

    /** Sorted set: coordinators standing by, scored by when their claim lapses (ms, Redis's clock). */
    public static String coordinatorStandby() {
        return key("coordinator:standby");
    }

    public static String epoch() {
        return key("colmena:epoch");
    }

    /** The installation this namespace belongs to: {@code <id> <name>}, kept alive by its leader. */
    public static String installation() {
        return key("colmena:installation");
    }

    /**
     * A node's key as the texts before and after its id, for a script that builds the key for each
     * node in {@link #nodes()}: {@code around(RedisKeys::nodeTasks)} is {@code ["node:", ":tasks"]}
     * (with the namespace's prefix).
     */
    public static List<String> around(UnaryOperator<String> nodeKey) {
        String a = nodeKey.apply("a");
        String b = nodeKey.apply("b");
        int at = 0;
        while (a.charAt(at) == b.charAt(at)) {
            at++;
        }
        return List.of(a.substring(0, at), a.substring(at + 1));
    }

    public static String nodeStats(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":stats");
    }

    public static String nodeTasks(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":tasks");
    }

    public static String nodeInflight(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":inflight");
    }

    public static String nodeLast(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":last");
    }

    public static String nodeHistory(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":history");
    }

    /** Set: ids of tasks this node holds that it is to cancel (the coordinator adds them, the agent removes them). */
    public static String nodeCancel(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":cancel");
    }

    /** Hash: the progress its running tasks last reported, {@code taskId -> {"percent", "text"}}; rewritten every beat. */
    public static String nodeProgress(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":progress");
    }

    /** Set (with a TTL) by an agent that stops gracefully, in the same step that removes its stats key. */
    public static String nodeLeft(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":left");
    }

    public static String nodeDone(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":done");
    }

    /**
     * Results of an agent that logs in with its own credential: only it writes here, so the
     * coordinator knows who sent each one (see {@code coordinator.NodeOutbox}).
     */
    public static String nodeResults(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":results");
    }

    /** Dead letters of an agent that logs in with its own credential, moved on by the coordinator. */
    public static String nodeDeadLetter(String nodeId) {
        return key("node:" + validNodeId(nodeId) + ":deadletter");
    }

    /** Every key of one node: what that node's own Redis credential may touch (with {@link #allBlobs}). */
    public static List<String> nodeKeys(String nodeId) {
        return List.of(nodeStats(nodeId), nodeTasks(nodeId), nodeInflight(nodeId), nodeLast(nodeId),
                nodeHistory(nodeId), nodeLeft(nodeId), nodeDone(nodeId), nodeResults(nodeId), nodeDeadLetter(nodeId),
                nodeProgress(nodeId), nodeCancel(nodeId));
    }

    /** Pattern matching every blob, for a Redis ACL rule: an agent reads the photos and tiles its tasks name. */
    public static String allBlobs() {
        return key("blob:*");
    }

    /** Tasks stored DONE during one minute, counted by epoch minute (ms / 60,000). */
    public static String doneInMinute(long epochMinute) {
        return key("tasks:done:" + epochMinute);
    }

    public static String failedInMinute(long epochMinute) {
        return key("tasks:failed:" + epochMinute);
    }

    /** A dashboard session, by the SHA-256 of its cookie (the cookie itself is never stored). */
    public static String session(String sessionHash) {
        return key("session:" + sessionHash);
    }

    /** A blob (a photo, a tile, a cascade) by the SHA-256 of its bytes, in lower-case hex. */
    public static String blob(String sha256Hex) {
        if (!isBlobHash(sha256Hex)) {
            throw new IllegalArgumentException("invalid blob hash \"" + sha256Hex + "\": expected 64 hex digits");
        }
        return key("blob:" + sha256Hex);
    }

    public static boolean isBlobHash(String s) {
        return s != null && BLOB_HASH.matcher(s).matches();
    }

    /** A fresh reply list for one waiting submitter. */
    public static String newReply(UUID id) {
        return key(REPLY + id);
    }

    /** Whether {@code key} names a reply list of this namespace, the only key a message may ask Colmena to write. */
    public static boolean isReply(String key) {
        return key != null && key.startsWith(prefix + REPLY) && Names.lowercaseUuid(key.substring(prefix.length() + REPLY.length()));
    }

    /**
     * A node id is what a user types: 1 to 64 letters, digits, '.', '_' or '-', a letter or digit
     * first; short, and nothing that could reach into another key.
     */
    public static boolean isValidNodeId(String nodeId) {
        return Names.plain(nodeId, 64, "._-", true);
    }

    /**
     * @throws IllegalArgumentException when {@code nodeId} is not a valid node id
     */
    public static String validNodeId(String nodeId) {
        if (!isValidNodeId(nodeId)) {
            throw new IllegalArgumentException("invalid node id \"" + nodeId
                    + "\": use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return nodeId;
    }
}
