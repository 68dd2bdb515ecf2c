package colmena.store;

import colmena.store.CountChanges.Key;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * TaskCounts kept small and true. Every write of TaskHistory adds a row of changes there
 * ({@link CountChanges}); {@link #fold} sums them into one row per node, type and status, and
 * {@link #recount} counts TaskHistory itself again (after rows were edited by hand, or for a
 * database made before TaskCounts existed). Each runs in a transaction of its own on the
 * connection it is given (committing one left open), and leaves its settings as it found them.
 */
public final class HistoryCounts {
    private static final int IN_CHUNK = 500;

    private HistoryCounts() {
    }

    /** A row of TaskCounts. */
    private record CountRow(long id, Key key, long n) {
    }

    /**
     * Folds the rows of TaskCounts into one per node, type and status (none for a sum of 0). Writers
     * only ever add rows, so they never wait for this; two folds at once cannot both succeed: the
     * one that finds rows it read already deleted gives up, changing nothing.
     *
     * @return how many rows fewer TaskCounts holds (0: nothing to fold, or another fold won)
     */
    public static int fold(Connection c, SqlDialect sql) throws SQLException {
        return inTransaction(c, -1, () -> {
            List<CountRow> rows = read(c, sql);
            CountChanges sums = new CountChanges();
            for (CountRow r : rows) {
                sums.add(r.key(), r.n());
            }
            int after = sums.sums().size();
            if (after >= rows.size()) {
                return 0;
            }
            if (!delete(c, sql, rows)) {
                c.rollback();
                return 0;
            }
            sums.write(c, sql);
            return rows.size() - after;
        });
    }

    /**
     * Counts TaskHistory again and makes TaskCounts say so, adding to it, for each node, type and
     * status, the difference between the count and what TaskCounts sums to. Under snapshot
     * isolation (H2; SQL Server with ALLOW_SNAPSHOT_ISOLATION on) this is exact while the
     * coordinator goes on writing and folding: both sides are read from one snapshot, changes
     * committed after it are in TaskCounts and in TaskHistory alike, and a fold never changes a
     * sum. Without it (SQL Server with snapshots off) a change committed during the count may be
     * counted twice, or a row deleted meanwhile missed; {@code exact} says which it was. The count is noted in TaskCountsState in the
     * same transaction: of two recounts at once, one gives way (an error, nothing changed).
     *
     * @return the rows counted, and whether the count was exact
     */
    public static Recount recount(Connection c, SqlDialect sql, long nowMs) throws SQLException {
        try {
            return recount(c, sql, sql.snapshotIsolation(), nowMs);
        } catch (SQLException e) {
            if (!(sql instanceof SqlServerDialect) || e.getErrorCode() != SQL_SERVER_SNAPSHOT_OFF) {
                throw e;
            }
        }
        return recount(c, sql, -1, nowMs);
    }

    /** SQL Server's error for a snapshot transaction in a database with ALLOW_SNAPSHOT_ISOLATION off. */
    static final int SQL_SERVER_SNAPSHOT_OFF = 3952;

    /** What {@link #recount} found. */
    public record Recount(long rows, boolean exact) {
    }

    private static Recount recount(Connection c, SqlDialect sql, int isolation, long nowMs) throws SQLException {
        return inTransaction(c, isolation, () -> {
            noteCounted(c, sql, nowMs); // first: a second recount at once gives way here, before its long count
            CountChanges correction = new CountChanges();
            try (PreparedStatement ps = c.prepareStatement(sql.countsByKey()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    correction.add(new Key(rs.getString(1), rs.getString(2), rs.getString(3)), -rs.getLong(4));
                }
            }
            long total = 0;
            try (PreparedStatement ps = c.prepareStatement(sql.countHistoryByKey()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    correction.add(new Key(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getLong(4));
                    total += rs.getLong(4);
                }
            }
            correction.write(c, sql);
            return new Recount(total, isolation >= 0);
        });
    }

    private static void noteCounted(Connection c, SqlDialect sql, long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.noteCountedAgain())) {
            DbTime.set(ps, 1, nowMs);
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(sql.noteCountedFirst())) {
            DbTime.set(ps, 1, nowMs);
            ps.executeUpdate();
        }
    }

    private static List<CountRow> read(Connection c, SqlDialect sql) throws SQLException {
        List<CountRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.countRowsToFold()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new CountRow(rs.getLong(1), new Key(rs.getString(2), rs.getString(3), rs.getString(4)), rs.getLong(5)));
            }
        }
        return rows;
    }

    /** Deletes exactly these rows; false if some were gone already (deleted by another fold). */
    private static boolean delete(Connection c, SqlDialect sql, List<CountRow> rows) throws SQLException {
        int deleted = 0;
        for (int i = 0; i < rows.size(); i += IN_CHUNK) {
            List<CountRow> chunk = rows.subList(i, Math.min(rows.size(), i + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement(sql.deleteCountRows(chunk.size()))) {
                for (int k = 0; k < chunk.size(); k++) {
                    ps.setLong(k + 1, chunk.get(k).id());
                }
                deleted += ps.executeUpdate();
            }
        }
        return deleted == rows.size();
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own, at {@code isolation} (-1: the connection's),
     * and commits; a transaction the caller left open on {@code c} is committed first.
     */
    private static <T> T inTransaction(Connection c, int isolation, Work<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        int isolationBefore = c.getTransactionIsolation();
        if (!autoCommit) {
            c.commit();
        }
        c.setAutoCommit(false);
        boolean done = false;
        boolean broken = false;
        try {
            if (isolation >= 0) {
                c.setTransactionIsolation(isolation);
            }
            T out = work.run();
            c.commit();
            done = true;
            return out;
        } finally {
            if (!done) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    broken = true; // the caller hears of the work's error
                }
            }
            try {
                if (!broken) { // else nothing more is sent: setting either could commit half of the work
                    if (c.getTransactionIsolation() != isolationBefore) {
                        c.setTransactionIsolation(isolationBefore);
                    }
                    c.setAutoCommit(autoCommit);
                }
            } catch (SQLException ignored) {
                // the connection is broken; the caller hears of the work's error
            }
        }
    }
}
