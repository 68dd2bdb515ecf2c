package colmena.broker;

import java.util.regex.Pattern;

/**
 * Every Redis key Colmena uses, written once. The first three are the paper's and are a contract
 * with other machines and scripts; the rest are Colmena's own.
 *
 * <pre>
 * key                        type    written by                     meaning
 * node:&lt;id&gt;:stats             string  agent, every interval (TTL)    latest metrics; expiry = node gone
 * node:&lt;id&gt;:tasks             list    coordinator (RPUSH)            tasks placed on the node, oldest first
 * results:queue              list    agents (RPUSH)                 results (and RUNNING notices) to store
 * node:&lt;id&gt;:inflight          list    agent (atomic move from tasks) tasks the node has taken and not finished
 * node:&lt;id&gt;:last              string  agent, every interval          latest metrics, kept after the node goes
 * node:&lt;id&gt;:history           list    agent (LPUSH, trimmed)         compact metric samples, newest first
 * node:&lt;id&gt;:done              string  agent (INCR)                   tasks the node has finished
 * node:&lt;id&gt;:left              string  agent, on a graceful stop (TTL) when it stopped: its queue was handed back, not lost
 * nodes                      set     agent                          every node ever seen (until forgotten)
 * nodes:drained              set     API / CLI                      nodes that get no new work
 * tasks:submitted            list    API / CLI (RPUSH)              tasks waiting to be placed
 * deadletter                 list    anyone (LPUSH, trimmed)        messages that could not be read, with why
 * coordinator:leader         string  coordinator (SET NX PX)        the lease of the working coordinator
 * coordinator:stats          string  coordinator, every second (TTL) placement and node-reading timings, JSON
 * coordinator:standby        zset    coordinator (with the lease)   coordinators standing by, scored by when that ends (ms, Redis's clock)
 * colmena:epoch              string  coordinator                    marks this Redis's data as Colmena's
 * reply:&lt;uuid&gt;               list    coordinator (RPUSH, TTL)       stored results for a waiting submitter
 * tasks:done:&lt;minute&gt;        string  coordinator (INCRBY, TTL)      tasks stored DONE in that minute (epoch minute)
 * tasks:failed:&lt;minute&gt;      string  coordinator (INCRBY, TTL)      tasks stored FAILED in that minute
 * session:&lt;sha256&gt;           string  API (SET PX)                   a dashboard login: user, role, anti-forgery token
 * </pre>
 */
public final class RedisKeys {
    public static final String RESULTS_QUEUE = "results:queue";
    public static final String SUBMITTED = "tasks:submitted";
    public static final String NODES = "nodes";
    public static final String DRAINED = "nodes:drained";
    public static final String DEAD_LETTER = "deadletter";
    public static final String LEADER = "coordinator:leader";
    public static final String COORDINATOR_STATS = "coordinator:stats";
    public static final String COORDINATOR_STANDBY = "coordinator:standby";
    public static final String EPOCH = "colmena:epoch";
    private static final String REPLY_PREFIX = "reply:";

    /** Patterns matching every node's queue and in-flight list (for a full scan after a Redis loss). */
    public static final String ALL_NODE_TASKS = "node:*:tasks";
    public static final String ALL_NODE_INFLIGHT = "node:*:inflight";

    /** A node id is what a user types: short, and nothing that could reach into another key. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A blob's name: the SHA-256 of its bytes in lower-case hex. */
    public static final String BLOB_HASH_REGEX = "[0-9a-f]{64}";
    private static final Pattern BLOB_HASH = Pattern.compile(BLOB_HASH_REGEX);
    private static final Pattern REPLY = Pattern.compile("reply:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private RedisKeys() {
    }

    public static String nodeStats(String nodeId) {
        return "node:" + validNodeId(nodeId) + ":stats";
    }

    public static String nodeTasks(String nodeId) {
        return "node:" + validNodeId(nodeId) + ":tasks";
    }

    public static String nodeInflight(String nodeId) {
        return "node:" + validNodeId(nodeId) + ":inflight";
    }

    public static String nodeLast(String nodeId) {
        return "node:" + validNodeId(nodeId) + ":last";
    }

    public static String nodeHistory(String nodeId) {
        return "node:" + validNodeId(nodeId) + ":history";
    }

    /** Set (with a TTL) by an agent that stops gracefully, in the same step that removes its stats key. */
    public static String nodeLeft(String nodeId) {
        return "node:" + validNodeId(nodeId) + ":left";
    }

    public static String nodeDone(String nodeId) {
        return "node:" + validNodeId(nodeId) + ":done";
    }

    /** Tasks stored DONE during one minute, counted by epoch minute (ms / 60,000). */
    public static String doneInMinute(long epochMinute) {
        return "tasks:done:" + epochMinute;
    }

    public static String failedInMinute(long epochMinute) {
        return "tasks:failed:" + epochMinute;
    }

    /** A dashboard session, by the SHA-256 of its cookie (the cookie itself is never stored). */
    public static String session(String sessionHash) {
        return "session:" + sessionHash;
    }

    /** A blob (a photo, a tile, a cascade) by the SHA-256 of its bytes, in lower-case hex. */
    public static String blob(String sha256Hex) {
        if (!isBlobHash(sha256Hex)) {
            throw new IllegalArgumentException("invalid blob hash \"" + sha256Hex + "\": expected 64 hex digits");
        }
        return "blob:" + sha256Hex;
    }

    public static boolean isBlobHash(String s) {
        return s != null && BLOB_HASH.matcher(s).matches();
    }

    /** A fresh reply list for one waiting submitter. */
    public static String newReply(java.util.UUID id) {
        return REPLY_PREFIX + id;
    }

    /** Whether {@code key} names a reply list, the only key a message may ask Colmena to write. */
    public static boolean isReply(String key) {
        return key != null && REPLY.matcher(key).matches();
    }

    public static boolean isValidNodeId(String nodeId) {
        return nodeId != null && NODE_ID.matcher(nodeId).matches();
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
