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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TaskHistoryStore.class);
    private final LongSupplier clock;
    private final TaskRows table;

    HistoryWrites(LongSupplier clock, TaskRows table) {
        this.clock = clock;
        this.table = table;
    }

    /** {@link TaskHistoryStore#recordPlaced}. */
    void recordPlaced(Connection c, List<TaskMessage> placed, CountChanges counts) throws SQLException {
        if (placed.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        // Most placed tasks are new: one look-up of which rows exist replaces an UPDATE per task.
        Map<String, Current> existing = table.current(c, placed.stream().map(TaskMessage::id).distinct().toList());
        Map<String, TaskMessage> again = new java.util.LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        java.util.Set<String> added = new java.util.HashSet<>();
        for (TaskMessage t : placed) {
            if (existing.containsKey(t.id())) {
                again.put(t.id(), t); // the last placement of a task in the batch stands
            } else if (added.add(t.id())) {
                rows.add(new Row(t, t.node(), TaskStatus.PENDING, null, null, 0, 0, null, now));
            }
        }
        placeAgain(c, again, existing, now, counts);
        table.insert(c, rows, counts);
    }

    /**
     * Rows of tasks placed again, back to PENDING on their new node if not final: each only if it
     * still says what it was looked up as, else looked up again (its count changes as read).
     */
    private void placeAgain(Connection c, Map<String, TaskMessage> again, Map<String, Current> rows, long now,
                            CountChanges counts) throws SQLException {
        for (int pass = 1; pass <= ResultWrites.SETTLE_PASSES && !again.isEmpty(); pass++) {
            if (pass > 1) {
                rows = table.current(c, List.copyOf(again.keySet()));
            }
            List<TaskMessage> sent = new ArrayList<>();
            List<Current> was = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(table.sql(c).placeAgain())) {
                for (TaskMessage t : again.values()) {
                    Current row = rows.get(t.id());
                    if (row == null || row.status().isFinal()) {
                        continue; // final: placing it again changes nothing; gone: deleted by hand
                    }
                    ps.setString(1, t.node());
                    ps.setString(2, cut(t.reason(), MAX_REASON_CHARS));
                    ps.setString(3, moves(t));
                    ps.setInt(4, t.attempt());
                    DbTime.set(ps, 5, now);
                    ps.setString(6, t.id());
                    TaskRows.bindAsLookedUp(ps, 7, row);
                    ps.addBatch();
                    sent.add(t);
                    was.add(row);
                }
                Map<String, TaskMessage> changedMeanwhile = new java.util.LinkedHashMap<>();
                if (!sent.isEmpty()) {
                    int[] changed = ps.executeBatch();
                    for (int i = 0; i < changed.length; i++) {
                        TaskMessage t = sent.get(i);
                        Current row = was.get(i);
                        if (changed[i] == 1) {
                            counts.moved(row.type(), row.node(), row.status(), t.node(), TaskStatus.PENDING);
                        } else {
                            changedMeanwhile.put(t.id(), t);
                        }
                    }
                }
                again = changedMeanwhile;
            }
        }
        if (!again.isEmpty()) {
            LOG.warn("{} placement(s) not stored: their rows changed under each of {} look-ups (another coordinator "
                    + "writing the same tasks?), e.g. {}", again.size(), ResultWrites.SETTLE_PASSES,
                    again.values().iterator().next().describe());
        }
    }

    /** {@link TaskHistoryStore#recordSubmitted}. */
    void recordSubmitted(Connection c, List<TaskMessage> submitted, CountChanges counts) throws SQLException {
        Set<String> existing = table.existing(c, submitted.stream().map(TaskMessage::id).toList());
        long now = clock.getAsLong();
        List<Row> rows = new ArrayList<>();
        for (TaskMessage t : submitted) {
            if (existing.add(t.id())) {
                rows.add(new Row(t, null, TaskStatus.PENDING, null, null, 0, 0, null, now));
            }
        }
        table.insert(c, rows, counts);
    }

    /** {@link TaskHistoryStore#forgetSubmitted}. */
    void forgetSubmitted(Connection c, List<String> taskIds, CountChanges counts) throws SQLException {
        if (taskIds.isEmpty()) {
            return;
        }
        List<String> ids = taskIds.stream().distinct().toList();
        Map<String, Current> rows = table.current(c, ids); // each row's type, which never changes
        List<Current> sent = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).forgetSubmitted())) {
            for (String id : ids) {
                Current row = rows.get(id);
                if (row == null) {
                    continue;
                }
                ps.setString(1, id);
                ps.addBatch();
                sent.add(row);
            }
            if (sent.isEmpty()) {
                return;
            }
            int[] deleted = ps.executeBatch();
            for (int i = 0; i < deleted.length; i++) {
                if (deleted[i] == 1) {
                    counts.removed(null, sent.get(i).type(), TaskStatus.PENDING.name()); // its condition: PENDING on no node
                }
            }
        }
    }

    /** {@link TaskHistoryStore#recordRetries}. */
    Retries recordRetries(Connection c, List<TaskResult> failed, java.util.function.Function<TaskResult, TaskMessage> next,
                          CountChanges counts) throws SQLException {
        List<TaskMessage> retried = new ArrayList<>();
        Set<TaskMessage> storedAgain = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<TaskResult> stored = new ArrayList<>();
        List<TaskResult> stale = new ArrayList<>();
        if (failed.isEmpty()) {
            return new Retries(retried, storedAgain, stored, stale);
        }
        Map<String, Current> rows = table.current(c, failed.stream().map(TaskResult::id).distinct().toList());
        long now = clock.getAsLong();
        List<TaskResult> sent = new ArrayList<>();
        List<Current> was = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).retry())) {
            for (TaskResult r : failed) {
                Current row = rows.get(r.id());
                int attempt = r.task().attempt();
                if (row != null && row.status().isFinal()) {
                    stored.add(r);
                } else if (row != null && row.attempts() == attempt + 1 && java.util.Objects.equals(row.node(), r.node())) {
                    TaskMessage recorded = next.apply(r); // by a pass that died: scheduled if it had not yet (TaskQueue.delayRetries)
                    retried.add(recorded);
                    storedAgain.add(recorded);
                } else if (row != null && row.attempts() != attempt) {
                    stale.add(r);
                } else {
                    TaskMessage again = next.apply(r);
                    if (row == null) {
                        table.insert(c, List.of(new Row(again, r.node(), TaskStatus.PENDING, null, r.error(), r.startedAtMs(),
                                r.finishedAtMs(), r.durationMs(), now)), counts);
                    } else {
                        bindRetry(ps, r, again, now, row);
                        ps.addBatch();
                        sent.add(r);
                        was.add(row);
                    }
                    retried.add(again);
                    rows.put(r.id(), new Current(r.node(), TaskStatus.PENDING, again.attempt(), moves(again),
                            row == null ? r.task().type() : row.type()));
                }
            }
            if (!sent.isEmpty()) {
                int[] changed = ps.executeBatch();
                for (int i = 0; i < changed.length; i++) {
                    if (changed[i] == 1) {
                        Current row = was.get(i);
                        counts.moved(row.type(), row.node(), row.status(), sent.get(i).node(), TaskStatus.PENDING);
                    }
                }
            }
        }
        return new Retries(retried, storedAgain, stored, stale);
    }

    /** Binds {@code retry()}: the failed run's row back to PENDING at the attempt of {@code again}. */
    private static void bindRetry(PreparedStatement ps, TaskResult r, TaskMessage again, long now, Current row)
            throws SQLException {
        ps.setString(1, r.node());
        ps.setString(2, cut(r.error(), MAX_RESULT_CHARS));
        ps.setInt(3, again.attempt());
        ps.setString(4, moves(again));
        DbTime.set(ps, 5, now);
        ps.setInt(6, again.retriesAsked()); // a row written before TaskHistory kept them has none yet
        ps.setInt(7, again.failuresSoFar());
        ps.setString(8, r.id());
        TaskRows.bindAsLookedUp(ps, 9, row);
        ps.setInt(11, r.task().attempt());
    }
}
