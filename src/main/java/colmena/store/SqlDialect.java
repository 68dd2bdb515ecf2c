package colmena.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * Every SQL statement Colmena sends, for one kind of database. The statements both databases
 * take alike (H2 runs in its MSSQLServer mode, so most T-SQL is shared) are written here once;
 * {@link H2Dialect} and {@link SqlServerDialect} give the ones that differ. No other class
 * writes SQL: {@code SqlOnlyInDialectsTest} fails on a statement written anywhere else.
 *
 * <p>The statements are grouped by the tables they touch: {@link TaskHistorySql} (TaskHistory),
 * {@link AccountAndJobSql} (users, tokens, audit, jobs, the installation), and here the
 * connection's and the schema's. (The benchmarks' own statements, which the product never
 * sends, are theirs: {@code colmena.bench.BenchSql}, in src/bench.)
 *
 * <p>Statements that take a list ({@code IN (?, ?, ...)}) are built for the number of values;
 * values always go in as parameters, never into the text.
 */
public abstract class SqlDialect extends AccountAndJobSql {

    /** The dialect of a JDBC URL: SQL Server for {@code jdbc:sqlserver:}, else H2. */
    public static SqlDialect forUrl(String url) {
        return url.startsWith("jdbc:sqlserver:") ? SqlServerDialect.INSTANCE : H2Dialect.INSTANCE;
    }

    /**
     * The dialect of the database {@code c} is connected to: told by the driver's class, without a
     * call to the database, or else by the product name it gives.
     */
    public static SqlDialect of(Connection c) throws SQLException {
        String driver = c.getClass().getName();
        if (driver.startsWith("org.h2.")) {
            return H2Dialect.INSTANCE;
        }
        if (driver.startsWith("com.microsoft.sqlserver.")) {
            return SqlServerDialect.INSTANCE;
        }
        return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("sql server")
                ? SqlServerDialect.INSTANCE : H2Dialect.INSTANCE;
    }

    /** A short name for messages: {@code H2} or {@code SQL Server}. */
    public abstract String name();

    // ---- a connection --------------------------------------------------------------------------

    /** Writes what was committed to the database's file; null where a commit is already durable. */
    public abstract String checkpoint();

    /**
     * The JDBC isolation level under which every read of a transaction sees the database as it was
     * when the transaction began (H2's and SQL Server's SNAPSHOT; SQL Server needs
     * ALLOW_SNAPSHOT_ISOLATION on).
     */
    public abstract int snapshotIsolation();

    /** The cheapest statement that proves the connection answers. */
    public String alive() {
        return "SELECT 1";
    }

    // ---- schema and migrations -----------------------------------------------------------------

    public String tableExists() {
        return "SELECT " + countRows() + " FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = UPPER(?)"
                + " AND UPPER(TABLE_SCHEMA) <> 'INFORMATION_SCHEMA'";
    }

    public String columnExists() {
        return "SELECT " + countRows() + " FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE UPPER(TABLE_NAME) = UPPER(?) AND UPPER(COLUMN_NAME) = UPPER(?)";
    }

    /**
     * The statements that add columns to one table, each column given as its name and definition
     * (all of it from code, never from input): on SQL Server one statement per column, each only a
     * change of the catalog for a nullable column (H2 in its MSSQLServer mode, which the tests run
     * these on, does not take T-SQL's {@code ADD a ..., b ...}).
     */
    public List<String> addColumns(String table, List<String[]> columns) {
        return columns.stream().map(d -> "ALTER TABLE " + table + " ADD " + d[0] + " " + d[1]).toList();
    }

    /** How many indexes called ? exist on the table called ? (one parameter each). */
    public abstract String indexExists();

    /** Drops an index; {@code index} and {@code table} come from code, never from input. */
    public abstract String dropIndex(String index, String table);

    // ---- schema batches ------------------------------------------------------------------------

    /**
     * A batch of {@code sql/schema.sql} as this database takes it (H2 knows no column collations,
     * and compares exactly anyway).
     */
    public String schemaBatch(String batch) {
        return batch;
    }
}
