package colmena.bench;

import colmena.store.Database;
import colmena.store.SqlDialect;
import colmena.store.SqlServerDialect;

import java.util.Collections;

/**
 * The benchmarks' own SQL: TaskHistory rows they make up and the rows they count back to check a
 * run. The product never sends these, so they live here and not in its dialects
 * ({@link SqlDialect}); this is the one class of the benchmarks that writes SQL
 * ({@code SqlOnlyInDialectsTest} allows it and no other). Like the dialects it writes for the
 * database it talks to: the benchmarks run on H2 (in its MSSQLServer mode), and the statements
 * also hold on SQL Server ({@code SqlServerDialectOnH2Test} has H2 prepare that form of each).
 */
public final class BenchSql {
    /** Which TaskHistory rows a benchmark counts. */
    public enum Rows {
        ALL("1 = 1"),
        DONE("Status = 'DONE'"),
        FAILED("Status = 'FAILED'"),
        FINISHED("Status IN ('DONE', 'FAILED')"),
        RETRIED("Attempts > 1"),
        HANDED_BACK("Moves LIKE '%handed back by%'"),
        RECOVERED_FROM_REDIS_LOSS("Moves LIKE '%Redis lost it%'"),
        MOVED("Moves LIKE '%moved from%'");

        private final String condition;

        Rows(String condition) {
            this.condition = condition;
        }
    }

    private static final BenchSql H2 = new BenchSql(false);
    private static final BenchSql SQL_SERVER = new BenchSql(true);

    private final boolean sqlServer;

    private BenchSql(boolean sqlServer) {
        this.sqlServer = sqlServer;
    }

    /** The statements for the product's dialect {@code dialect}: SQL Server's, or else H2's. */
    public static BenchSql of(SqlDialect dialect) {
        return dialect instanceof SqlServerDialect ? SQL_SERVER : H2;
    }

    /** The statements for the database {@code db} is. */
    public static BenchSql of(Database db) {
        return of(db.dialect());
    }

    /** Rows counted, as a BIGINT on both (COUNT(*) is an INT on SQL Server and fails past 2^31 rows). */
    private String countRows() {
        return sqlServer ? "COUNT_BIG(1)" : "COUNT(*)";
    }

    /** {@code count} task-id parameters, typed on SQL Server so that the comparison seeks the index. */
    private String taskIds(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("an IN list needs at least one value, got " + count);
        }
        return String.join(", ", Collections.nCopies(count, sqlServer ? "CAST(? AS VARCHAR(64))" : "?"));
    }

    public String countRows(Rows rows) {
        return "SELECT " + countRows() + " FROM TaskHistory WHERE " + rows.condition;
    }

    /** Rows submitted at or after the parameter. */
    public String countRowsSubmittedSince(Rows rows) {
        return "SELECT " + countRows() + " FROM TaskHistory WHERE SubmittedAt >= ? AND " + rows.condition;
    }

    public String countDistinctTaskIds() {
        return "SELECT " + (sqlServer ? "COUNT_BIG(DISTINCT TaskId)" : "COUNT(DISTINCT TaskId)") + " FROM TaskHistory";
    }

    /** Rows DONE among the task ids given. */
    public String countDoneAmong(int count) {
        return "SELECT " + countRows() + " FROM TaskHistory WHERE Status = 'DONE' AND TaskId IN (" + taskIds(count) + ")";
    }

    public String lastFinishedSince() {
        return "SELECT MAX(FinishedAt) FROM TaskHistory WHERE SubmittedAt >= ?";
    }

    /** DurationMs and StartedAt of rows submitted since the first parameter, DONE on the node of the second. */
    public String doneTimesSince() {
        return "SELECT DurationMs, StartedAt FROM TaskHistory WHERE SubmittedAt >= ? AND NodeID = ? AND Status = 'DONE'";
    }

    /** A finished row made up by a benchmark: task id, node, type, params, status, result, error, then four times and the duration. */
    public String insertFinishedTask() {
        return "INSERT INTO TaskHistory (TaskId, NodeID, TaskType, Params, Status, Result, Error, Attempts, "
                + "SubmittedAt, StartedAt, FinishedAt, DurationMs, [Timestamp]) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)";
    }
}
