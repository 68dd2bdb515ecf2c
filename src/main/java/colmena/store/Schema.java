package colmena.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables of {@code sql/schema.sql}, brought to what this version expects each time a
 * {@link Database} opens: missing tables created (with their indexes), missing columns added,
 * retired indexes dropped, and H2's row-id cache set. Safe when several processes open the same
 * database at once: on an H2 file they take turns at it, and each step that finds its work done by
 * another process meanwhile (on SQL Server, or a folder that cannot be locked) goes on.
 */
final class Schema {
    /** Logs as the database it belongs to. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Database.class);
    private static final Pattern CREATE_TABLE = Pattern.compile("^CREATE\\s+TABLE\\s+\\[?(\\w+)\\]?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+\\w+\\s+ON\\s+\\[?(\\w+)\\]?", Pattern.CASE_INSENSITIVE);
    private static final Pattern GO = Pattern.compile("^\\s*GO\\s*$", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

    private final SqlDialect dialect;
    /** The lock file taken to bring an H2 file database up to date; null: none (SQL Server serializes its changes itself). */
    private final Path upgradeLock;

    Schema(SqlDialect dialect) {
        this(dialect, null);
    }

    Schema(SqlDialect dialect, Path upgradeLock) {
        this.dialect = dialect;
        this.upgradeLock = upgradeLock;
    }

    /**
     * Brings the tables up to date. On an H2 file database, processes take turns at it, under the
     * lock file {@code upgradeLock}: H2 failed when two connections altered one table at once, and
     * a process reading the catalog while another altered a table could find the table missing for
     * a moment (H2 copies a table to add a column, then drops the old one and renames the copy).
     * A process waits up to {@link #ADD_COLUMN_WAIT_MS} for another, saying so after 1 s and every
     * 10 s; if that one dies meanwhile, its lock goes with it and H2 moves the database to a process
     * still connected (AUTO_SERVER), so the wait ends and this one goes on.
     */
    void createMissingTables(Connection c) throws SQLException {
        if (upgradeLock == null) {
            bringUpToDate(c, null);
            return;
        }
        H2Local.inTurn(upgradeLock, ADD_COLUMN_WAIT_MS, "another process that is bringing the database up to date",
                turn -> {
                    if (turn == H2Local.Turn.TIMED_OUT) {
                        throw new SQLException("another process held " + upgradeLock + " for " + ADD_COLUMN_WAIT_MS / 60_000
                                + " minutes while bringing the database up to date; start again once it has finished");
                    }
                    bringUpToDate(c, turn);
                    return null;
                });
    }

    /** @param turn how the turn at the upgrade lock went; null where processes take none (SQL Server, memory) */
    private void bringUpToDate(Connection c, H2Local.Turn turn) throws SQLException {
        createTablesAndTheirIndexes(c);
        countHistoryIfNeverCounted(c);
        addMissingColumns(c, turn);
        dropRetiredIndexes(c);
        if (dialect instanceof H2Dialect h2) {
            try {
                cacheRowIds(c, h2);
            } catch (SQLException e) {
                // Only a speed-up: a user without ALTER rights, or a read-only file, works without it.
                LOG.warn("Could not set TaskHistory's row-id cache ({}); storing is slower but works", e.getMessage());
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        if (dialect instanceof SqlServerDialect mssql) {
            warnWithoutSnapshotReads(c, mssql);
        }
    }

    /** Runs each table of {@code sql/schema.sql} that does not exist yet, and the indexes of the tables it made. */
    private void createTablesAndTheirIndexes(Connection c) throws SQLException {
        List<String> created = new ArrayList<>();
        for (String batch : schemaBatches()) {
            Matcher table = CREATE_TABLE.matcher(batch);
            Matcher index = CREATE_INDEX.matcher(batch);
            if (table.find()) {
                String name = table.group(1);
                if (!tableExists(c, name)) {
                    try (Statement s = c.createStatement()) {
                        s.execute(dialect.schemaBatch(batch));
                        created.add(name.toLowerCase(Locale.ROOT));
                    } catch (SQLException e) {
                        // Another process may have created it a moment ago; only then is this fine.
                        if (!tableExists(c, name)) {
                            throw e;
                        }
                    }
                }
            } else if (index.find() && created.contains(index.group(2).toLowerCase(Locale.ROOT))) {
                try (Statement s = c.createStatement()) {
                    s.execute(dialect.schemaBatch(batch));
                }
            }
        }
    }

    /**
     * Counts TaskHistory into TaskCounts if that was never done: a database made by an earlier
     * version (one count of the whole table, a minute or more for tens of millions of rows, said in
     * the log), or a fresh one (an instant). A failure leaves it to the next process that opens the
     * database, and this one goes on: another process may be counting at this moment.
     */
    private void countHistoryIfNeverCounted(Connection c) {
        long started = System.nanoTime();
        try {
            if (countedWhole(c)) {
                return;
            }
            boolean fresh = count(c, dialect.rowIdRange()) == 0; // MIN(ID): NULL, read as 0, when empty; ids start at 1
            if (!fresh) {
                LOG.info("Counting TaskHistory by node, type and status, once, for the task list's totals (a database "
                        + "from before TaskCounts, or whose first count was cut short; a large history takes a while)");
            }
            HistoryCounts.Recount r = HistoryCounts.recount(c, dialect, System.currentTimeMillis());
            if (!fresh) {
                LOG.info("Counted {} rows of TaskHistory in {} s{}", r.rows(), (System.nanoTime() - started) / 1_000_000_000,
                        r.exact() ? "" : "; SQL Server's ALLOW_SNAPSHOT_ISOLATION is off, so a task written or deleted "
                                + "meanwhile may be counted wrong: run `colmena admin recount` with the coordinator stopped");
            }
        } catch (SQLException e) {
            try {
                if (countedWhole(c)) {
                    // Ends this process's "Counting TaskHistory by node" line for start-all, as "Counted" does.
                    LOG.info("Another process counted TaskHistory at the same time ({})", e.getMessage());
                    return;
                }
            } catch (SQLException again) {
                // reported below
            }
            LOG.warn("Could not count TaskHistory for the task list's totals ({}); the next process to open the database "
                    + "tries again, or run `colmena admin recount`", e.getMessage());
        }
    }

    /** Whether a count of the whole of TaskHistory was ever noted in TaskCountsState. */
    private boolean countedWhole(Connection c) throws SQLException {
        return count(c, dialect.countedWhole()) > 0;
    }

    /** An index that {@code sql/schema.sql} no longer has, on its table. */
    record RetiredIndex(String table, String index) {
    }

    /** Indexes that {@code sql/schema.sql} no longer has and no query reads: each is dropped where found. */
    static final List<RetiredIndex> RETIRED_INDEXES = List.of(new RetiredIndex("TaskHistory", "IX_TaskHistory_FinishedAt"));

    private void dropRetiredIndexes(Connection c) throws SQLException {
        for (RetiredIndex r : RETIRED_INDEXES) {
            try {
                if (count(c, dialect.indexExists(), r.index(), r.table()) == 0) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.execute(dialect.dropIndex(r.index(), r.table()));
                }
                LOG.info("Dropped index {} on {}, made by an earlier version and read by no query", r.index(), r.table());
            } catch (SQLException e) {
                // Only a speed-up: a user without ALTER rights, or a read-only file, works with it.
                LOG.warn("Could not drop the unused index {} on {} ({}); storing is slower but works", r.index(), r.table(),
                        e.getMessage());
            }
        }
    }

    /**
     * Says loudly when a SQL Server database has READ_COMMITTED_SNAPSHOT off: then the dashboard,
     * the summary and CSV exports wait behind the coordinator's writes (and it behind them).
     *
     * @return whether it is on (false also when it cannot be read)
     */
    boolean warnWithoutSnapshotReads(Connection c, SqlServerDialect mssql) {
        try (PreparedStatement ps = c.prepareStatement(mssql.readCommittedSnapshot()); ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getInt(1) == 1) {
                return true;
            }
            LOG.warn("READ_COMMITTED_SNAPSHOT is off for this database: reads (dashboard, summary, CSV export) wait "
                    + "behind the coordinator's writes. Turn it on once: ALTER DATABASE DistributedSystem SET "
                    + "READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE (see docs/sqlserver.md)");
        } catch (SQLException e) {
            LOG.warn("Could not read whether READ_COMMITTED_SNAPSHOT is on ({}); if it is off, reads wait behind writes "
                    + "(see docs/sqlserver.md)", e.getMessage());
        }
        return false;
    }

    private static long count(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** A column of {@code sql/schema.sql} that an existing table may lack: it is added when missing. */
    record AddedColumn(String table, String column, String definition) {
    }

    /** Columns added after their table was first released; both H2 and SQL Server take {@code ALTER TABLE t ADD c def}. */
    static final List<AddedColumn> ADDED_COLUMNS = List.of(
            new AddedColumn("Users", "SessionEpoch", "INT NOT NULL DEFAULT 0"),
            new AddedColumn("ApiTokens", "ExpiresAt", "DATETIME2(3) NULL"),
            new AddedColumn("TaskHistory", "Priority", "TINYINT NULL"),
            new AddedColumn("TaskHistory", "Retries", "TINYINT NULL"),
            new AddedColumn("TaskHistory", "Failures", "TINYINT NULL"));

    /**
     * How long a process waits for another that is bringing the database up to date: adding a
     * column to a large table (H2 copies the table), or counting it once.
     */
    static final long ADD_COLUMN_WAIT_MS = 30 * 60_000L;

    /**
     * Adds the columns the tables lack, or finds that another process did (where no turns can be
     * taken). The columns of one table are added together: H2 copies the table for each statement,
     * and adds them all in one (see {@link SqlDialect#addColumns}).
     */
    private void addMissingColumns(Connection c, H2Local.Turn turn) throws SQLException {
        Map<String, List<AddedColumn>> byTable = new LinkedHashMap<>();
        for (AddedColumn a : ADDED_COLUMNS) {
            if (!columnExists(c, a.table(), a.column())) {
                byTable.computeIfAbsent(a.table(), t -> new ArrayList<>()).add(a);
            }
        }
        if (!byTable.isEmpty() && turn == H2Local.Turn.UNLOCKABLE) {
            LOG.warn("Adding columns without taking turns with other processes: {} cannot be locked here", upgradeLock);
        }
        for (List<AddedColumn> missing : byTable.values()) {
            String names = names(missing);
            // Each "Adding column" line is ended by an "Added column" or a "Could not add column" one:
            // start-all waits without its time limits in between (H2 copies a table to add a column to
            // it, minutes for a large history).
            LOG.info("Adding {} {} to a database made by an earlier version{}", missing.size() == 1 ? "column" : "columns",
                    names, dialect instanceof H2Dialect && missing.get(0).table().equals("TaskHistory")
                            ? " (once; H2 copies the table to do it, which takes a while for a large history)" : "");
            try {
                addColumns(c, missing, names);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Could not add {} {} ({})", missing.size() == 1 ? "column" : "columns", names, e.getMessage());
                throw e;
            }
        }
    }

    /** {@code Table.A} or {@code Table.A, Table.B}. */
    private static String names(List<AddedColumn> columns) {
        return String.join(", ", columns.stream().map(a -> a.table() + "." + a.column()).toList());
    }

    /**
     * Adds columns of one table, or finds that another process did. A lock held
     * on the table (another process adding them, or a transaction left open elsewhere) is waited
     * for, saying so every 10 s, for up to {@link #ADD_COLUMN_WAIT_MS}; any other error is thrown.
     */
    private void addColumns(Connection c, List<AddedColumn> columns, String names) throws SQLException {
        String table = columns.get(0).table();
        String what = columns.size() == 1 ? "column" : "columns";
        List<AddedColumn> left = columns;
        long started = System.nanoTime();
        long said = started;
        while (true) {
            SQLException failed;
            try (Statement s = c.createStatement()) {
                for (String statement : dialect.addColumns(table, left.stream().map(a -> new String[] {a.column(), a.definition()}).toList())) {
                    s.execute(statement);
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                LOG.info("Added {} {} to a database made by an earlier version in {} s", what, names,
                        (System.nanoTime() - started) / 1_000_000_000);
                return;
            } catch (SQLException e) {
                failed = e;
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
            List<AddedColumn> missing = new ArrayList<>();
            try {
                for (AddedColumn a : left) {
                    if (!columnExists(c, a.table(), a.column())) {
                        missing.add(a);
                    }
                }
            } catch (SQLException e) {
                if (!DbErrors.lockTimeout(e)) {
                    throw e;
                }
                missing = left; // the catalog is locked too while a column is added (SQL Server): wait on
            }
            if (missing.isEmpty()) {
                LOG.info("Added {} {}: another process added {}", what, names, columns.size() == 1 ? "it" : "them");
                return;
            }
            left = missing;
            long now = System.nanoTime();
            if (!DbErrors.lockTimeout(failed) || now - started > ADD_COLUMN_WAIT_MS * 1_000_000L) {
                throw failed;
            }
            if (now - said >= 10_000_000_000L) {
                said = now;
                LOG.info("Waiting to add {} {}: a lock is held on {} (another process adding {}, or a "
                        + "transaction left open elsewhere; {} s so far)", what, names, table,
                        columns.size() == 1 ? "it" : "them", (now - started) / 1_000_000_000);
            }
            try {
                Thread.sleep(1_000); // a lock timeout of 0 must not make this spin
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed;
            }
        }
    }

    private boolean columnExists(Connection c, String table, String column) throws SQLException {
        return count(c, dialect.columnExists(), table, column) > 0;
    }

    /** Row ids H2 hands out between two writes of its sequence; SQL Server keeps 1,000 too. */
    static final int H2_ID_CACHE = 1_000;

    /**
     * Has H2 hand out TaskHistory's row ids from a cache of {@link #H2_ID_CACHE}, so that the
     * state of the IDENTITY column's sequence, which H2 writes in a commit of its own, is written
     * once per cache rather than every 32 ids (H2's default). After a crash the unused ids of the
     * cached range are skipped: row ids only ever grow, with gaps (as SQL Server's identity cache).
     */
    private static void cacheRowIds(Connection c, H2Dialect h2) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(h2.identityCache()); ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getLong(1) >= H2_ID_CACHE) {
                return;
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute(h2.setIdentityCache(H2_ID_CACHE));
        }
    }

    private boolean tableExists(Connection c, String name) throws SQLException {
        return count(c, dialect.tableExists(), name) > 0;
    }

    /** The batches of {@code sql/schema.sql}, comments removed, split on GO lines. */
    static List<String> schemaBatches() {
        String text;
        try (InputStream in = Database.class.getResourceAsStream("/sql/schema.sql")) {
            if (in == null) {
                throw new IllegalStateException("sql/schema.sql is missing from the jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sql/schema.sql: " + e.getMessage(), e);
        }
        List<String> batches = new ArrayList<>();
        for (String part : GO.split(text)) {
            StringBuilder sb = new StringBuilder();
            for (String line : part.split("\r?\n")) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("--")) {
                    sb.append(line).append('\n');
                }
            }
            String batch = sb.toString().strip();
            if (batch.endsWith(";")) {
                batch = batch.substring(0, batch.length() - 1);
            }
            if (!batch.isEmpty()) {
                batches.add(batch);
            }
        }
        return batches;
    }
}
