package colmena.store;

import java.util.Collections;
import java.util.List;

/**
 * The statements of TaskHistory (and TaskOutputs), for one kind of database: writing, reading,
 * and its size and retention. Part of {@link SqlDialect}, whose contract holds here: values
 * always go in as parameters, never into the text.
 */
public abstract class TaskHistorySql {
    TaskHistorySql() {
    }

    /** An aggregate counting rows that does not overflow at 2³¹ rows. */
    protected abstract String countRows();

    // ---- TaskHistory: writing ------------------------------------------------------------------

    public static final String TASK_COLUMNS = "ID, TaskId, NodeID, TaskType, Params, Status, Result, Error, Reason, "
            + "Moves, Attempts, SubmittedAt, StartedAt, FinishedAt, DurationMs, [Timestamp], Priority, Retries, Failures";

    public String placeAgain() {
        return "UPDATE TaskHistory SET NodeID = ?, Status = 'PENDING', Reason = ?, "
                + "Moves = ?, Attempts = ?, [Timestamp] = ? WHERE TaskId = " + key(64) + " AND " + asLookedUp();
    }

    public String start() {
        return "UPDATE TaskHistory SET Status = 'RUNNING', StartedAt = ?, [Timestamp] = ?, Attempts = ? "
                + "WHERE TaskId = " + key(64) + " AND Status = 'PENDING' AND NodeID = ? AND TaskType = ? AND Attempts <= ?";
    }

    /**
     * The condition that a row still says what it said when it was looked up (its status, then its
     * node, '' for none): a write under it changes exactly the count it was looked up with.
     */
    private String asLookedUp() {
        return "Status = " + key(16) + " AND COALESCE(NodeID, '') = ?";
    }

    /** A final result for a row not yet final, from anywhere (the coordinator's own verdict, or a late node). */
    public String finishAny() {
        return "UPDATE TaskHistory SET Status = ?, NodeID = ?, Result = ?, Error = ?, "
                + "StartedAt = ?, FinishedAt = ?, DurationMs = ?, Attempts = ?, Moves = ?, [Timestamp] = ?, "
                + "Reason = COALESCE(?, Reason) WHERE TaskId = " + key(64) + " AND " + asLookedUp();
    }

    public String note() {
        return "UPDATE TaskHistory SET Moves = ?, [Timestamp] = ? WHERE TaskId = " + key(64);
    }

    public String insertTask() {
        return "INSERT INTO TaskHistory (TaskId, NodeID, TaskType, Params, Status, "
                + "Result, Error, Reason, Moves, Attempts, SubmittedAt, StartedAt, FinishedAt, DurationMs, [Timestamp], Priority, "
                + "Retries, Failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    public String insertOutput() {
        return "INSERT INTO TaskOutputs (TaskId, Output) SELECT ?, ? "
                + "WHERE NOT EXISTS (SELECT 1 FROM TaskOutputs WHERE TaskId = " + key(64) + ")";
    }

    public String forgetSubmitted() {
        return "DELETE FROM TaskHistory WHERE TaskId = " + key(64) + " AND Status = 'PENDING' AND NodeID IS NULL";
    }

    /**
     * A failed run's row back to PENDING for its retry, keeping the node it failed on; its Reason
     * cleared, as when a retry's row is inserted whole: the task waits out its back-off, placed
     * nowhere, until a placement writes why it went where it goes.
     */
    public String retry() {
        return "UPDATE TaskHistory SET Status = 'PENDING', NodeID = ?, Error = ?, Reason = NULL, Attempts = ?, "
                + "Moves = ?, [Timestamp] = ?, Retries = ?, Failures = ? WHERE TaskId = " + key(64) + " AND " + asLookedUp() + " AND Attempts = ?";
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
        return "SELECT TaskId, NodeID, Status, Attempts, Moves, TaskType FROM TaskHistory WHERE TaskId IN (" + keys(count, 64) + ")";
    }

    public String taskById() {
        return "SELECT " + TASK_COLUMNS + " FROM TaskHistory WHERE TaskId = " + key(64);
    }

    /**
     * Rows matching {@code q}, counted; the filter's values are appended to {@code args}.
     */
    public String countTasks(TaskQuery q, List<Object> args) {
        return "SELECT COALESCE(SUM(N), 0) FROM TaskCounts" + where(q, args);
    }

    /**
     * Rows matching {@code q}, newest first, after its offset or before its cursor, at most
     * {@code maxRows}; every value is appended to {@code args} in order.
     */
    public String pageTasks(TaskQuery q, int maxRows, List<Object> args) {
        String lead = indexRead(q);
        String where = where(q, args, lead);
        if (q.beforeRowId() != null) {
            where += " AND ID < ?";
            args.add(q.beforeRowId());
        }
        args.add(q.offset());
        args.add(maxRows);
        return "SELECT " + TASK_COLUMNS + " FROM TaskHistory" + where + " ORDER BY "
                + (lead == null ? "" : lead + " DESC, ") + "ID DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    }

    /**
     * The column whose index a page of {@code q} is read in (null: the row ids'): a rare status's,
     * then the node's, then the type's, then the status DONE's.
     *
     * <p>A page is read newest first in that index's order, {@code ORDER BY lead DESC, ID DESC}:
     * the column equals one value in every row, so that is the order of ID, but H2 then reads the
     * index in its order and stops at the page's last row, where {@code ORDER BY ID} alone had it
     * read every matching row and sort them (a page of the 200,000 FAILED rows of 10,000,000 took
     * 0.6 s instead of 9 ms). The other filters are written so that no index can serve them
     * ({@code COALESCE(col, '') = ?}, the same rows), else H2 might read another filter's index
     * and sort again.
     */
    static String indexRead(TaskQuery q) {
        if (q.status() != null && q.status() != colmena.task.TaskStatus.DONE) {
            return "Status";
        } else if (q.node() != null) {
            return "NodeID";
        } else if (q.type() != null) {
            return "TaskType"; // before DONE, which most rows are: a type with few DONE rows would read nearly all
        } else if (q.status() != null) {
            return "Status";
        }
        return null;
    }

    private String where(TaskQuery q, List<Object> args) {
        return where(q, args, "*");
    }

    /** The filters of {@code q}; only {@code indexed}'s (a column, or "*" for all) as an index can serve them. */
    private String where(TaskQuery q, List<Object> args, String indexed) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (q.node() != null) {
            where.append(" AND ").append(column("NodeID", indexed)).append(" = ?");
            args.add(q.node());
        }
        if (q.status() != null) {
            where.append(" AND ").append(column("Status", indexed)).append(" = ").append(key(16));
            args.add(q.status().name());
        }
        if (q.type() != null) {
            where.append(" AND ").append(column("TaskType", indexed)).append(" = ?");
            args.add(q.type());
        }
        return where.toString();
    }

    public String countByTypeAndStatus() {
        return "SELECT TaskType, Status, SUM(N) FROM TaskCounts GROUP BY TaskType, Status HAVING SUM(N) <> 0";
    }

    public String countByStatus() {
        return "SELECT Status, SUM(N) FROM TaskCounts GROUP BY Status HAVING SUM(N) <> 0";
    }

    /** {@code name} as a filter compares it: itself where an index may serve it, else in an expression no index serves. */
    private static String column(String name, String indexed) {
        return indexed.equals("*") || indexed.equals(name) ? name : "COALESCE(" + name + ", '')";
    }

    // ---- TaskCounts: TaskHistory's rows counted as they are written ------------------------------

    /** A change of the count of one node, type and status, written with the change of TaskHistory it counts. */
    public String addCount() {
        return "INSERT INTO TaskCounts (NodeID, TaskType, Status, N) VALUES (?, ?, ?, ?)";
    }

    /** Every row of TaskCounts, to fold into one per node, type and status. */
    public String countRowsToFold() {
        return "SELECT ID, NodeID, TaskType, Status, N FROM TaskCounts";
    }

    /** TaskCounts summed by node, type and status. */
    public String countsByKey() {
        return "SELECT NodeID, TaskType, Status, SUM(N) FROM TaskCounts GROUP BY NodeID, TaskType, Status";
    }

    /** Whether TaskHistory was ever counted whole into TaskCounts: 1 or 0. */
    public String countedWhole() {
        return "SELECT " + countRows() + " FROM TaskCountsState WHERE Slot = 1";
    }

    /** Notes the time of a count of the whole history (the first parameter); 0 rows: none was noted yet. */
    public String noteCountedAgain() {
        return "UPDATE TaskCountsState SET CountedAt = ? WHERE Slot = 1";
    }

    public String noteCountedFirst() {
        return "INSERT INTO TaskCountsState (Slot, CountedAt) VALUES (1, ?)";
    }

    /** Deletes the rows of TaskCounts that a fold has summed, by row id. */
    public String deleteCountRows(int count) {
        return "DELETE FROM TaskCounts WHERE ID IN (" + marks(count) + ")";
    }

    /** TaskHistory counted whole, by node, type and status: what TaskCounts sums to. */
    public String countHistoryByKey() {
        return "SELECT NodeID, TaskType, Status, " + countRows() + " FROM TaskHistory GROUP BY NodeID, TaskType, Status";
    }

    /** Unfinished rows after a row id (first parameter), oldest first, at most the second parameter. */
    public String unfinished() {
        return "SELECT ID, TaskId, NodeID, TaskType, Params, Attempts, SubmittedAt, Moves, Priority, Retries, Failures, "
                + "Status, [Timestamp], Reason "
                + "FROM TaskHistory "
                + "WHERE Status IN ('PENDING', 'RUNNING') AND ID > ? ORDER BY ID OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    // ---- TaskHistory: size and retention -------------------------------------------------------

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
    public String deleteTaskById() {
        return "DELETE FROM TaskHistory WHERE ID = ? AND Status IN ('DONE', 'FAILED', 'CANCELLED')";
    }

    public String deleteOutputs(int count) {
        return "DELETE FROM TaskOutputs WHERE TaskId IN (" + keys(count, 64) + ")";
    }

    /**
     * A string parameter compared with a VARCHAR key column of {@code length}: as it is on H2; on
     * SQL Server typed so that the comparison seeks the column's index.
     */
    protected String key(int length) {
        return "?";
    }

    /** {@code count} of {@link #key} parameters, separated by commas. */
    protected String keys(int count, int length) {
        marks(count);
        return String.join(", ", Collections.nCopies(count, key(length)));
    }

    /** {@code count} question marks, separated by commas: an IN list's parameters. */
    static String marks(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("an IN list needs at least one value, got " + count);
        }
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
