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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static colmena.store.TaskHistoryStore.MAX_MOVES_CHARS;
import static colmena.store.TaskHistoryStore.MAX_PARAMS_CHARS;
import static colmena.store.TaskHistoryStore.MAX_REASON_CHARS;
import static colmena.store.TaskHistoryStore.MAX_RESULT_CHARS;

/**
 * The shape of a TaskHistory row, shared by {@link HistoryWrites}, {@link ResultWrites} and
 * {@link HistoryReads}: the dialect of each connection, a row written whole ({@link Row}), what a
 * row says now ({@link Current}), and binding and reading columns. Texts longer than their column
 * are cut to fit ({@link #cut}).
 */
final class TaskRows {
    private static final int IN_CHUNK = 500;

    /** The dialect every statement comes from; null: the one of each connection's database. */
    private final SqlDialect dialect;

    TaskRows(SqlDialect dialect) {
        this.dialect = dialect;
    }

    SqlDialect sql(Connection c) throws SQLException {
        return dialect != null ? dialect : SqlDialect.of(c);
    }

    /** A row written whole: the task, where it is, its outcome so far, and the time of the write. */
    record Row(TaskMessage task, String node, TaskStatus status, String result, String error,
                       long startedAtMs, long finishedAtMs, Long durationMs, long now) {
        /** The whole row of a task with none yet, from what its node said (a duration only for a final run that started). */
        static Row of(colmena.task.TaskResult r, long now) {
            return new Row(r.task(), r.node(), r.status(), r.result(), r.error(), r.startedAtMs(), r.finishedAtMs(),
                    r.status().isFinal() && r.startedAtMs() > 0 ? r.durationMs() : null, now);
        }
    }

    /** Inserts rows whole, each counted in {@code counts}. */
    void insert(Connection c, List<Row> rows, CountChanges counts) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql(c).insertTask())) {
            for (Row r : rows) {
                TaskMessage t = r.task();
                counts.added(r.node(), t.type(), r.status());
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
                ps.setInt(16, t.priorityOrDefault());
                ps.setInt(17, t.retriesAsked());
                ps.setInt(18, t.failuresSoFar());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** What a row says now, for a result that did not fit it: where the task is, and its history. */
    record Current(String node, TaskStatus status, int attempts, String moves, String type) {
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

    /** What the rows of these tasks say now, by task id; tasks with no row are left out. */
    Map<String, Current> current(Connection c, List<String> ids) throws SQLException {
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
                        found.put(rs.getString(1), new Current(rs.getString(2), status, rs.getInt(4), rs.getString(5),
                                rs.getString(6)));
                    }
                }
            }
        }
        return found;
    }

    /** Which of these tasks have a row. */
    Set<String> existing(Connection c, List<String> ids) throws SQLException {
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

    /** Binds {@code finishAny()}: {@code r} stored on a row that still says what {@code row} says. */
    static void bindFinish(PreparedStatement ps, TaskResult r, int attempts, String moves, long now, Current row)
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
        bindAsLookedUp(ps, 13, row);
    }

    /** Binds the condition that the row still says what {@code row} says, at {@code first} and the next index. */
    static void bindAsLookedUp(PreparedStatement ps, int first, Current row) throws SQLException {
        ps.setString(first, row.status().name());
        ps.setString(first + 1, row.node() == null ? "" : row.node());
    }

    /** The results a batch statement matched no row for. */
    static List<TaskResult> unmatched(List<TaskResult> sent, int[] counts) {
        List<TaskResult> out = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (counts[i] != 1) {
                out.add(sent.get(i));
            }
        }
        return out;
    }

    /** The row under {@code rs}'s cursor; a status not one of ours reads as FAILED, no priority as the default. */
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
                rs.getInt("Attempts"), priority(rs), retries(rs), failures(rs), DbTime.get(rs, "SubmittedAt"), DbTime.get(rs, "StartedAt"),
                DbTime.get(rs, "FinishedAt"), durationMs, DbTime.get(rs, "Timestamp"));
    }

    /**
     * The row's priority: the default for a row written before TaskHistory had the column (NULL),
     * or for one edited by hand to a priority there is none of.
     */
    static int priority(ResultSet rs) throws SQLException {
        int p = rs.getInt("Priority");
        return rs.wasNull() ? TaskMessage.DEFAULT_PRIORITY : TaskMessage.knownPriority(p);
    }

    /**
     * The retries the row's task asked for: none for a row written before TaskHistory had the
     * column (NULL), and at most {@link TaskMessage#MAX_RETRIES} whatever was written by hand.
     */
    static int retries(ResultSet rs) throws SQLException {
        return Math.max(0, Math.min(TaskMessage.MAX_RETRIES, rs.getInt("Retries")));
    }

    /**
     * The runs of the row's task that FAILED and were tried again: none for a row written before
     * TaskHistory had the column, and never more than its {@link #retries}.
     */
    static int failures(ResultSet rs) throws SQLException {
        return Math.max(0, Math.min(retries(rs), rs.getInt("Failures")));
    }

    static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    static String moves(TaskMessage t) {
        return t.moves() == null || t.moves().isEmpty() ? null : cut(String.join("\n", t.moves()), MAX_MOVES_CHARS);
    }

    /** {@code s} cut to at most {@code max} characters, the last of them an ellipsis when cut. */
    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
