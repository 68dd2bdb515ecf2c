package colmena.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where TaskHistory lives: SQL Server when a {@code jdbc:sqlserver:} URL is given, otherwise an
 * H2 file database in MSSQLServer mode that several processes share ({@code AUTO_SERVER}: the
 * first to open it serves it to the others). The tables of {@code sql/schema.sql} are created
 * when missing.
 */
public final class Database {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Database.class);
    private static final Pattern CREATE_TABLE = Pattern.compile("^CREATE\\s+TABLE\\s+\\[?(\\w+)\\]?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+\\w+\\s+ON\\s+\\[?(\\w+)\\]?", Pattern.CASE_INSENSITIVE);
    private static final Pattern GO = Pattern.compile("^\\s*GO\\s*$", Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

    static {
        // Before any H2 class reads it: the shared database's server listens on loopback only.
        H2Local.bindToLoopback();
    }

    private final String url;
    private final SqlDialect dialect;
    private final Properties credentials;

    private Database(String url, String user, String password) {
        this.url = url.startsWith("jdbc:sqlserver:") ? SqlServerDialect.withDefaults(url) : url;
        this.dialect = SqlDialect.forUrl(url);
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
    }

    /**
     * The default: an H2 file {@code colmena} under {@code dataDir}, shared by every local process.
     * H2 keeps commits in memory and writes them every {@code WRITE_DELAY} ms (here 200); the
     * coordinator does not rely on that for TaskHistory: it drops results from Redis only once a
     * {@code CHECKPOINT} has written them to the file (see {@link Durability}). With WRITE_DELAY=0
     * H2 instead rewrote its changed pages on every commit: most of a core and tens of kilobytes of
     * file per task at a few hundred tasks a second.
     */
    public static String defaultUrl(Path dataDir) {
        String file = dataDir.toAbsolutePath().normalize().resolve("colmena").toString().replace('\\', '/');
        return "jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE"
                + ";CASE_INSENSITIVE_IDENTIFIERS=TRUE;LOCK_TIMEOUT=10000;WRITE_DELAY=200";
    }

    /**
     * Connects once to check the database answers, and creates the tables that are missing.
     *
     * @throws SQLException when it cannot be reached or the schema cannot be made
     */
    public static Database open(String url, String user, String password) throws SQLException {
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("database URL must start with jdbc:, got \"" + url + "\"");
        }
        boolean generated = false;
        if (url.startsWith("jdbc:h2:") && user == null) {
            user = "sa";
            Path file = H2Local.databaseFile(url);
            if (password == null && file != null) {
                password = H2Local.password(file);
                generated = true;
            }
            password = password == null ? "" : password;
        }
        Database db = new Database(url, user, password);
        Connection first;
        try {
            first = db.connect();
        } catch (SQLException e) {
            if (!generated || e.getErrorCode() != H2Local.H2_WRONG_USER_OR_PASSWORD) {
                throw e;
            }
            // Made by an earlier version: its sa has an empty password, which becomes the generated one.
            try (Connection old = new Database(url, "sa", "").connect()) {
                H2Local.setPassword(old, url, password);
            } catch (SQLException again) {
                if (again.getErrorCode() == H2Local.H2_WRONG_USER_OR_PASSWORD) {
                    throw new SQLException("the H2 database refuses both the password in "
                            + H2Local.passwordFile(H2Local.databaseFile(url)) + " and an empty one; give the right one "
                            + "with --db-password (or restore that file)", again.getSQLState(), again.getErrorCode(), again);
                }
                throw again;
            }
            first = db.connect();
        }
        try (Connection c = first) {
            db.createMissingTables(c);
        }
        return db;
    }

    /** H2's code for a database file held by a process that has not yet opened its server. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    /**
     * H2's code for a database it could not open; while one process takes over a file whose
     * server just died it says "Lock file recently modified" or "Another process was faster".
     */
    private static final int H2_ERROR_OPENING_DATABASE = 8000;
    /** Long enough for a busy machine: H2 waits 4 s per try for a lock file to age, and processes race for it. */
    private static final long OPEN_RACE_WAIT_MS = 30_000;

    /**
     * A new connection. Two processes opening the shared H2 file at the same moment can find it
     * locked before the first has started serving it, and after the serving process dies its lock
     * file must age before another may take over; both are waited out for a few seconds.
     */
    public Connection connect() throws SQLException {
        long deadline = System.nanoTime() + OPEN_RACE_WAIT_MS * 1_000_000L;
        while (true) {
            try {
                return DriverManager.getConnection(url, credentials);
            } catch (SQLException e) {
                boolean transient_ = url.startsWith("jdbc:h2:") && (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN
                        || e.getErrorCode() == H2_ERROR_OPENING_DATABASE);
                if (!transient_ || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100 + (long) (Math.random() * 200));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The statements of this database. */
    public SqlDialect dialect() {
        return dialect;
    }

    /**
     * The JDBC URL, as given plus, for SQL Server, {@link SqlServerDialect#URL_DEFAULTS} (it may
     * hold a password: use {@link #describe()} for logs).
     */
    public String url() {
        return url;
    }

    /** H2's code for a statement the user has no right to run (CHECKPOINT needs admin rights). */
    static final int H2_NOT_ENOUGH_RIGHTS = 90096;
    private volatile boolean mayCheckpoint = true;

    /**
     * After a rare change that must outlive the process (a user, a token, an audit entry): has an
     * H2 database write what was committed on {@code c} to its file now rather than within
     * WRITE_DELAY. Best effort: a user not allowed to CHECKPOINT leaves it to H2's writer.
     */
    public void writeOut(Connection c) {
        if (!isH2() || !mayCheckpoint) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(dialect.checkpoint());
        } catch (SQLException e) {
            if (e.getErrorCode() == H2_NOT_ENOUGH_RIGHTS) { // it will not change
                mayCheckpoint = false;
            }
            LOG.warn("Could not CHECKPOINT ({}); account changes reach the file within H2's WRITE_DELAY", e.getMessage());
        }
    }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /**
     * For an H2 file database, the file when it has gone (its folder deleted under a running
     * process, which H2 would go on writing into as if nothing happened); null otherwise.
     */
    public java.nio.file.Path missingFile() {
        if (!url.startsWith("jdbc:h2:file:")) {
            return null;
        }
        String path = url.substring("jdbc:h2:file:".length());
        int semi = path.indexOf(';');
        java.nio.file.Path file = java.nio.file.Path.of((semi < 0 ? path : path.substring(0, semi)) + ".mv.db");
        return java.nio.file.Files.exists(file) ? null : file;
    }

    /**
     * The bytes TaskHistory takes, as far as the database can tell cheaply: on SQL Server the
     * table's and its indexes' pages; on an H2 file database the whole file (TaskHistory is nearly
     * all of it); null when it cannot be told (no rights to the catalog, an in-memory database).
     */
    public Long historyBytes(Connection c) {
        String sql = dialect.historyBytes();
        if (sql == null) {
            java.nio.file.Path file = H2Local.databaseFile(url);
            try {
                return file == null ? null : java.nio.file.Files.size(java.nio.file.Path.of(file + ".mv.db"));
            } catch (IOException e) {
                return null;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                long bytes = rs.getLong(1);
                return rs.wasNull() ? null : bytes;
            }
            return null;
        } catch (SQLException e) {
            LOG.debug("Could not read TaskHistory's size ({})", e.getMessage());
            return null;
        }
    }

    /** A short name for messages: an H2 database's file without its settings, else {@link #describe()}. */
    public String shortName() {
        return url.startsWith("jdbc:h2:") ? url.replaceFirst(";.*$", "") : describe();
    }

    /** The URL without any password in it, for logs. */
    public String describe() {
        return url.replaceAll("(?i)(password|pwd)=[^;]*", "$1=***");
    }

    private void createMissingTables(Connection c) throws SQLException {
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
        addMissingColumns(c);
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

    /** An index of an earlier schema, on its table. */
    record RetiredIndex(String table, String index) {
    }

    /** Indexes earlier versions made and no query reads: every write paid for them. */
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

    /** A column that {@code sql/schema.sql} has and a database made by an earlier version may lack. */
    record AddedColumn(String table, String column, String definition) {
    }

    /** Columns added after their table was first released; both H2 and SQL Server take {@code ALTER TABLE t ADD c def}. */
    static final List<AddedColumn> ADDED_COLUMNS = List.of(
            new AddedColumn("Users", "SessionEpoch", "INT NOT NULL DEFAULT 0"),
            new AddedColumn("ApiTokens", "ExpiresAt", "DATETIME2(3) NULL"));

    private void addMissingColumns(Connection c) throws SQLException {
        for (AddedColumn a : ADDED_COLUMNS) {
            if (columnExists(c, a.table(), a.column())) {
                continue;
            }
            try (Statement s = c.createStatement()) {
                s.execute(dialect.addColumn(a.table(), a.column(), a.definition()));
                LOG.info("Added column {}.{} to a database made by an earlier version", a.table(), a.column());
            } catch (SQLException e) {
                // Another process may have added it a moment ago; only then is this fine.
                if (!columnExists(c, a.table(), a.column())) {
                    throw e;
                }
            }
        }
    }

    private boolean columnExists(Connection c, String table, String column) throws SQLException {
        return count(c, dialect.columnExists(), table, column) > 0;
    }

    /** Row ids H2 hands out between two writes of its sequence; SQL Server keeps 1,000 too. */
    static final int H2_ID_CACHE = 1_000;

    /**
     * H2 writes the state of an IDENTITY column's sequence every 32 ids by default, in a commit of
     * its own, and with WRITE_DELAY=0 each such commit was a whole store of the database file: at
     * thousands of rows a second that was a third of the coordinator's time. After a crash the unused ids of the
     * cached range are skipped, which is harmless (SQL Server's identity cache does the same).
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
