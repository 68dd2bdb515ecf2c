package colmena;

import colmena.broker.RedisKeys;
import colmena.agent.Agent;
import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.coordinator.Coordinator;
import colmena.coordinator.Placement;
import colmena.log.Durations;
import colmena.store.Database;
import colmena.support.Eventually;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole Colmena in this JVM, on the real test Redis and a fresh real database: a coordinator
 * and agents, each with its own Redis pool as separate processes would have.
 */
public final class Cluster implements AutoCloseable {
    public static final Duration FAST_INTERVAL = Duration.ofMillis(300);

    public final String redisUrl;
    public final Redis redis;
    public final Database db;
    public final TaskQueue queue;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Coordinator> coordinators = new ArrayList<>();
    private final List<Redis> pools = new ArrayList<>();

    /** On the shared test Redis, flushed, and a fresh database. */
    public Cluster() {
        this(TestRedis.url(), TestDatabase.fresh());
        redis.call(j -> j.flushAll());
    }

    /** On a Redis and a database of the test's own (which it may stop and start). */
    public Cluster(String redisUrl, Database db) {
        this.redisUrl = redisUrl;
        this.redis = Redis.connect(redisUrl, 16);
        this.db = db;
        this.queue = new TaskQueue(redis);
    }

    public Coordinator startCoordinator(String policy) {
        return startCoordinator(policy, Coordinator.HOLD_BACK_AT);
    }

    /** @param holdBackAt how many placed tasks may wait for their rows before placement holds back */
    public Coordinator startCoordinator(String policy, int holdBackAt) {
        Redis own = pool();
        Coordinator c = new Coordinator(new Coordinator.Config(redisUrl, null, null, null,
                Placement.named(policy), 0, 3).withHoldBackAt(holdBackAt), own, db);
        c.start();
        coordinators.add(c);
        return c;
    }

    public Agent startAgent(String id, int workers) {
        return startAgent(id, workers, Duration.ofSeconds(5));
    }

    /** @param grace how long running tasks may finish when the agent is stopped */
    public Agent startAgent(String id, int workers, Duration grace) {
        Redis own = pool();
        Agent a = new Agent(new Agent.Config(id, redisUrl, FAST_INTERVAL, workers, Duration.ofSeconds(30),
                grace), own);
        a.start();
        agents.add(a);
        return a;
    }

    private Redis pool() {
        Redis r = Redis.connect(redisUrl, 12);
        pools.add(r);
        return r;
    }

    /** Submits tasks as the CLI and the API do; returns their ids. */
    public List<String> submit(String type, Map<String, Object> params, int count) {
        return queue.submitNew(type, params, count, null);
    }

    /** Starts an agent as a separate process of its own (to be killed), logging to target/. */
    public Process startAgentProcess(String id, int workers) throws java.io.IOException {
        return startAgentProcess(id, workers, List.of());
    }

    /** The same, with more JVM options (a clock moved by {@code -Dcolmena.clock.skewMs}, say). */
    public Process startAgentProcess(String id, int workers, List<String> jvmOptions) throws java.io.IOException {
        List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xmx128m"));
        jvm.addAll(jvmOptions);
        return colmena.bench.Launcher.start(java.nio.file.Path.of("target", "process-logs", id + ".log"),
                jvm, "agent", "--id", id, "--redis", redisUrl,
                "--interval", Durations.format(FAST_INTERVAL), "--workers", Integer.toString(workers));
    }

    /** Starts a coordinator as a separate process on this cluster's Redis and database. */
    public Process startCoordinatorProcess(String name, String dbUrl) throws java.io.IOException {
        return colmena.bench.Launcher.start(java.nio.file.Path.of("target", "process-logs", name + ".log"),
                List.of("-XX:+UseSerialGC", "-Xmx256m"), "coordinator", "--redis", redisUrl, "--db", dbUrl);
    }

    /** Waits until coordinator process {@code p} stands by: it is in the standby set, behind the lease's holder. */
    public void awaitStandingBy(Process p) {
        String pid = ":" + p.pid() + ":";
        Eventually.within(Duration.ofSeconds(30), "coordinator process " + p.pid() + " standing by",
                () -> redis.call(j -> j.zrange(RedisKeys.coordinatorStandby(), 0, -1)).stream().anyMatch(h -> h.contains(pid)));
    }

    /** Whether the node's stats key is there. */
    public boolean online(String node) {
        return redis.call(j -> j.exists(colmena.broker.RedisKeys.nodeStats(node)));
    }

    /** How many tasks the node has finished (its done counter). */
    public long done(String node) {
        String n = redis.call(j -> j.get(colmena.broker.RedisKeys.nodeDone(node)));
        return n == null ? 0 : Long.parseLong(n);
    }

    /** Where every task is now, for a failure message. */
    public String state() {
        StringBuilder sb = new StringBuilder("rows:");
        for (String status : List.of("PENDING", "RUNNING", "DONE", "FAILED")) {
            sb.append(' ').append(status).append('=').append(rows("Status = '" + status + "'"));
        }
        sb.append("; lists:");
        for (String key : redis.call(j -> j.keys("*"))) {
            String type = redis.call(j -> j.type(key));
            if (type.equals("list")) {
                sb.append(' ').append(key).append('=').append(queue.length(key));
            }
        }
        return sb.toString();
    }

    public long rows(String where) {
        try {
            return TestDatabase.count(db, "SELECT COUNT(*) FROM TaskHistory" + (where.isEmpty() ? "" : " WHERE " + where));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Agent a : agents) {
            a.stop();
        }
        for (Coordinator c : coordinators) {
            c.stop();
        }
        for (Redis r : pools) {
            r.close();
        }
        redis.close();
    }

    /** Every task id in TaskHistory. */
    public java.util.Set<String> taskIds() throws java.sql.SQLException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        try (java.sql.Connection c = db.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT TaskId FROM TaskHistory");
             java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
