package colmena.store;

import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All the SQL of TaskHistory. Writes are batched and idempotent by task id: a task placed or
 * finished twice is still one row, and a final row (DONE, FAILED) is never changed again.
 * The caller owns the connection and its transaction.
 *
 * <p>This class is the one every caller uses, and where each statement's contract is written; the
 * work is done by {@link HistoryWrites} (placements, submissions, retries), {@link ResultWrites}
 * (results) and {@link HistoryReads}, over the row shape they share ({@link TaskRows}).
 */
public final class TaskHistoryStore {
    private final HistoryWrites writes;
    private final ResultWrites resultWrites;
    private final HistoryReads reads;
    private final TaskRows table;

    /** Reads the time of each write on this machine's clock; processes give theirs Redis's ({@link #TaskHistoryStore(java.util.function.LongSupplier)}). */
    public TaskHistoryStore() {
        this(System::currentTimeMillis);
    }

    /** @param clock now, epoch milliseconds, for the rows' {@code [Timestamp]} and unknown submission times */
    public TaskHistoryStore(java.util.function.LongSupplier clock) {
        this(clock, null);
    }

    /**
     * @param dialect the statements to send whatever the database (a test runs SQL Server's on
     *                H2); null: those of each connection's database
     */
    public TaskHistoryStore(java.util.function.LongSupplier clock, SqlDialect dialect) {
        TaskRows rows = new TaskRows(dialect);
        this.table = rows;
        this.writes = new HistoryWrites(clock, rows);
        this.resultWrites = new ResultWrites(clock, rows);
        this.reads = new HistoryReads(rows);
    }

    /** Writes of TaskHistory that note what they change in its counts. */
    private interface CountedWrite<T> {
        T run(CountChanges counts) throws SQLException;
    }

    /** Runs {@code write} and writes the counts it changed into TaskCounts, in the caller's transaction. */
    private <T> T counted(Connection c, CountedWrite<T> write) throws SQLException {
        CountChanges counts = new CountChanges();
        T out = write.run(counts);
        counts.write(c, table.sql(c));
        return out;
    }

    public static final int MAX_RESULT_CHARS = 2_000;
    public static final int MAX_MOVES_CHARS = 4_000;
    public static final int MAX_PARAMS_CHARS = 1_000;
    public static final int MAX_REASON_CHARS = 400;

    /**
     * Records tasks as PENDING on the node each was placed on: a new row, or an update of a row
     * not yet final (a task placed again after its node was lost).
     */
    public void recordPlaced(Connection c, List<TaskMessage> placed) throws SQLException {
        counted(c, counts -> {
            writes.recordPlaced(c, placed, counts);
            return null;
        });
    }

    /**
     * Records tasks as submitted and not yet placed (PENDING, on no node), before the submitter is
     * told they are accepted: TaskHistory then knows them even if Redis loses them before a
     * coordinator places them. Tasks already recorded are left as they are.
     */
    public void recordSubmitted(Connection c, List<TaskMessage> submitted) throws SQLException {
        counted(c, counts -> {
            writes.recordSubmitted(c, submitted, counts);
            return null;
        });
    }

    /** Removes rows of tasks that were recorded as submitted but never reached Redis (the submitter was told so). */
    public void forgetSubmitted(Connection c, List<String> taskIds) throws SQLException {
        counted(c, counts -> {
            writes.forgetSubmitted(c, taskIds, counts);
            return null;
        });
    }

    /**
     * Records what agents said: RUNNING (only for a row still PENDING on that node), DONE or FAILED
     * (only for a row not yet final). A task with several results in the batch keeps the last final one.
     *
     * <p>Every run stays in the history. The first final result stored is the task's outcome; a
     * result from a node that no longer held the task (it was taken away while that node was cut
     * off, and placed again) is stored if it comes first, keeping the row's attempts and moves and
     * saying so; a run that ends after the outcome was stored is noted in the row's moves, never
     * replacing it.
     *
     * @return how many such duplicate runs were noted
     */
    public int recordResults(Connection c, List<TaskResult> results) throws SQLException {
        return counted(c, counts -> resultWrites.recordResults(c, results, counts));
    }

    /**
     * Inserts whole, without looking their rows up, the rows of the final results whose tasks most
     * likely have none yet ({@code noRowYet}: placed by this coordinator and not yet written), and
     * returns the results left for {@link #recordResults}. Call it first in its transaction: should
     * one of those tasks have a row after all (a task recorded when submitted through the API, a
     * cancel, a task placed again), the inserts are undone to a savepoint and every result is
     * returned; and should the database end the whole transaction on that refusal (SQL Server with
     * XACT_ABORT on), nothing written before it is lost. After such a miss the next batches skip
     * this ({@link ResultWrites#FRESH_PAUSE_BATCHES}). Any other failure is thrown.
     */
    public List<TaskResult> insertFresh(Connection c, List<TaskResult> results, java.util.function.Predicate<String> noRowYet)
            throws SQLException {
        return counted(c, counts -> resultWrites.insertFresh(c, results, noRowYet, counts));
    }

    /**
     * Records runs that FAILED and will be tried again: each row back to PENDING with the run's
     * error, the next attempt and a note ({@code next} makes the retried task), on the node it
     * failed on and with no Reason (placed nowhere while it waits out its back-off). A row still at the
     * failed attempt is updated; one already at the next attempt on the same node was updated by a
     * pass that died after its commit, and its retry is returned to be scheduled, which the caller
     * does only if that pass had not (the coordinator's {@code TaskQueue.delayRetries}); a final row stores the
     * result as any late result is stored; any other is a failure of an attempt the task has left
     * behind, and is not stored.
     */
    public Retries recordRetries(Connection c, List<TaskResult> failed, java.util.function.Function<TaskResult, TaskMessage> next)
            throws SQLException {
        return counted(c, counts -> writes.recordRetries(c, failed, next, counts));
    }

    /** Where a task is as TaskHistory knows it: the node it was last placed on, and the moves before. */
    public record Holder(String node, TaskStatus status, String moves) {
        /** Whether {@code nodeId} holds the task now or is named in its moves (it held it earlier). */
        public boolean heldBy(String nodeId) {
            return nodeId.equals(node) || (moves != null
                    && java.util.regex.Pattern.compile("(^|[^A-Za-z0-9._-])" + java.util.regex.Pattern.quote(nodeId)
                    + "($|[^A-Za-z0-9._-])").matcher(moves).find());
        }
    }

    /**
     * What became of runs that FAILED and may be tried again (see {@link #recordRetries}).
     *
     * @param retried tasks whose row now says so, to be scheduled
     * @param again   those of {@code retried} whose row said so already: a failure stored a second
     *                time, whose retry was scheduled unless a crash came between
     * @param stored  results to store as any result is: their row is already final
     * @param stale   failures of an attempt the task has left behind (it lives on elsewhere); not stored
     */
    public record Retries(List<TaskMessage> retried, Set<TaskMessage> again, List<TaskResult> stored,
                          List<TaskResult> stale) {
    }

    /** A task's status and the node it is on (null: none yet). */
    public record TaskState(TaskStatus status, String node) {
    }

    // ---- reading -------------------------------------------------------------------------

    public TaskPage list(Connection c, TaskQuery q) throws SQLException {
        return reads.list(c, q);
    }

    /** How many rows match the filters of {@code q} (its cursor, offset and limit aside). */
    public long count(Connection c, TaskQuery q) throws SQLException {
        return reads.count(c, q);
    }

    /** One page of rows matching {@code q}, newest first, with {@code total} as the page's count of all matches (-1: not known yet). */
    public TaskPage page(Connection c, TaskQuery q, long total) throws SQLException {
        return reads.page(c, q, total);
    }

    /**
     * Reads up to {@code maxRows} rows matching {@code q}, newest first, handing each to
     * {@code sink} as it comes (an export of any size never sits in memory).
     */
    public void each(Connection c, TaskQuery q, int maxRows, RowSink sink) throws SQLException {
        reads.each(c, q, maxRows, sink);
    }

    /** Rows by task type and status: {@code type -> status -> count}. */
    public Map<String, Map<String, Long>> countByTypeAndStatus(Connection c) throws SQLException {
        return reads.countByTypeAndStatus(c);
    }

    /**
     * Rows TaskHistory holds as not finished (PENDING or RUNNING), oldest first, each with its task
     * rebuilt as the message that would carry it, on the node it was last placed on (null for a
     * task submitted and never placed): what to place again when Redis has lost its data. Pages by
     * row id: rows after {@code afterRowId}; the last row id read is left in {@code lastRowId[0]}.
     */
    public List<Unfinished> unfinishedRows(Connection c, long afterRowId, int limit, long[] lastRowId) throws SQLException {
        return reads.unfinished(c, afterRowId, limit, lastRowId);
    }

    /**
     * An unfinished row: its task, PENDING (when the row says exactly that) or RUNNING, when the
     * row last changed (epoch ms on the store's clock; 0 when it has no time), and its Reason: why
     * a placement put the task on its node, null for a task placed nowhere (never placed, or a
     * retry waiting out its back-off).
     */
    public record Unfinished(TaskMessage task, TaskStatus status, long changedAtMs, String reason) {
    }

    public TaskRecord get(Connection c, String taskId) throws SQLException {
        return reads.get(c, taskId);
    }

    public Map<TaskStatus, Long> countByStatus(Connection c) throws SQLException {
        return reads.countByStatus(c);
    }

    /** Where each task stands: its status and node; tasks with no row are left out. */
    public Map<String, TaskState> states(Connection c, java.util.Collection<String> taskIds) throws SQLException {
        return reads.states(c, taskIds);
    }

    /** The rows of these tasks that exist, by task id. */
    public Map<String, Holder> holders(Connection c, List<String> ids) throws SQLException {
        return reads.holders(c, ids);
    }

    /** Something done with each row as it is read. */
    public interface RowSink {
        void accept(TaskRecord row) throws java.io.IOException;
    }
}
