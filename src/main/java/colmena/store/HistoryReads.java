package colmena.store;

import colmena.broker.Json;
import colmena.store.TaskHistoryStore.Holder;
import colmena.store.TaskHistoryStore.RowSink;
import colmena.store.TaskHistoryStore.TaskState;
import colmena.task.TaskMessage;
import colmena.task.TaskStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static colmena.store.TaskRows.bind;
import static colmena.store.TaskRows.read;

/** {@link TaskHistoryStore}'s reads; each one's contract is on {@link TaskHistoryStore}. */
final class HistoryReads {
    private final TaskRows table;

    HistoryReads(TaskRows table) {
        this.table = table;
    }

    /** {@link TaskHistoryStore#list}. */
    TaskPage list(Connection c, TaskQuery q) throws SQLException {
        return page(c, q, count(c, q));
    }

    /** {@link TaskHistoryStore#count}. */
    long count(Connection c, TaskQuery q) throws SQLException {
        List<Object> args = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).countTasks(q, args))) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** {@link TaskHistoryStore#page}. */
    TaskPage page(Connection c, TaskQuery q, long total) throws SQLException {
        List<TaskRecord> rows = new ArrayList<>();
        each(c, q, q.limit() + 1, rows::add);
        Long next = null;
        if (rows.size() > q.limit()) {
            rows = rows.subList(0, q.limit());
            next = rows.get(rows.size() - 1).rowId();
        }
        return new TaskPage(List.copyOf(rows), total, next);
    }

    /** {@link TaskHistoryStore#each}. */
    void each(Connection c, TaskQuery q, int maxRows, RowSink sink) throws SQLException {
        List<Object> args = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).pageTasks(q, maxRows, args))) {
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

    /** {@link TaskHistoryStore#countByTypeAndStatus}. */
    Map<String, Map<String, Long>> countByTypeAndStatus(Connection c) throws SQLException {
        Map<String, Map<String, Long>> counts = new java.util.TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).countByTypeAndStatus()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), k -> new java.util.TreeMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return counts;
    }

    /** {@link TaskHistoryStore#unfinishedRows}. */
    List<TaskHistoryStore.Unfinished> unfinished(Connection c, long afterRowId, int limit, long[] lastRowId) throws SQLException {
        List<TaskHistoryStore.Unfinished> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).unfinished())) {
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
                    int retries = TaskRows.retries(rs);
                    int failures = TaskRows.failures(rs);
                    int priority = TaskRows.priority(rs);
                    Instant changed = DbTime.get(rs, "Timestamp");
                    out.add(new TaskHistoryStore.Unfinished(new TaskMessage(rs.getString("TaskId"), rs.getString("TaskType"), params,
                            Math.max(1, rs.getInt("Attempts")), submitted == null ? 0 : submitted.toEpochMilli(),
                            rs.getString("NodeID"), null, moves == null || moves.isEmpty() ? List.of() : List.of(moves.split("\n")),
                            null, retries == 0 ? null : retries, failures == 0 ? null : failures,
                            priority == TaskMessage.DEFAULT_PRIORITY ? null : priority),
                            // Read leniently: a status edited by hand ('pending ', which SQL Server's collation
                            // lets through the query) is not one waiting for a retry.
                            "PENDING".equals(rs.getString("Status")) ? TaskStatus.PENDING : TaskStatus.RUNNING,
                            changed == null ? 0 : changed.toEpochMilli(), rs.getString("Reason")));
                }
            }
        }
        return out;
    }

    /** {@link TaskHistoryStore#get}. */
    TaskRecord get(Connection c, String taskId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).taskById())) {
            ps.setString(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    /** {@link TaskHistoryStore#countByStatus}. */
    Map<TaskStatus, Long> countByStatus(Connection c) throws SQLException {
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : TaskStatus.values()) {
            counts.put(s, 0L);
        }
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).countByStatus()); ResultSet rs = ps.executeQuery()) {
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

    /** {@link TaskHistoryStore#states}. */
    Map<String, TaskState> states(Connection c, java.util.Collection<String> taskIds) throws SQLException {
        Map<String, TaskState> out = new java.util.HashMap<>();
        table.current(c, List.copyOf(taskIds)).forEach((id, row) -> out.put(id, new TaskState(row.status(), row.node())));
        return out;
    }

    /** {@link TaskHistoryStore#holders}. */
    Map<String, Holder> holders(Connection c, List<String> ids) throws SQLException {
        Map<String, Holder> out = new java.util.HashMap<>();
        table.current(c, ids).forEach((id, row) -> out.put(id, new Holder(row.node(), row.status(), row.moves())));
        return out;
    }
}
