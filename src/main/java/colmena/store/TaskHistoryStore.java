package colmena.store;

import colmena.broker.Json;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All the SQL of TaskHistory. Writes are batched and idempotent by task id: a task placed or
 * finished twice is still one row, and a final row (DONE, FAILED) is never changed again.
 * The caller owns the connection and its transaction.
 */
public final class TaskHistoryStore {
    private static final int IN_CHUNK = 500;

    private final java.util.function.LongSupplier clock;
    /** The dialect every statement comes from; null: the one of each connection's database. */
    private final SqlDialect dialect;

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
        this.clock = clock;
        this.dialect = dialect;
    }

    private SqlDialect sql(Connection c) throws SQLException {
        return dialect != null ? dialect : SqlDialect.of(c);
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
        if (placed.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        // Most placed tasks are new: one look-up of which rows exist replaces an UPDATE per task.
        Set<String> existing = existing(c, placed.stream().map(TaskMessage::id).toList());
        List<TaskMessage> again = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (TaskMessage t : placed) {
            if (existing.contains(t.id())) {
                again.add(t);
            } else if (existing.add(t.id())) {
                rows.add(new Row(t, t.node(), TaskStatus.PENDING, null, null, 0, 0, null, now));
            }
        }
        if (!again.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(sql(c).placeAgain())) {
                for (TaskMessage t : again) {
                    ps.setString(1, t.node());
                    ps.setString(2, cut(t.reason(), MAX_REASON_CHARS));
                    ps.setString(3, moves(t));
                    ps.setInt(4, t.attempt());
                    DbTime.set(ps, 5, now);
                    ps.setString(6, t.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        insert(c, rows);
    }

    /**
     * Records tasks as submitted and not yet placed (PENDING, on no node), before the submitter is
     * told they are accepted: TaskHistory then knows them even if Redis loses them before a
     * coordinator places them. Tasks already recorded are left as they are.
     */
    public void recordSubmitted(Connection c, List<TaskMessage> submitted) throws SQLException {
        Set<String> existing = existing(c, submitted.stream().map(TaskMessage::id).toList());
        long now = clock.getAsLong();
        List<Row> rows = new ArrayList<>();
        for (TaskMessage t : submitted) {
            if (existing.add(t.id())) {
                rows.add(new Row(t, null, TaskStatus.PENDING, null, null, 0, 0, null, now));
            }
        }
        insert(c, rows);
    }

    /** Removes rows of tasks that were recorded as submitted but never reached Redis (the submitter was told so). */
    public void forgetSubmitted(Connection c, List<String> taskIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql(c).forgetSubmitted())) {
            for (String id : taskIds) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
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
        if (results.isEmpty()) {
            return 0;
        }
        long now = clock.getAsLong();
        List<TaskResult> running = new ArrayList<>();
        List<TaskResult> finals = new ArrayList<>();
        for (TaskResult r : latestPerTask(results)) {
            (r.status().isFinal() ? finals : running).add(r);
        }
        // The usual case, one statement each: RUNNING on the node that holds it, final on a row not yet final.
        List<TaskResult> unsure = new ArrayList<>(recordStarts(c, running, now));
        unsure.addAll(recordFinals(c, finals, now));
        storeLongOutputs(c, finals);
        return unsure.isEmpty() ? 0 : settle(c, unsure, now);
    }

    /** Each task's latest result in the batch: a final one over a RUNNING notice. */
    private static java.util.Collection<TaskResult> latestPerTask(List<TaskResult> results) {
        Map<String, TaskResult> latest = new LinkedHashMap<>();
        for (TaskResult r : results) {
            TaskResult before = latest.get(r.id());
            if (before == null || r.status().isFinal() || !before.status().isFinal()) {
                latest.put(r.id(), r);
            }
        }
        return latest.values();
    }

    /** Marks rows PENDING on the reporting node as RUNNING; returns the notices that matched no such row. */
    private List<TaskResult> recordStarts(Connection c, List<TaskResult> running, long now) throws SQLException {
        if (running.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement(sql(c).start())) {
            for (TaskResult r : running) {
                DbTime.set(ps, 1, r.startedAtMs());
                DbTime.set(ps, 2, now);
                ps.setString(3, r.id());
                ps.setString(4, r.node());
                ps.addBatch();
            }
            return unmatched(running, ps.executeBatch());
        }
    }

    /** Stores final results on rows of the same attempt not yet final; returns those that matched no such row. */
    private List<TaskResult> recordFinals(Connection c, List<TaskResult> finals, long now) throws SQLException {
        if (finals.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement(sql(c).finish())) {
            for (TaskResult r : finals) {
                bindFinish(ps, r, r.task().attempt(), moves(r.task()), now);
                ps.setInt(13, r.task().attempt());
                ps.addBatch();
            }
            return unmatched(finals, ps.executeBatch());
        }
    }

    private static List<TaskResult> unmatched(List<TaskResult> sent, int[] counts) {
        List<TaskResult> out = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (counts[i] != 1) {
                out.add(sent.get(i));
            }
        }
        return out;
    }

    /**
     * Results that did not fit their row as expected, decided against what each row says now: no
     * row yet (inserted whole), a RUNNING notice from a node that lost the task (ignored), a run
     * after the outcome was stored (noted as a duplicate), or a late or latest result on a row not
     * yet final (stored, keeping the row's attempts and moves as needed).
     *
     * @return how many duplicate runs were noted
     */
    private int settle(Connection c, List<TaskResult> unsure, long now) throws SQLException {
        Map<String, Current> current = current(c, unsure.stream().map(TaskResult::id).toList());
        List<Row> rows = new ArrayList<>();
        int duplicates = 0;
        try (PreparedStatement any = c.prepareStatement(sql(c).finishAny()); PreparedStatement note = c.prepareStatement(sql(c).note())) {
            for (TaskResult r : unsure) {
                Current row = current.get(r.id());
                if (row == null) {
                    current.put(r.id(), new Current(r.node(), r.status(), r.task().attempt(), moves(r.task())));
                    rows.add(new Row(r.task(), r.node(), r.status(), r.result(), r.error(), r.startedAtMs(),
                            r.finishedAtMs(), r.status().isFinal() && r.startedAtMs() > 0 ? r.durationMs() : null, now));
                } else if (!r.status().isFinal()) {
                    continue; // a RUNNING notice from a node that no longer holds the task: its result will say more
                } else if (row.status().isFinal()) {
                    String moves = row.withDuplicate(r);
                    if (moves != null) {
                        note.setString(1, cut(moves, MAX_MOVES_CHARS));
                        DbTime.set(note, 2, now);
                        note.setString(3, r.id());
                        note.addBatch();
                        duplicates++;
                    }
                } else if (r.node() == null || r.task().attempt() >= row.attempts()) {
                    bindFinish(any, r, r.task().attempt(), moves(r.task()), now); // the latest attempt after all
                    any.addBatch();
                } else {
                    bindFinish(any, r, row.attempts(), cut(row.withLate(r), MAX_MOVES_CHARS), now);
                    any.addBatch();
                }
            }
            any.executeBatch();
            note.executeBatch();
        }
        insert(c, rows);
        return duplicates;
    }

    /**
     * Keeps whole, in TaskOutputs, each result longer than the Result column holds (a photo tile's
     * candidate windows); the first one stored stays.
     */
    private void storeLongOutputs(Connection c, List<TaskResult> finals) throws SQLException {
        List<TaskResult> longOnes = finals.stream()
                .filter(r -> r.result() != null && r.result().length() > MAX_RESULT_CHARS).toList();
        if (longOnes.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql(c).insertOutput())) {
            for (TaskResult r : longOnes) {
                ps.setString(1, r.id());
                ps.setString(2, r.result());
                ps.setString(3, r.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bindFinish(PreparedStatement ps, TaskResult r, int attempts, String moves, long now)
            throws SQLException {
        ps.setString(1, r.status().name());
        ps.setString(2, r.node());
        ps.setString(3, cut(r.result(), MAX_RESULT_CHARS));
        ps.setString(4, cut(r.error(), MAX_RESULT_CHARS));
        DbTime.set(ps, 5, r.startedAtMs());
        DbTime.set(ps, 6, r.finishedAtMs());
        ps.setObject(7, r.startedAtMs() > 0 ? r.durationMs() : null);
        ps.setInt(8, attempts);
        ps.setString(9, moves);
        DbTime.set(ps, 10, now);
        ps.setString(11, cut(r.task().reason(), MAX_REASON_CHARS)); // the row may not have it: a placement not written
        ps.setString(12, r.id());
    }

    /** What a row says now, for a result that did not fit it: where the task is, and its history. */
    private record Current(String node, TaskStatus status, int attempts, String moves) {
        private static final java.time.format.DateTimeFormatter CLOCK =
                java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneId.systemDefault());

        /** The moves with a line for a run that ended after the outcome was stored; null if nothing new. */
        String withDuplicate(TaskResult r) {
            if (java.util.Objects.equals(r.node(), node) && r.task().attempt() == attempts) {
                return null; // the stored run itself, stored again (a coordinator died before dropping it)
            }
            return append("also ran on " + r.node() + " (attempt " + r.task().attempt() + "), " + r.status()
                    + " at " + at(r) + "; not stored, the first result stands");
        }

        /** The moves with a line for a result from a node that no longer held the task. */
        String withLate(TaskResult r) {
            String more = append("finished on " + r.node() + " (attempt " + r.task().attempt() + ") at " + at(r)
                    + " after it had been taken from there" + (node == null ? "" : " and placed on " + node)
                    + "; stored as the first result");
            return more == null ? moves : more;
        }

        private String append(String line) {
            if (moves != null && moves.contains(line)) {
                return null;
            }
            return moves == null || moves.isEmpty() ? line : moves + "\n" + line;
        }

        private static String at(TaskResult r) {
            return r.finishedAtMs() > 0 ? CLOCK.format(Instant.ofEpochMilli(r.finishedAtMs())) : "an unknown time";
        }
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

    /** The rows of these tasks that exist, by task id. */
    public Map<String, Holder> holders(Connection c, List<String> ids) throws SQLException {
        Map<String, Holder> out = new java.util.HashMap<>();
        current(c, ids).forEach((id, row) -> out.put(id, new Holder(row.node(), row.status(), row.moves())));
        return out;
    }

    private Map<String, Current> current(Connection c, List<String> ids) throws SQLException {
        Map<String, Current> found = new java.util.HashMap<>();
        for (int i = 0; i < ids.size(); i += IN_CHUNK) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement(sql(c).currentRows(chunk.size()))) {
                for (int k = 0; k < chunk.size(); k++) {
                    ps.setString(k + 1, chunk.get(k));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        TaskStatus status;
                        try {
                            status = TaskStatus.valueOf(rs.getString(3));
                        } catch (IllegalArgumentException | NullPointerException e) {
                            status = TaskStatus.FAILED; // written by hand: treated as final, never overwritten
                        }
                        found.put(rs.getString(1), new Current(rs.getString(2), status, rs.getInt(4), rs.getString(5)));
                    }
                }
            }
        }
        return found;
    }

    private record Row(TaskMessage task, String node, TaskStatus status, String result, String error,
                       long startedAtMs, long finishedAtMs, Long durationMs, long now) {
    }

    private void insert(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql(c).insertTask())) {
            for (Row r : rows) {
                TaskMessage t = r.task();
                ps.setString(1, t.id());
                ps.setString(2, r.node());
                ps.setString(3, t.type());
                ps.setString(4, cut(t.params() == null ? null : Json.write(t.params()), MAX_PARAMS_CHARS));
                ps.setString(5, r.status().name());
                ps.setString(6, cut(r.result(), MAX_RESULT_CHARS));
                ps.setString(7, cut(r.error(), MAX_RESULT_CHARS));
                ps.setString(8, cut(t.reason(), MAX_REASON_CHARS));
                ps.setString(9, moves(t));
                ps.setInt(10, t.attempt());
                DbTime.set(ps, 11, t.submittedAtMs() > 0 ? t.submittedAtMs() : r.now());
                DbTime.set(ps, 12, r.startedAtMs());
                DbTime.set(ps, 13, r.finishedAtMs());
                ps.setObject(14, r.durationMs());
                DbTime.set(ps, 15, r.now());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * What became of runs that FAILED and may be tried again (see {@link #recordRetries}).
     *
     * @param retried tasks whose row now says so, to be scheduled (again, if a crash came between)
     * @param stored  results to store as any result is: their row is already final
     * @param stale   failures of an attempt the task has left behind (it lives on elsewhere); not stored
     */
    public record Retries(List<TaskMessage> retried, List<TaskResult> stored, List<TaskResult> stale) {
    }


    /**
     * Records runs that FAILED and will be tried again: each row back to PENDING with the run's
     * error, the next attempt and a note ({@code next} makes the retried task). A row still at the
     * failed attempt is updated; one already at the next attempt on the same node was updated by a
     * pass that died before the retry was scheduled, and is scheduled again; a final row stores the
     * result as any late result is stored; any other is a failure of an attempt the task has left
     * behind, and is not stored.
     */
    public Retries recordRetries(Connection c, List<TaskResult> failed, java.util.function.Function<TaskResult, TaskMessage> next)
            throws SQLException {
        List<TaskMessage> retried = new ArrayList<>();
        List<TaskResult> stored = new ArrayList<>();
        List<TaskResult> stale = new ArrayList<>();
        if (failed.isEmpty()) {
            return new Retries(retried, stored, stale);
        }
        Map<String, Current> rows = current(c, failed.stream().map(TaskResult::id).distinct().toList());
        long now = clock.getAsLong();
        try (PreparedStatement ps = c.prepareStatement(sql(c).retry())) {
            for (TaskResult r : failed) {
                Current row = rows.get(r.id());
                int attempt = r.task().attempt();
                if (row != null && row.status().isFinal()) {
                    stored.add(r);
                } else if (row != null && row.attempts() == attempt + 1 && java.util.Objects.equals(row.node(), r.node())) {
                    retried.add(next.apply(r)); // recorded by a pass that died before scheduling it
                } else if (row != null && row.attempts() != attempt) {
                    stale.add(r);
                } else {
                    TaskMessage again = next.apply(r);
                    if (row == null) {
                        insert(c, List.of(new Row(again, r.node(), TaskStatus.PENDING, null, r.error(), r.startedAtMs(),
                                r.finishedAtMs(), r.durationMs(), now)));
                    } else {
                        ps.setString(1, r.node());
                        ps.setString(2, cut(r.error(), MAX_RESULT_CHARS));
                        ps.setInt(3, again.attempt());
                        ps.setString(4, moves(again));
                        DbTime.set(ps, 5, now);
                        ps.setString(6, r.id());
                        ps.setInt(7, attempt);
                        ps.addBatch();
                    }
                    retried.add(again);
                    rows.put(r.id(), new Current(r.node(), TaskStatus.PENDING, again.attempt(), moves(again)));
                }
            }
            ps.executeBatch();
        }
        return new Retries(retried, stored, stale);
    }

    /** Where each task stands: its status and node; tasks with no row are left out. */
    public Map<String, TaskState> states(Connection c, java.util.Collection<String> taskIds) throws SQLException {
        Map<String, TaskState> out = new java.util.HashMap<>();
        current(c, List.copyOf(taskIds)).forEach((id, row) -> out.put(id, new TaskState(row.status(), row.node())));
        return out;
    }

    /** A task's status and the node it is on (null: none yet). */
    public record TaskState(TaskStatus status, String node) {
    }

    private Set<String> existing(Connection c, List<String> ids) throws SQLException {
        Set<String> found = new HashSet<>();
        for (int i = 0; i < ids.size(); i += IN_CHUNK) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + IN_CHUNK));
            try (PreparedStatement ps = c.prepareStatement(sql(c).existingTaskIds(chunk.size()))) {
                for (int k = 0; k < chunk.size(); k++) {
                    ps.setString(k + 1, chunk.get(k));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
        }
        return found;
    }

    // ---- reading -------------------------------------------------------------------------

    public TaskPage list(Connection c, TaskQuery q) throws SQLException {
        return page(c, q, count(c, q));
    }

    /** How many rows match the filters of {@code q} (its cursor, offset and limit aside). */
    public long count(Connection c, TaskQuery q) throws SQLException {
        List<Object> args = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql(c).countTasks(q, args))) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** One page of rows matching {@code q}, newest first, with {@code total} as the page's count of all matches. */
    public TaskPage page(Connection c, TaskQuery q, long total) throws SQLException {
        List<TaskRecord> rows = new ArrayList<>();
        each(c, q, q.limit() + 1, rows::add);
        Long next = null;
        if (rows.size() > q.limit()) {
            rows = rows.subList(0, q.limit());
            next = rows.get(rows.size() - 1).rowId();
        }
        return new TaskPage(List.copyOf(rows), total, next);
    }

    /** Something done with each row as it is read. */
    public interface RowSink {
        void accept(TaskRecord row) throws java.io.IOException;
    }

    /**
     * Reads up to {@code maxRows} rows matching {@code q}, newest first, handing each to
     * {@code sink} as it comes (an export of any size never sits in memory).
     */
    public void each(Connection c, TaskQuery q, int maxRows, RowSink sink) throws SQLException {
        List<Object> args = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql(c).pageTasks(q, maxRows, args))) {
            ps.setFetchSize(Math.min(maxRows, 1_000));
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(read(rs));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Rows by task type and status: {@code type -> status -> count}. */
    public Map<String, Map<String, Long>> countByTypeAndStatus(Connection c) throws SQLException {
        Map<String, Map<String, Long>> counts = new java.util.TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql(c).countByTypeAndStatus()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), k -> new java.util.TreeMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return counts;
    }

    /**
     * Tasks TaskHistory holds as not finished (PENDING or RUNNING), oldest first, rebuilt as the
     * messages that would carry them, on the node they were last placed on (null for a task
     * submitted and never placed): what to place again when Redis has lost its data. Pages by
     * row id: rows after {@code afterRowId}; the last row id read is left in {@code lastRowId[0]}.
     */
    public List<TaskMessage> unfinished(Connection c, long afterRowId, int limit, long[] lastRowId) throws SQLException {
        List<TaskMessage> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql(c).unfinished())) {
            ps.setLong(1, afterRowId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> params;
                    try {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> p = rs.getString("Params") == null ? Map.of()
                                : Json.GSON.fromJson(rs.getString("Params"), Map.class);
                        params = p;
                    } catch (RuntimeException e) {
                        params = Map.of();
                    }
                    lastRowId[0] = rs.getLong("ID");
                    String moves = rs.getString("Moves");
                    Instant submitted = DbTime.get(rs, "SubmittedAt");
                    out.add(new TaskMessage(rs.getString("TaskId"), rs.getString("TaskType"), params,
                            Math.max(1, rs.getInt("Attempts")), submitted == null ? 0 : submitted.toEpochMilli(), rs.getString("NodeID"), null,
                            moves == null || moves.isEmpty() ? List.of() : List.of(moves.split("\n")), null));
                }
            }
        }
        return out;
    }

    public TaskRecord get(Connection c, String taskId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql(c).taskById())) {
            ps.setString(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    public Map<TaskStatus, Long> countByStatus(Connection c) throws SQLException {
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : TaskStatus.values()) {
            counts.put(s, 0L);
        }
        try (PreparedStatement ps = c.prepareStatement(sql(c).countByStatus()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                try {
                    counts.put(TaskStatus.valueOf(rs.getString(1)), rs.getLong(2));
                } catch (IllegalArgumentException e) {
                    // A status written by hand into the table is not one of ours; it is not counted.
                }
            }
        }
        return counts;
    }

    static TaskRecord read(ResultSet rs) throws SQLException {
        String moves = rs.getString("Moves");
        long duration = rs.getLong("DurationMs");
        Long durationMs = rs.wasNull() ? null : duration;
        TaskStatus status;
        try {
            status = TaskStatus.valueOf(rs.getString("Status"));
        } catch (IllegalArgumentException | NullPointerException e) {
            status = TaskStatus.FAILED;
        }
        return new TaskRecord(rs.getLong("ID"), rs.getString("TaskId"), rs.getString("NodeID"),
                rs.getString("TaskType"), rs.getString("Params"), status, rs.getString("Result"),
                rs.getString("Error"), rs.getString("Reason"),
                moves == null || moves.isEmpty() ? List.of() : Arrays.asList(moves.split("\n")),
                rs.getInt("Attempts"), DbTime.get(rs, "SubmittedAt"), DbTime.get(rs, "StartedAt"),
                DbTime.get(rs, "FinishedAt"), durationMs, DbTime.get(rs, "Timestamp"));
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    private static String moves(TaskMessage t) {
        return t.moves() == null || t.moves().isEmpty() ? null : cut(String.join("\n", t.moves()), MAX_MOVES_CHARS);
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
