package colmena.store;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The statements of SQL Server (2016 and later) that differ from H2's, and the connection
 * settings Colmena adds to a {@code jdbc:sqlserver:} URL.
 */
public final class SqlServerDialect extends SqlDialect {
    public static final SqlServerDialect INSTANCE = new SqlServerDialect();

    /**
     * Settings added to a SQL Server URL unless it names them itself:
     * <ul>
     * <li>{@code loginTimeout} (s): a server that does not answer fails the connect.</li>
     * <li>{@code lockTimeout} (ms): a statement that waits for a lock (a transaction left open in
     *     Management Studio) fails instead of hanging the coordinator; the coordinator retries and
     *     health says the database does not take writes.</li>
     * <li>{@code socketTimeout} (ms): a network drop fails the statement instead of hanging it.</li>
     * </ul>
     */
    public static final Map<String, String> URL_DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("loginTimeout", "10");
        d.put("lockTimeout", "10000");
        d.put("socketTimeout", "60000");
        return java.util.Collections.unmodifiableMap(d);
    }

    private SqlServerDialect() {
    }

    /** {@code url} with each of {@link #URL_DEFAULTS} it does not set itself appended. */
    public static String withDefaults(String url) {
        Map<String, String> given = new java.util.HashMap<>();
        String[] parts = url.split(";");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                given.put(parts[i].substring(0, eq).strip().toLowerCase(Locale.ROOT), parts[i].substring(eq + 1));
            }
        }
        StringBuilder out = new StringBuilder(url.endsWith(";") ? url.substring(0, url.length() - 1) : url);
        URL_DEFAULTS.forEach((k, v) -> {
            if (!given.containsKey(k.toLowerCase(Locale.ROOT))) {
                out.append(';').append(k).append('=').append(v);
            }
        });
        return out.toString();
    }

    @Override
    public int snapshotIsolation() {
        return 4096; // SQLServerConnection.TRANSACTION_SNAPSHOT
    }

    @Override
    public String name() {
        return "SQL Server";
    }

    @Override
    protected String countRows() {
        return "COUNT_BIG(1)"; // COUNT(*) is an INT on SQL Server and fails past 2^31 rows
    }

    /**
     * mssql-jdbc sends a String as NVARCHAR; compared with a VARCHAR column that makes SQL Server
     * convert the column, row by row, and scan its index instead of seeking it. Cast, the
     * parameter is converted once. (The driver's {@code sendStringParametersAsUnicode=false}
     * would do it too, but would also send every NVARCHAR value, a result or a file name, in the
     * database's code page, turning what it lacks into "?".)
     */
    @Override
    protected String key(int length) {
        return "CAST(? AS VARCHAR(" + length + "))";
    }

    @Override
    public String checkpoint() {
        return null; // a commit is durable when it returns
    }

    @Override
    public String indexExists() {
        return "SELECT COUNT_BIG(1) FROM sys.indexes i JOIN sys.tables t ON i.object_id = t.object_id "
                + "WHERE i.name = ? AND t.name = ?";
    }

    @Override
    public String dropIndex(String index, String table) {
        return "DROP INDEX " + index + " ON " + table;
    }

    @Override
    public String historyBytes() {
        return "SELECT SUM(CAST(s.used_page_count AS BIGINT)) * 8192 FROM sys.dm_db_partition_stats s "
                + "JOIN sys.tables t ON s.object_id = t.object_id WHERE t.name = 'TaskHistory'";
    }

    /** 1 when the current database has READ_COMMITTED_SNAPSHOT on, 0 when off. */
    public String readCommittedSnapshot() {
        return "SELECT CAST(is_read_committed_snapshot_on AS INT) FROM sys.databases WHERE name = DB_NAME()";
    }
}
