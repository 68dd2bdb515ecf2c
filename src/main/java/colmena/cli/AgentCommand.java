package colmena.cli;

import colmena.agent.Agent;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/** {@code colmena agent}: one node. */
final class AgentCommand {
    static final List<Option> OPTIONS = List.of(
            Option.value("id", "COLMENA_NODE_ID", null, "ID", "this node's id (letters, digits, . _ -); default the host name"),
            Settings.REDIS, Settings.NAMESPACE,
            Settings.INTERVAL,
            Option.value("workers", "COLMENA_WORKERS", null, "N", "task threads; default one per CPU this agent may use"),
            Option.value("task-timeout", "COLMENA_TASK_TIMEOUT", "10m", "DURATION", "a task running longer FAILS"),
            Option.value("grace", "COLMENA_GRACE", "10s", "DURATION", "on stop, how long running tasks may finish"));
    static final String SUMMARY = "Runs a node: reports CPU, memory, disk and network to Redis and runs the tasks placed on it.";

    /** The exit code of an agent whose heartbeat, take or results thread died. */
    static final int VITAL_THREAD_DIED = 70;

    private AgentCommand() {
    }

    static int run(String[] args) {
        Flags flags = Startup.flags("agent", SUMMARY, Startup.withProcessOptions(OPTIONS), args);
        if (flags == null) {
            return 0;
        }
        Agent.Config config = config(flags);
        ProcessFiles.install(flags);
        Redis redis = Startup.redis(config.redisUrl(), 8, Startup.startWait(flags));
        Agent agent = new Agent(config, redis);
        // Its own thread: exiting runs the shutdown hook, which waits for the heartbeat thread.
        agent.onLoginRefused(() -> new Thread(() -> System.exit(1), "colmena-exit").start());
        agent.onVitalThreadDeath((thread, cause) -> {
            System.err.println("colmena agent: FATAL: thread " + thread + " died (" + cause + "); exiting with code "
                    + VITAL_THREAD_DIED + " so this node is seen offline and its tasks go elsewhere; restart it");
            // From another thread: the shutdown hook (requeueing this node's tasks) joins the dying one.
            new Thread(() -> System.exit(VITAL_THREAD_DIED), "colmena-exit").start();
        });
        // Before the start: a stop file found or Ctrl+C while it starts must still take the node offline.
        CountDownLatch stopped = Startup.stopOnExit(() -> {
            agent.stop();
            redis.close();
        });
        try {
            agent.start();
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage());
        }
        Startup.awaitStop(stopped);
        return 0;
    }

    /**
     * What the flags ask the agent to be. Without {@code --id} the node is the one a per-node
     * credential in {@code --redis} names, else this host's name.
     *
     * @throws UsageException naming a bad id, or one that differs from the credential's node
     */
    static Agent.Config config(Flags flags) {
        String id = flags.string("id");
        String credential = credentialNode(flags.string("redis"));
        if (credential != null && id != null && !id.equals(credential)) {
            throw new UsageException(flags.source("id") + ": \"" + id + "\" does not match the credential in "
                    + flags.source("redis") + ", which is node \"" + credential + "\"'s; leave out --id or use "
                    + "the line 'colmena node add " + id + "' printed");
        }
        if (id == null) {
            id = credential != null ? credential : defaultNodeId();
        } else if (!RedisKeys.isValidNodeId(id)) {
            throw new UsageException(flags.source("id") + ": \"" + id
                    + "\" is not a node id; use 1 to 64 letters, digits, '.', '_' or '-'");
        }
        int workers = flags.has("workers") ? flags.integer("workers", 1, 1024)
                : Runtime.getRuntime().availableProcessors();
        return new Agent.Config(id, flags.string("redis"),
                flags.duration("interval", Duration.ofMillis(100), Duration.ofMinutes(1)), workers,
                flags.duration("task-timeout", Duration.ofMillis(100), Duration.ofDays(1)),
                flags.duration("grace", Duration.ZERO, Duration.ofHours(1)));
    }

    /**
     * The node a per-node credential belongs to: its Redis ACL user name is the node id
     * ({@code colmena node add}). Null for the default user (a password alone, or none).
     */
    static String credentialNode(String redisUrl) {
        try {
            String user = Redis.userOf(redisUrl);
            if (user != null && !RedisKeys.isValidNodeId(user)) {
                throw new UsageException("--redis: the user name \"" + user + "\" is not a node id");
            }
            return user;
        } catch (IllegalArgumentException e) {
            return null; // the URL itself is reported, with what is wrong with it, when it is connected
        }
    }

    /** The host name, made into a valid node id. */
    static String defaultNodeId() {
        String id = Startup.hostName("node").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        if (id.length() > 64) {
            id = id.substring(0, 64);
        }
        return id.isEmpty() ? "node" : id;
    }
}
