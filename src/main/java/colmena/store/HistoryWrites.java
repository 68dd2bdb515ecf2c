package colmena.store;

import colmena.store.TaskHistoryStore.Retries;
import colmena.store.TaskRows.Current;
import colmena.store.TaskRows.Row;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import static colmena.store.TaskHistoryStore.MAX_MOVES_CHARS;
import static colmena.store.TaskHistoryStore.MAX_RESULT_CHARS;
import static colmena.store.TaskHistoryStore.MAX_REASON_CHARS;
import static colmena.store.TaskRows.bindFinish;
import static colmena.store.TaskRows.cut;
import static colmena.store.TaskRows.moves;
import static colmena.store.TaskRows.unmatched;

/**
 * {@link TaskHistoryStore}'s writes of placements, submissions and retries; each one's contract
 * is on {@link TaskHistoryStore}.
 */
final class HistoryWrites {
    private final LongSupplier clock;
    private final TaskRows table;

    HistoryWrites(LongSupplier clock, TaskRows table) {
        this.clock = clock;
        this.table = table;
    }

    /** {@link TaskHistoryStore#recordPlaced}. */
    void recordPlaced(Connection c, List<TaskMessage> placed) throws SQLException {
        if (placed.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        // Most placed tasks are new: one look-up of which rows exist replaces an UPDATE per task.
        Set<String> existing = table.existing(c, placed.stream().map(TaskMessage::id).toList());
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
            try (PreparedStatement ps = c.prepareStatement(table.sql(c).placeAgain())) {
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
        table.insert(c, rows);
    }

    /** {@link TaskHistoryStore#recordSubmitted}. */
    void recordSubmitted(Connection c, List<TaskMessage> submitted) throws SQLException {
        Set<String> existing = table.existing(c, submitted.stream().map(TaskMessage::id).toList());
        long now = clock.getAsLong();
        List<Row> rows = new ArrayList<>();
        for (TaskMessage t : submitted) {
            if (existing.add(t.id())) {
                rows.add(new Row(t, null, TaskStatus.PENDING, null, null, 0, 0, null, now));
            }
        }
        table.insert(c, rows);
    }

    /** {@link TaskHistoryStore#forgetSubmitted}. */
    void forgetSubmitted(Connection c, List<String> taskIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).forgetSubmitted())) {
            for (String id : taskIds) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** {@link TaskHistoryStore#recordRetries}. */
    Retries recordRetries(Connection c, List<TaskResult> failed, java.util.function.Function<TaskResult, TaskMessage> next)
            throws SQLException {
        List<TaskMessage> retried = new ArrayList<>();
        List<TaskResult> stored = new ArrayList<>();
        List<TaskResult> stale = new ArrayList<>();
        if (failed.isEmpty()) {
            return new Retries(retried, stored, stale);
        }
        Map<String, Current> rows = table.current(c, failed.stream().map(TaskResult::id).distinct().toList());
        long now = clock.getAsLong();
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).retry())) {
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
                        table.insert(c, List.of(new Row(again, r.node(), TaskStatus.PENDING, null, r.error(), r.startedAtMs(),
                                r.finishedAtMs(), r.durationMs(), now)));
                    } else {
                        bindRetry(ps, r, again, now);
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

    /** Binds {@code retry()}: the failed run's row back to PENDING at the attempt of {@code again}. */
    private static void bindRetry(PreparedStatement ps, TaskResult r, TaskMessage again, long now) throws SQLException {
        ps.setString(1, r.node());
        ps.setString(2, cut(r.error(), MAX_RESULT_CHARS));
        ps.setInt(3, again.attempt());
        ps.setString(4, moves(again));
        DbTime.set(ps, 5, now);
        ps.setString(6, r.id());
        ps.setInt(7, r.task().attempt());
    }
}
