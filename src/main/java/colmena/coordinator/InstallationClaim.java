package colmena.coordinator;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.install.Identity;
import colmena.install.Installation;
import colmena.install.InstallationStore;
import colmena.install.Stamp;
import colmena.store.Database;
import colmena.store.DbSession;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Which installation this coordinator works for: the one its database holds (read on a thread of
 * its own, see {@link #start()}), or, while the
 * database holds none, a fresh one it records once it has won the lease with it. A refusal is
 * logged once, in one line naming both installations, until the reason changes.
 */
final class InstallationClaim {
    private static final Logger LOG = LoggerFactory.getLogger(InstallationClaim.class);
    /** How often a database that holds no installation yet is read again. */
    static final Duration REREAD_EVERY = Duration.ofSeconds(2);

    private final Database database;
    private final DbSession db;
    private final String namespace;
    private final String redisWhere;
    private final Installation candidate;
    private volatile Installation confirmed;
    private volatile boolean read;
    private volatile boolean running = true;
    private volatile boolean rereadRequested;
    private final Redis redis;
    private volatile String refusal;

    InstallationClaim(Database database, Redis redis) {
        this.redis = redis;
        String redisUrl = redis.url();
        this.database = database;
        this.db = new DbSession(database);
        this.namespace = RedisKeys.namespace();
        this.redisWhere = Identity.where(redisUrl, namespace);
        this.candidate = Installation.fresh(namespace);
    }

    /**
     * Why this coordinator must not lead whatever Redis says (its database file deleted, or the
     * database belongs to another namespace), or null. No I/O but a file check: the lease loop
     * calls it on every renewal, and a database that is slow to answer (an H2 server changing
     * hands) must not delay the lease.
     */
    String localProblem() {
        Path gone = database.missingFile();
        if (gone != null) {
            return "TaskHistory's database file " + gone + " was deleted under this coordinator: its results would go "
                    + "where nobody reads them; restart it to make a new database";
        }
        Installation held = confirmed;
        return held == null ? null : Identity.problem(held, null, namespace, redisWhere, database.shortName());
    }

    /** Whether the database has been read at least once (until then the coordinator cannot lead). */
    boolean ready() {
        return read;
    }

    /**
     * Reads the database's installation on a thread of its own: at start (again on each pass of its
     * loop until it answers), while it holds none (a new installation is on its way), and when Redis names
     * another installation (see the lease loop). Not every round: a read while H2's disk is full,
     * or just after, gets in the way of its recovery (HealthTruthTest). A failed read keeps the
     * last one. A database file deleted under the coordinator is noticed without a read.
     */
    void start() {
        Thread t = new Thread(() -> {
            long lastReadNanos = 0;
            while (running) {
                boolean due = !read || rereadRequested
                        || confirmed == null && System.nanoTime() - lastReadNanos > REREAD_EVERY.toNanos();
                if (due) {
                    try {
                        boolean requested = rereadRequested;
                        rereadRequested = false;
                        Installation before = confirmed;
                        Installation now = reread();
                        if (requested && now != null && before != null && !now.name().equals(before.name())) {
                            Stamp.rename(redis, now); // a name given while Redis was being emptied
                        }
                        lastReadNanos = System.nanoTime();
                    } catch (SQLException | RuntimeException e) {
                        LOG.debug("Installation not read from the database: {}", e.getMessage());
                    }
                }
                Threads.sleep(500);
            }
        }, "colmena-installation");
        t.setDaemon(true);
        t.start();
    }

    void stop() {
        running = false;
    }

    /** Redis had lost its stamp and was stamped again from memory: read the database's name again. */
    void rereadSoon() {
        rereadRequested = true;
    }

    /** Reads the database's installation now. */
    synchronized Installation reread() throws SQLException {
        confirmed = db.inTransaction(InstallationStore::read);
        read = true;
        return confirmed;
    }

    /** The installation to ask the lease for: the database's, or the fresh one while it has none. */
    Installation asked() {
        Installation held = confirmed;
        return held != null ? held : candidate;
    }

    /** The installation the database holds (null until known): only then may this coordinator work. */
    Installation confirmed() {
        return confirmed;
    }

    String confirmedId() {
        Installation held = confirmed;
        return held == null ? null : held.id();
    }

    /**
     * Records the fresh installation in the database, once the lease and the Redis stamp were won
     * with it.
     *
     * @return whether the database now holds it (false: another process recorded another first)
     */
    synchronized boolean record() throws SQLException {
        Installation held = db.inTransaction(c -> InstallationStore.create(c, candidate));
        confirmed = held;
        read = true;
        if (held.id().equals(candidate.id())) {
            LOG.info("New installation {}: recorded in {} and stamped in Redis at {}", held.describe(),
                    database.shortName(), redisWhere);
            return true;
        }
        return false;
    }

    /** The message for a Redis stamped by {@code stamp}, which is not this coordinator's installation. */
    String foreign(Stamp stamp) {
        String problem = Identity.problem(confirmed, stamp, namespace, redisWhere, database.shortName());
        return problem != null ? problem : "Redis at " + redisWhere + " belongs to installation " + stamp.describe();
    }

    /** Logs, once per reason, that this coordinator refuses to lead. */
    void refuse(String reason) {
        if (!reason.equals(refusal)) {
            LOG.error("This coordinator refuses to lead: {}", reason);
            refusal = reason;
        }
    }

    /** The refusal no longer holds: logged once. */
    void accepted() {
        if (refusal != null) {
            LOG.info("No longer refused: this coordinator works for installation {}", asked().describe());
            refusal = null;
        }
    }

    /** Why this coordinator refuses to lead now, or null. */
    String refusal() {
        return refusal;
    }
}
