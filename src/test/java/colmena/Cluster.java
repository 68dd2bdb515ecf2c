package colmena;

import colmena.agent.Agent;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.coordinator.Coordinator;
import colmena.coordinator.Placement;
import colmena.store.Database;
import colmena.task.TaskMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A whole Colmena in this JVM, on the real test Redis and a fresh real database: a coordinator
 * and agents, each with its own Redis pool as separate processes would have.
 */
public final class Cluster implements AutoCloseable {
    public static final Duration FAST_INTERVAL = Duration.ofMillis(300);

    public final Redis redis;
    public final Database db;
    public final TaskQueue queue;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Coordinator> coordinators = new ArrayList<>();
    private final List<Redis> pools = new ArrayList<>();

    public Cluster() {
        this.redis = TestRedis.fresh();
        this.db = TestDatabase.fresh();
        this.queue = new TaskQueue(redis);
    }

    public Coordinator startCoordinator(String policy) {
        Redis own = pool();
        Coordinator c = new Coordinator(new Coordinator.Config(TestRedis.url(), null, null, null,
                Placement.named(policy), 0, 3), own, db);
        c.start();
        coordinators.add(c);
        return c;
    }

    public Agent startAgent(String id, int workers) {
        Redis own = pool();
        Agent a = new Agent(new Agent.Config(id, TestRedis.url(), FAST_INTERVAL, workers, Duration.ofSeconds(30),
                Duration.ofSeconds(5)), own);
        a.start();
        agents.add(a);
        return a;
    }

    private Redis pool() {
        Redis r = Redis.connect(TestRedis.url(), 12);
        pools.add(r);
        return r;
    }

    /** Submits tasks as the CLI and the API do; returns their ids. */
    public List<String> submit(String type, Map<String, Object> params, int count) {
        List<String> ids = new ArrayList<>();
        List<String> encoded = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            encoded.add(Json.write(TaskMessage.submit(id, type, params, System.currentTimeMillis(), null)));
        }
        queue.submit(encoded);
        return ids;
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
}
