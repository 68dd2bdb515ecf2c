package colmena.install;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.store.Database;
import colmena.store.DbSession;
import colmena.support.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Keeps an API or an agent aware of the installation it works for: reads Redis's stamp (and, for
 * a process with a database, the database's installation) at start and every {@link #EVERY}, so a
 * reconnect to another Redis or database is noticed. Each change is logged once. A reading that
 * fails keeps the last one (the process's own outage messages say what is away).
 */
public final class InstallationWatch {
    private static final Logger LOG = LoggerFactory.getLogger(InstallationWatch.class);
    public static final Duration EVERY = Duration.ofSeconds(2);

    /**
     * What is known now.
     *
     * @param installation the database's installation (the stamp's, for a process without one), or null
     * @param problem      why this process must not work with this Redis and database, or null
     */
    public record State(Installation installation, Stamp stamp, String problem) {
        public static final State UNKNOWN = new State(null, null, null);
    }

    private final String who;
    private final Redis redis;
    private final Database database;
    private final DbSession db;
    private final String namespace = RedisKeys.namespace();
    private volatile State state = State.UNKNOWN;
    private volatile boolean running = true;

    /**
     * @param who      how the process names itself in log lines ("API", "Agent 'nodo1'")
     * @param database the process's TaskHistory, or null for an agent
     */
    public InstallationWatch(String who, Redis redis, Database database) {
        this.who = who;
        this.redis = redis;
        this.database = database;
        this.db = database == null ? null : new DbSession(database);
    }

    public State state() {
        return state;
    }

    /** Reads both sides once and logs what changed; returns the new state. */
    public State check() {
        State before = state;
        Stamp stamp = before.stamp();
        Installation held = before.installation();
        try {
            stamp = Stamp.read(redis);
        } catch (RuntimeException e) {
            LOG.debug("Installation stamp not read: {}", e.getMessage());
        }
        if (db != null) {
            try {
                held = db.inTransaction(InstallationStore::read);
            } catch (SQLException e) {
                LOG.debug("Installation not read from the database: {}", e.getMessage());
            }
        } else {
            held = stamp == null ? null : new Installation(stamp.id(), stamp.name(), namespace);
        }
        String problem = db == null ? null : Identity.problem(held, stamp, namespace,
                Identity.where(redis.url(), namespace), database.describe());
        State now = new State(held, stamp, problem);
        state = now;
        report(before, now);
        return now;
    }

    private void report(State before, State now) {
        if (now.problem() != null) {
            if (!now.problem().equals(before.problem())) {
                LOG.error("{} refuses to work: {}", who, now.problem());
            }
            return;
        }
        if (before.problem() != null) {
            LOG.info("{} no longer refused", who);
        }
        String was = before.stamp() == null ? null : before.stamp().id();
        String is = now.stamp() == null ? null : now.stamp().id();
        if (is != null && !is.equals(was)) {
            LOG.info("{} joined installation {}{}", who, now.stamp().describe(),
                    namespace.isEmpty() ? "" : " in namespace \"" + namespace + "\"");
        } else if (is == null && (was != null || before == State.UNKNOWN)) {
            LOG.info("{}: Redis at {} has no installation stamp yet; a coordinator makes it", who,
                    Identity.where(redis.url(), namespace));
        }
    }

    /** Checks now and then every {@link #EVERY} on a thread of its own. */
    public void start() {
        check();
        Thread t = new Thread(() -> {
            while (running && Threads.sleep(EVERY.toMillis())) {
                try {
                    check();
                } catch (RuntimeException e) {
                    LOG.warn("Installation check failed; trying again in {} ms", EVERY.toMillis(), e);
                }
            }
        }, "colmena-installation");
        t.setDaemon(true); // only watches: it must not keep a stopping process alive
        t.start();
    }

    public void stop() {
        running = false;
    }
}
