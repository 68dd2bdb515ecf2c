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

    static {
        // Before any H2 class reads it: the shared database's server listens on loopback only.
        H2Local.bindToLoopback();
    }

    private final String url;
    private final SqlDialect dialect;
    private final Properties credentials;
    /** The H2 file this URL shares with other processes, opened in turn with them; null for any other database. */
    private final Path sharedFile;

    private Database(String url, String user, String password) {
        this.url = url.startsWith("jdbc:sqlserver:") ? SqlServerDialect.withDefaults(url) : url;
        this.sharedFile = H2Local.sharedFile(url);
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
     * A commit reaches the file within the URL's {@code WRITE_DELAY}, not at once, so a commit
     * alone is not durable: the coordinator drops results from Redis only once a
     * {@code CHECKPOINT} has written them to the file (see {@link Durability}).
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
            // A database whose sa has an empty password: the generated one becomes its password.
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
        Path file = H2Local.databaseFile(url);
        try (Connection c = first) {
            new Schema(db.dialect, file == null ? null : H2Local.upgradeLockFile(file)).createMissingTables(c);
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
    /**
     * H2's code for a connection broken; on connecting to a shared file it is the server of the
     * process that held the file closing under us (that process closed its last connection, as
     * {@link #open} does after creating tables, or died), and the next try opens the file or
     * reaches the server that took it over.
     */
    private static final int H2_CONNECTION_BROKEN = 90067;
    /** Long enough for a busy machine: H2 waits 4 s per try for a lock file to age, and processes race for it. */
    private static final long OPEN_RACE_WAIT_MS = 30_000;
    /** At most this long for another process that is opening the shared H2 file ({@link H2Local#connectInTurn}). */
    private static final long TURN_WAIT_MS = 5_000;

    /**
     * A new connection. Two processes opening the shared H2 file at the same moment can find it
     * locked before the first has started serving it, or reach its server as it closes; after the
     * serving process dies its lock file must age before another may take over; all are waited out
     * for a few seconds.
     */
    public Connection connect() throws SQLException {
        long deadline = System.nanoTime() + OPEN_RACE_WAIT_MS * 1_000_000L;
        while (true) {
            try {
                return sharedFile == null ? DriverManager.getConnection(url, credentials)
                        : H2Local.connectInTurn(sharedFile, TURN_WAIT_MS, () -> DriverManager.getConnection(url, credentials));
            } catch (SQLException e) {
                boolean transient_ = url.startsWith("jdbc:h2:") && (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN
                        || e.getErrorCode() == H2_ERROR_OPENING_DATABASE
                        || sharedFile != null && e.getErrorCode() == H2_CONNECTION_BROKEN);
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

    /**
     * Says loudly when a SQL Server database has READ_COMMITTED_SNAPSHOT off: then the dashboard,
     * the summary and CSV exports wait behind the coordinator's writes (and it behind them).
     *
     * @return whether it is on (false also when it cannot be read)
     */
    boolean warnWithoutSnapshotReads(Connection c, SqlServerDialect mssql) {
        return new Schema(dialect).warnWithoutSnapshotReads(c, mssql);
    }

    /** The batches of {@code sql/schema.sql}, comments removed, split on GO lines. */
    static List<String> schemaBatches() {
        return Schema.schemaBatches();
    }
}
