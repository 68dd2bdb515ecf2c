package colmena.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One thread's connection to the database, opened when first needed and opened again after a
 * failure, with each unit of work in its own transaction. Not for sharing between threads.
 */
public final class DbSession implements AutoCloseable {
    private final Database db;
    private Connection connection;

    public DbSession(Database db) {
        this.db = db;
    }

    /** Work done inside one transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} and commits; on failure rolls back, drops the connection (the next call
     * connects afresh) and rethrows.
     */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        try {
            if (connection == null) {
                connection = db.connect();
                connection.setAutoCommit(false);
            }
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            dropConnection();
            throw e;
        }
    }

    /**
     * Runs one statement on the connection this session's last work was done on (an H2
     * {@code CHECKPOINT}, or a check that it still answers); never on a new one, which could not
     * vouch for that work. On failure drops the connection, as {@link #inTransaction} does, and
     * rethrows.
     */
    public void execute(String sql) throws SQLException {
        if (connection == null) {
            throw new SQLException("the connection that did the work is gone");
        }
        inTransaction(c -> {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    private void dropConnection() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is broken or gone; closing it below is all that is left to do.
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // As above: best effort on a connection that already failed.
        }
        connection = null;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing at shutdown; nothing is left to commit.
            }
            connection = null;
        }
    }
}
