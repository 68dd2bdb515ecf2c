package colmena.install;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Keeps an API or an agent aware of the installation it works for: reads Redis's stamp at start
 * and every {@link #EVERY} (and, for a process with a database, the database's installation at
 * start and whenever the stamp does not match it), so a reconnect to another Redis is noticed. Each change is logged once. A reading that
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
    private final String dbWhere;
    private final Reader db;
    private final String namespace = RedisKeys.namespace();
    private volatile State state = State.UNKNOWN;
    /** A problem seen once: it counts only when the next check sees it too (see {@link #check()}). */
    private String suspected;
    private volatile boolean running = true;

    /** Reads the installation from the process's database (null when it holds none). */
    public interface Reader {
        Installation read() throws SQLException;
    }

    /** For an agent: Redis's stamp only. */
    public InstallationWatch(String who, Redis redis) {
        this(who, redis, null, null);
    }

    /**
     * @param who     how the process names itself in log lines ("API", "Agent 'nodo1'")
     * @param dbWhere how to name the database in messages
     * @param db      reads the database's installation (through the process's own connections)
     */
    public InstallationWatch(String who, Redis redis, String dbWhere, Reader db) {
        this.who = who;
        this.redis = redis;
        this.dbWhere = dbWhere;
        this.db = db;
    }

    public State state() {
        return state;
    }

    /** Reads both sides once and logs what changed; returns the new state. */
    public State check() {
        return check(false);
    }

    /**
     * As {@link #check()}; with {@code readDatabase} the database is read whatever the stamp says
     * (after a rename).
     */
    public synchronized State check(boolean readDatabase) {
        State before = state;
        Stamp stamp = before.stamp();
        Installation held = before.installation();
        try {
            stamp = Stamp.read(redis);
        } catch (RuntimeException e) {
            LOG.debug("Installation stamp not read: {}", e.getMessage());
        }
        // The database is read while it holds no installation (a coordinator is making one) or when
        // Redis names another: not every round, since a read while H2's disk is full gets in the way
        // of its recovery. A database file deleted under the process is noticed by the coordinator.
        boolean readDb = readDatabase || before == State.UNKNOWN || held == null || stamp != null && !stamp.id().equals(held.id());
        if (db != null && readDb) {
            try {
                held = db.read();
            } catch (SQLException e) {
                LOG.debug("Installation not read from the database: {}", e.getMessage());
            }
        } else {
            held = stamp == null ? null : new Installation(stamp.id(), stamp.name(), namespace);
        }
        String problem = db == null ? null : Identity.problem(held, stamp, namespace,
                Identity.where(redis.url(), namespace), dbWhere);
        // A new installation's coordinator stamps Redis a moment before it records the row: a
        // problem counts once two checks in a row see it, so that moment is not taken for one.
        if (problem != null && before.problem() == null && !problem.equals(suspected)) {
            suspected = problem;
            problem = null;
        } else if (problem == null) {
            suspected = null;
        }
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
        } else if (is == null && db == null && (was != null || before == State.UNKNOWN)) {
            // An agent says so (it may wait for a coordinator); an API's first lines are its address and admin banner.
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
