package colmena.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Says when committed rows are safe on disk, so their copies in Redis may go.
 *
 * <p>SQL Server makes a transaction durable when it commits. The embedded H2 database does not:
 * it keeps commits in memory and writes them to its file every second (WRITE_DELAY), or, with
 * WRITE_DELAY=0, rewrites its changed pages on every commit, which at hundreds of small commits a
 * second cost most of a core and tens of kilobytes of file per task. Here H2 commits stay in
 * memory, and this writes and syncs them together with {@code CHECKPOINT}, at most every
 * {@link #H2_INTERVAL_MS}, on its own thread and connection. The caller numbers each commit with
 * {@link #committed()} and keeps what it must not lose until {@link #durable()} has reached that
 * number: a process killed in between finds it still in Redis and stores it again (storing is
 * idempotent).
 */
public final class Durability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Durability.class);
    /** How often H2's commits are written and synced, at most, while there are any to write. */
    public static final long H2_INTERVAL_MS = 50;

    private static final int H2_NOT_ENOUGH_RIGHTS = 90096;

    private final Database db;
    /** True for databases whose commit is durable, and for an H2 user not allowed to CHECKPOINT. */
    private volatile boolean commitIsDurable;
    private final Object lock = new Object();
    private long committed;
    private volatile long durable;
    private volatile boolean running = true;
    private Thread thread;
    private boolean warned;

    private Durability(Database db, boolean commitIsDurable) {
        this.db = db;
        this.commitIsDurable = commitIsDurable;
    }

    /** For {@code db}: checkpoints on a thread of its own for H2, nothing for databases whose commits are durable. */
    public static Durability of(Database db) {
        Durability d = new Durability(db, !db.isH2());
        if (!d.commitIsDurable) {
            d.thread = new Thread(d::run, "colmena-checkpoint");
            d.thread.setDaemon(true);
            d.thread.start();
        }
        return d;
    }

    /** Notes a commit that has just returned; durable once {@link #durable()} is at least the number returned. */
    public long committed() {
        synchronized (lock) {
            long ticket = ++committed;
            if (commitIsDurable) {
                durable = ticket;
            } else {
                lock.notifyAll();
            }
            return ticket;
        }
    }

    /** Writes and syncs every commit counted so far, now, on this thread. */
    public void flushNow() throws SQLException {
        if (commitIsDurable) {
            return;
        }
        long target;
        synchronized (lock) {
            target = committed;
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
        synchronized (lock) {
            durable = Math.max(durable, target);
        }
    }

    /** The highest commit number known to be on disk. */
    public long durable() {
        return durable;
    }

    private void run() {
        Connection c = null;
        while (running) {
            long target;
            synchronized (lock) {
                while (running && committed == durable) {
                    try {
                        lock.wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                target = committed;
            }
            if (!running) {
                break;
            }
            try {
                if (c == null) {
                    c = db.connect();
                }
                try (Statement s = c.createStatement()) {
                    // Every commit counted before this began is in what it writes.
                    s.execute("CHECKPOINT");
                }
                synchronized (lock) {
                    durable = Math.max(durable, target);
                }
            } catch (SQLException e) {
                close(c);
                c = null;
                if (e.getErrorCode() == H2_NOT_ENOUGH_RIGHTS) {
                    LOG.warn("The database user may not run CHECKPOINT ({}); each commit is taken as durable, as "
                            + "H2 makes it with WRITE_DELAY=0 in the URL", e.getMessage());
                    synchronized (lock) {
                        commitIsDurable = true;
                        durable = committed;
                    }
                    return;
                }
                if (!warned) {
                    warned = true;
                    LOG.warn("Could not write TaskHistory to disk with CHECKPOINT ({}); results stay in Redis until it can",
                            e.getMessage());
                }
            }
            sleep(H2_INTERVAL_MS);
        }
        close(c);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Already broken; nothing more to do with it.
            }
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
