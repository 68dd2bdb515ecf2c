package colmena.broker;

import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * One Redis credential per node (Redis ACL users, Redis 6.0 and newer). The user's name is the
 * node id, so Redis itself says who sent what: the credential reaches that node's own keys
 * ({@link RedisKeys#nodeKeys}) and reads blobs, with the few commands an agent sends. Everything
 * else is refused by Redis with {@code NOPERM}: other nodes' keys, sessions, the submission and
 * result queues, CONFIG, MODULE, DEBUG, REPLICAOF, SAVE, SHUTDOWN, FLUSHALL, KEYS, Pub/Sub.
 *
 * <p>The control plane (coordinator, API, this class) logs in as Redis's {@code default} user.
 */
public final class NodeCredentials {
    /**
     * The commands an agent sends (Agent, Heartbeat, TaskLoop through {@link TaskQueue},
     * {@link Nodes}, {@link Blobs}). No scripts: its queue moves without Lua ({@link PlainMoves}),
     * so a flaw in Redis's Lua interpreter is out of its reach.
     */
    static final List<String> AGENT_COMMANDS = List.of(
            "ping", "info", "get", "set", "psetex", "del",
            "lpush", "rpush", "lrange", "ltrim", "lrem", "llen", "lmove", "blmove", "incrby",
            "multi", "exec", "discard", "watch", "unwatch",
            // Redis's clock (TIME), its running tasks' progress (a hash it rewrites), its cancel signals (a set it empties).
            "time", "hset", "pexpire", "smembers", "srem");
    /** The control plane's user, never a node's name. */
    public static final String CONTROL_USER = "default";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Redis redis;

    /** @param redis a pool logged in as the control plane (the default user) */
    public NodeCredentials(Redis redis) {
        this.redis = redis;
    }

    /** What {@link #add} made: the node and the password to give its agent, shown once. */
    public record Credential(String nodeId, String password) {
        /** The {@code --redis} URL an agent uses to log in as this node. */
        public String url(String host, int port) {
            return "redis://" + nodeId + ":" + password + "@" + host + ":" + port;
        }
    }

    /**
     * The ACL rules of a node's user: first everything off, then its password, its keys and its
     * commands. Built from {@link RedisKeys}, so the keys an agent writes and the keys it may
     * write cannot drift apart.
     */
    public static List<String> agentRules(String nodeId, String password) {
        List<String> rules = new ArrayList<>(List.of("reset", "on", ">" + password, "resetchannels", "-@all"));
        for (String command : AGENT_COMMANDS) {
            rules.add("+" + command);
        }
        for (String key : RedisKeys.nodeKeys(nodeId)) {
            rules.add("~" + key);
        }
        rules.add("~" + RedisKeys.allBlobs());
        return rules;
    }

    /**
     * Makes a credential for a new node and registers the node, so it shows on the dashboard.
     *
     * @throws IllegalArgumentException when the id is not a node id, is taken, or this Redis has no ACL users
     */
    public Credential add(String nodeId) {
        RedisKeys.validNodeId(nodeId);
        if (nodeId.equals(CONTROL_USER)) {
            throw new IllegalArgumentException("\"" + CONTROL_USER + "\" is Redis's own user; pick another name");
        }
        if (users().contains(nodeId)) {
            throw new IllegalArgumentException("node \"" + nodeId + "\" already has a credential; "
                    + "'node remove " + nodeId + "' first to give it a new one");
        }
        String password = newPassword();
        redis.call(j -> j.aclSetUser(nodeId, agentRules(nodeId, password).toArray(String[]::new)));
        redis.call(j -> j.sadd(RedisKeys.nodes(), nodeId));
        save();
        return new Credential(nodeId, password);
    }

    /**
     * Revokes a node's credential and cuts the connections that used it: its agent loses Redis at
     * once, shows offline within a few seconds, and its tasks go to other nodes.
     *
     * @return whether there was such a credential
     */
    public boolean remove(String nodeId) {
        RedisKeys.validNodeId(nodeId);
        if (nodeId.equals(CONTROL_USER)) {
            throw new IllegalArgumentException("\"" + CONTROL_USER + "\" is the control plane's user, not a node");
        }
        long deleted = redis.call(j -> j.aclDelUser(nodeId));
        try {
            // DELUSER closes the user's connections itself on 6.2; CLIENT KILL covers 6.0.
            redis.call(j -> j.clientKill(ClientKillParams.clientKillParams().user(nodeId)));
        } catch (JedisDataException e) {
            // "No such user": Redis has already closed them with the user.
        }
        save();
        return deleted > 0;
    }

    /** The nodes that have a credential, sorted. */
    public List<String> nodes() {
        List<String> out = new ArrayList<>(users());
        out.remove(CONTROL_USER);
        out.sort(null);
        return out;
    }

    /** Whether this Redis has ACL users (6.0 and newer): the Windows bundle's 5.0 has not. */
    public boolean supported() {
        try {
            users();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private List<String> users() {
        try {
            return redis.call(j -> j.aclUsers());
        } catch (JedisDataException e) {
            throw new IllegalArgumentException("this Redis has no per-node credentials (" + e.getMessage()
                    + "); it needs Redis 6.0 or newer, and agents share its password (README, Security)");
        }
    }

    /** Keeps the users across a Redis restart, when Redis was started with an ACL file (colmena redis does). */
    private boolean save() {
        try {
            redis.call(j -> j.aclSave());
            return true;
        } catch (JedisDataException e) {
            // A Redis started without an ACL file keeps users in memory only; add() and remove() still hold.
            return false;
        }
    }

    /** Whether this Redis keeps its users in a file, so they outlive a restart. */
    public boolean persistent() {
        return save();
    }

    /**
     * The address to give student PCs: the Redis host when it is not loopback, or else this
     * machine's first site-local IPv4 address (its LAN address), or its host name.
     */
    public static String joinHost(String redisHost) {
        if (redisHost != null && !redisHost.equals("127.0.0.1") && !redisHost.equals("localhost")
                && !redisHost.equals("::1") && !redisHost.equals("[::1]")) {
            return redisHost;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "TEACHER-PC"; // the user replaces it; --host avoids the guess
        }
    }

    /** 24 random bytes, URL-safe, so the password fits in a redis:// URL as it is. */
    static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
