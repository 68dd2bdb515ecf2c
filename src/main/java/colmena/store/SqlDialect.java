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
 * <p>Statements that take a list ({@code IN (?, ?, ...)}) are built for the number of values;
 * values always go in as parameters, never into the text.
 */
public abstract class SqlDialect {

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

    /** An aggregate counting rows that does not overflow at 2³¹ rows. */
    protected abstract String countRows();

    // ---- a connection --------------------------------------------------------------------------

    /** Writes what was committed to the database's file; null where a commit is already durable. */
    public abstract String checkpoint();

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

    /** Adds a column; {@code table}, {@code column} and {@code definition} come from code, never from input. */
    public String addColumn(String table, String column, String definition) {
        return "ALTER TABLE " + table + " ADD " + column + " " + definition;
    }

    /** How many indexes called ? exist on the table called ? (one parameter each). */
    public abstract String indexExists();

    /** Drops an index; {@code index} and {@code table} come from code, never from input. */
    public abstract String dropIndex(String index, String table);

    // ---- TaskHistory: writing ------------------------------------------------------------------

    public static final String TASK_COLUMNS = "ID, TaskId, NodeID, TaskType, Params, Status, Result, Error, Reason, "
            + "Moves, Attempts, SubmittedAt, StartedAt, FinishedAt, DurationMs, [Timestamp]";

    public String placeAgain() {
        return "UPDATE TaskHistory SET NodeID = ?, Status = 'PENDING', Reason = ?, "
                + "Moves = ?, Attempts = ?, [Timestamp] = ? WHERE TaskId = " + key(64) + " AND Status IN ('PENDING', 'RUNNING')";
    }

    public String start() {
        return "UPDATE TaskHistory SET Status = 'RUNNING', StartedAt = ?, [Timestamp] = ? "
                + "WHERE TaskId = " + key(64) + " AND Status = 'PENDING' AND NodeID = ?";
    }

    /**
     * A final result of the task's latest attempt (the 12th parameter: that attempt): the common
     * case, one statement. (Not checked by node: a task moved between queues keeps its attempt,
     * and its new node may report before the move is recorded.) A result of an earlier attempt
     * comes from a node that lost the task.
     */
    public String finish() {
        return finishAny() + " AND Attempts <= ?";
    }

    /** A final result for a row not yet final, from anywhere (the coordinator's own verdict, or a late node). */
    public String finishAny() {
        return "UPDATE TaskHistory SET Status = ?, NodeID = ?, Result = ?, Error = ?, "
                + "StartedAt = ?, FinishedAt = ?, DurationMs = ?, Attempts = ?, Moves = ?, [Timestamp] = ?, "
                + "Reason = COALESCE(?, Reason) WHERE TaskId = " + key(64) + " AND Status IN ('PENDING', 'RUNNING')";
    }

    public String note() {
        return "UPDATE TaskHistory SET Moves = ?, [Timestamp] = ? WHERE TaskId = " + key(64);
    }

    public String insertTask() {
        return "INSERT INTO TaskHistory (TaskId, NodeID, TaskType, Params, Status, "
                + "Result, Error, Reason, Moves, Attempts, SubmittedAt, StartedAt, FinishedAt, DurationMs, [Timestamp]) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    public String insertOutput() {
        return "INSERT INTO TaskOutputs (TaskId, Output) SELECT ?, ? "
                + "WHERE NOT EXISTS (SELECT 1 FROM TaskOutputs WHERE TaskId = " + key(64) + ")";
    }

    public String forgetSubmitted() {
        return "DELETE FROM TaskHistory WHERE TaskId = " + key(64) + " AND Status = 'PENDING' AND NodeID IS NULL";
    }

    public String retry() {
        return "UPDATE TaskHistory SET Status = 'PENDING', NodeID = ?, Error = ?, Attempts = ?, "
                + "Moves = ?, [Timestamp] = ? WHERE TaskId = " + key(64) + " AND Status IN ('PENDING', 'RUNNING') AND Attempts = ?";
    }

    /** Rewrites the newest row's time stamp with itself: a write that changes nothing. */
    public String touchNewestRow() {
        return "UPDATE TaskHistory SET [Timestamp] = [Timestamp] WHERE ID = (SELECT MAX(ID) FROM TaskHistory)";
    }

    // ---- TaskHistory: reading ------------------------------------------------------------------

    public String existingTaskIds(int count) {
        return "SELECT TaskId FROM TaskHistory WHERE TaskId IN (" + keys(count, 64) + ")";
    }

    public String currentRows(int count) {
        return "SELECT TaskId, NodeID, Status, Attempts, Moves FROM TaskHistory WHERE TaskId IN (" + keys(count, 64) + ")";
    }

    public String taskById() {
        return "SELECT " + TASK_COLUMNS + " FROM TaskHistory WHERE TaskId = " + key(64);
    }

    /**
     * Rows matching {@code q}, counted; the filter's values are appended to {@code args}.
     */
    public String countTasks(TaskQuery q, List<Object> args) {
        return "SELECT " + countRows() + " FROM TaskHistory" + where(q, args);
    }

    /**
     * Rows matching {@code q}, newest first, after its offset or before its cursor, at most
     * {@code maxRows}; every value is appended to {@code args} in order.
     */
    public String pageTasks(TaskQuery q, int maxRows, List<Object> args) {
        String where = where(q, args);
        if (q.beforeRowId() != null) {
            where += " AND ID < ?";
            args.add(q.beforeRowId());
        }
        args.add(q.offset());
        args.add(maxRows);
        return "SELECT " + TASK_COLUMNS + " FROM TaskHistory" + where + " ORDER BY ID DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    }

    private String where(TaskQuery q, List<Object> args) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (q.node() != null) {
            where.append(" AND NodeID = ?");
            args.add(q.node());
        }
        if (q.status() != null) {
            where.append(" AND Status = ").append(key(16));
            args.add(q.status().name());
        }
        if (q.type() != null) {
            where.append(" AND TaskType = ?");
            args.add(q.type());
        }
        return where.toString();
    }

    public String countByTypeAndStatus() {
        return "SELECT TaskType, Status, " + countRows() + " FROM TaskHistory GROUP BY TaskType, Status";
    }

    public String countByStatus() {
        return "SELECT Status, " + countRows() + " FROM TaskHistory GROUP BY Status";
    }

    /** Unfinished rows after a row id (first parameter), oldest first, at most the second parameter. */
    public String unfinished() {
        return "SELECT ID, TaskId, NodeID, TaskType, Params, Attempts, SubmittedAt, Moves FROM TaskHistory "
                + "WHERE Status IN ('PENDING', 'RUNNING') AND ID > ? ORDER BY ID OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    // ---- TaskHistory: size and retention -------------------------------------------------------

    /** Every row of TaskHistory, counted. */
    public String countHistory() {
        return "SELECT " + countRows() + " FROM TaskHistory";
    }

    /** The bytes TaskHistory and its indexes take, where the database can tell; null where it cannot. */
    public abstract String historyBytes();

    /** The smallest and largest row id (NULLs when empty). */
    public String rowIdRange() {
        return "SELECT MIN(ID), MAX(ID) FROM TaskHistory";
    }

    /** The oldest row's time of last change (no row when empty). */
    public String oldestRowTime() {
        return "SELECT TOP (1) [Timestamp] FROM TaskHistory ORDER BY ID";
    }

    /** The ID of the row {@code ?} rows older than the newest (none when the table holds fewer). */
    public String rowIdAtOffsetFromNewest() {
        return "SELECT ID FROM TaskHistory ORDER BY ID DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY";
    }

    /**
     * The oldest final rows that retention may remove, oldest first: at most the first parameter,
     * with a row id at most the second, or last changed before the third.
     */
    public String expiredRows() {
        return "SELECT TOP (?) " + TASK_COLUMNS + " FROM TaskHistory WHERE Status IN ('DONE', 'FAILED', 'CANCELLED') "
                + "AND (ID <= ? OR [Timestamp] < ?) ORDER BY ID";
    }

    /** Deletes final rows by row id (a row made unfinished again since it was read stays). */
    public String deleteTasksById(int count) {
        return "DELETE FROM TaskHistory WHERE ID IN (" + marks(count) + ") AND Status IN ('DONE', 'FAILED', 'CANCELLED')";
    }

    public String deleteOutputs(int count) {
        return "DELETE FROM TaskOutputs WHERE TaskId IN (" + keys(count, 64) + ")";
    }

    // ---- benches: rows written and counted back -----------------------------------------------

    /** Which TaskHistory rows a bench counts. */
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

    public String countRows(Rows rows) {
        return "SELECT " + countRows() + " FROM TaskHistory WHERE " + rows.condition;
    }

    /** Rows submitted at or after the parameter. */
    public String countRowsSubmittedSince(Rows rows) {
        return "SELECT " + countRows() + " FROM TaskHistory WHERE SubmittedAt >= ? AND " + rows.condition;
    }

    public String countDistinctTaskIds() {
        return "SELECT " + countRows().replace("(*)", "(DISTINCT TaskId)").replace("(1)", "(DISTINCT TaskId)") + " FROM TaskHistory";
    }

    /** Rows DONE among the task ids given. */
    public String countDoneAmong(int count) {
        return "SELECT " + countRows() + " FROM TaskHistory WHERE Status = 'DONE' AND TaskId IN (" + keys(count, 64) + ")";
    }

    public String lastFinishedSince() {
        return "SELECT MAX(FinishedAt) FROM TaskHistory WHERE SubmittedAt >= ?";
    }

    /** DurationMs and StartedAt of rows submitted since the first parameter, DONE on the node of the second. */
    public String doneTimesSince() {
        return "SELECT DurationMs, StartedAt FROM TaskHistory WHERE SubmittedAt >= ? AND NodeID = ? AND Status = 'DONE'";
    }

    /** A finished row made up by a bench: task id, node, type, params, status, result, error, then four times and the duration. */
    public String insertFinishedTask() {
        return "INSERT INTO TaskHistory (TaskId, NodeID, TaskType, Params, Status, Result, Error, Attempts, "
                + "SubmittedAt, StartedAt, FinishedAt, DurationMs, [Timestamp]) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)";
    }

    // ---- Users, ApiTokens, ApiSecrets, AuditLog ------------------------------------------------

    public static final String TOKEN_COLUMNS = "ID, Name, UserName, Role, CreatedAt, RevokedAt, LastUsedAt, ExpiresAt";

    public String account() {
        return "SELECT UserName, PasswordHash, Role, SessionEpoch FROM Users WHERE LOWER(UserName) = ? ORDER BY UserName";
    }

    public String endSessions() {
        return "UPDATE Users SET SessionEpoch = SessionEpoch + 1 WHERE LOWER(UserName) = ?";
    }

    public String insertSecret() {
        return "INSERT INTO ApiSecrets (Name, Secret) VALUES (?, ?)";
    }

    public String secret() {
        return "SELECT Secret FROM ApiSecrets WHERE Name = " + key(64);
    }

    public String users() {
        return "SELECT UserName, Role, CreatedAt FROM Users ORDER BY UserName";
    }

    public String updateUser() {
        return "UPDATE Users SET Role = ?, PasswordHash = ?, SessionEpoch = SessionEpoch + ? WHERE LOWER(UserName) = ?";
    }

    public String insertUser() {
        return "INSERT INTO Users (UserName, Role, PasswordHash, CreatedAt) VALUES (?, ?, ?, ?)";
    }

    public String deleteUser() {
        return "DELETE FROM Users WHERE LOWER(UserName) = ?";
    }

    public String revokeTokensOf() {
        return "UPDATE ApiTokens SET RevokedAt = ? WHERE LOWER(UserName) = ? AND RevokedAt IS NULL";
    }

    public String adminCount() {
        return "SELECT " + countRows() + " FROM Users WHERE Role = 'admin'";
    }

    public String insertToken() {
        return "INSERT INTO ApiTokens (Name, UserName, Role, TokenHash, CreatedAt, ExpiresAt) VALUES (?, ?, ?, ?, ?, ?)";
    }

    public String liveToken() {
        return "SELECT " + TOKEN_COLUMNS + " FROM ApiTokens "
                + "WHERE TokenHash = " + key(64) + " AND RevokedAt IS NULL AND (ExpiresAt IS NULL OR ExpiresAt > ?)";
    }

    public String tokenUsed() {
        return "UPDATE ApiTokens SET LastUsedAt = ? WHERE ID = ?";
    }

    public String tokens() {
        return "SELECT " + TOKEN_COLUMNS + " FROM ApiTokens ORDER BY ID DESC";
    }

    public String revokeToken() {
        return "UPDATE ApiTokens SET RevokedAt = ? WHERE ID = ? AND RevokedAt IS NULL";
    }

    public String insertAudit() {
        return "INSERT INTO AuditLog (OccurredAt, Actor, Action, Target, Address, Detail) VALUES (?, ?, ?, ?, ?, ?)";
    }

    public String audit() {
        return "SELECT ID, OccurredAt, Actor, Action, Target, Address, Detail FROM AuditLog "
                + "ORDER BY ID DESC OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    // ---- Jobs ----------------------------------------------------------------------------------

    public String insertJob() {
        return "INSERT INTO Jobs (JobId, Kind, Params, CreatedBy, CreatedAt, Photos, Tasks) VALUES (?, ?, ?, ?, ?, ?, ?)";
    }

    public String insertPhoto() {
        return "INSERT INTO JobPhotos (JobId, PhotoNo, FileName, BlobHash, "
                + "Width, Height, Error, Result, FinishedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    public String insertTile() {
        return "INSERT INTO JobTasks (JobId, TaskId, PhotoNo, TileX, TileY, TileW, TileH) VALUES (?, ?, ?, ?, ?, ?, ?)";
    }

    public String job() {
        return "SELECT JobId, Kind, Params, CreatedBy, CreatedAt, Photos, Tasks FROM Jobs WHERE JobId = " + key(64);
    }

    public String recentJobs() {
        return "SELECT TOP (?) JobId, Kind, Params, CreatedBy, CreatedAt, Photos, Tasks FROM Jobs "
                + "ORDER BY CreatedAt DESC, JobId DESC";
    }

    public String photos() {
        return "SELECT PhotoNo, FileName, BlobHash, Width, Height, Error, Result, FinishedAt FROM JobPhotos "
                + "WHERE JobId = " + key(64) + " ORDER BY PhotoNo";
    }

    public String tiles() {
        return "SELECT j.TaskId, j.PhotoNo, j.TileX, j.TileY, j.TileW, j.TileH, t.Status, t.NodeID, "
                + "COALESCE(o.Output, t.Result), t.Error, t.Attempts, t.DurationMs, t.FinishedAt FROM JobTasks j "
                + "LEFT JOIN TaskHistory t ON t.TaskId = j.TaskId LEFT JOIN TaskOutputs o ON o.TaskId = j.TaskId "
                + "WHERE j.JobId = " + key(64) + " ORDER BY j.PhotoNo, j.TileY, j.TileX";
    }

    public String jobTaskIds() {
        return "SELECT TaskId FROM JobTasks WHERE JobId = " + key(64);
    }

    public String finishPhoto() {
        return "UPDATE JobPhotos SET Result = ?, Error = ?, FinishedAt = ? WHERE JobId = " + key(64) + " AND PhotoNo = ? AND FinishedAt IS NULL";
    }

    // ---- Installation --------------------------------------------------------------------------

    public String installation() {
        return "SELECT InstallationId, Name, Namespace FROM Installation WHERE Slot = 1";
    }

    public String insertInstallation() {
        return "INSERT INTO Installation (Slot, InstallationId, Name, Namespace, CreatedAt) VALUES (1, ?, ?, ?, ?)";
    }

    public String renameInstallation() {
        return "UPDATE Installation SET Name = ? WHERE Slot = 1";
    }

    /**
     * A string parameter compared with a VARCHAR key column of {@code length}: as it is on H2; on
     * SQL Server typed so that the comparison seeks the column's index.
     */
    protected String key(int length) {
        return "?";
    }

    private String keys(int count, int length) {
        marks(count);
        return String.join(", ", Collections.nCopies(count, key(length)));
    }

    /**
     * A batch of {@code sql/schema.sql} as this database takes it (H2 knows no column collations,
     * and compares exactly anyway).
     */
    public String schemaBatch(String batch) {
        return batch;
    }

    static String marks(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("an IN list needs at least one value, got " + count);
        }
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
