package colmena.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A few connections kept open for request handlers, so a request does not pay for a connect.
 * A connection that failed is closed rather than returned.
 */
public final class ConnectionPool implements AutoCloseable {
    private final Database db;
    private final BlockingQueue<Connection> idle;

    public ConnectionPool(Database db, int size) {
        this.db = db;
        this.idle = new ArrayBlockingQueue<>(size);
    }

    /** The database these connections are to. */
    public Database database() {
        return db;
    }

    /**
     * Runs {@code work} in one transaction and commits, then has the database write the commit
     * to its file ({@link Database#writeOut}); on failure rolls back and rethrows.
     */
    public <T> T inTransaction(DbSession.Work<T> work) throws SQLException {
        return use(c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                db.writeOut(c);
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    public <T> T use(DbSession.Work<T> work) throws SQLException {
        Connection c = idle.poll();
        if (c == null) {
            c = db.connect();
        }
        boolean healthy = false;
        try {
            T result = work.run(c);
            healthy = true;
            return result;
        } finally {
            if (!healthy || !idle.offer(c)) {
                closeQuietly(c);
            }
        }
    }

    /** Whether the database answers now (for the health endpoint). */
    public boolean ping() {
        try {
            return use(c -> {
                if (!c.isValid(2)) {
                    throw new SQLException("connection no longer valid");
                }
                return true;
            });
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing a connection that already failed; there is nothing left to save.
        }
    }
}
