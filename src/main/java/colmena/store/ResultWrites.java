package colmena.store;

import colmena.store.TaskRows.Current;
import colmena.store.TaskRows.Row;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import static colmena.store.TaskHistoryStore.MAX_MOVES_CHARS;
import static colmena.store.TaskHistoryStore.MAX_RESULT_CHARS;
import static colmena.store.TaskHistoryStore.MAX_REASON_CHARS;
import static colmena.store.TaskRows.bindFinish;
import static colmena.store.TaskRows.cut;
import static colmena.store.TaskRows.moves;
import static colmena.store.TaskRows.unmatched;

/** {@link TaskHistoryStore#recordResults} and {@link TaskHistoryStore#insertFresh}: what agents said, stored on the tasks' rows. */
final class ResultWrites {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TaskHistoryStore.class);
    private final LongSupplier clock;
    private final TaskRows table;

    ResultWrites(LongSupplier clock, TaskRows table) {
        this.clock = clock;
        this.table = table;
    }

    /** {@link TaskHistoryStore#recordResults}. */
    int recordResults(Connection c, List<TaskResult> results, CountChanges counts) throws SQLException {
        if (results.isEmpty()) {
            return 0;
        }
        long now = clock.getAsLong();
        List<TaskResult> running = new ArrayList<>();
        List<TaskResult> finals = new ArrayList<>();
        for (TaskResult r : latestPerTask(results)) {
            (r.status().isFinal() ? finals : running).add(r);
        }
        // A RUNNING notice, one statement: its row was written with it, PENDING on the node that holds the task.
        List<TaskResult> unsure = new ArrayList<>(recordStarts(c, running, now, counts));
        // A final result usually has no row yet (a task that ended soon after its placement is written once,
        // whole): one look-up of the batch's rows, then each inserted or updated, beats an UPDATE finding nothing.
        unsure.addAll(finals);
        int duplicates = unsure.isEmpty() ? 0 : settle(c, unsure, now, counts);
        storeLongOutputs(c, finals);
        return duplicates;
    }

    /**
     * After results inserted at once met a row (tasks recorded when submitted through the API, say),
     * this many batches go by {@link #recordResults} alone before inserting at once is tried again.
     */
    static final int FRESH_PAUSE_BATCHES = 64;
    private final AtomicInteger freshPaused = new AtomicInteger();

    /** {@link TaskHistoryStore#insertFresh}. */
    List<TaskResult> insertFresh(Connection c, List<TaskResult> results, Predicate<String> noRowYet, CountChanges counts)
            throws SQLException {
        if (results.isEmpty() || freshPaused.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return results;
        }
        long now = clock.getAsLong();
        List<TaskResult> fresh = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (TaskResult r : latestPerTask(results)) {
            if (r.status().isFinal() && noRowYet.test(r.id())) {
                fresh.add(r);
                rows.add(Row.of(r, now));
            }
        }
        if (fresh.isEmpty()) {
            return results;
        }
        CountChanges added = new CountChanges();
        Savepoint before = c.setSavepoint();
        try {
            table.insert(c, rows, added);
        } catch (SQLException e) {
            if (!DbErrors.duplicateKey(e)) {
                throw e;
            }
            try {
                c.rollback(before);
            } catch (SQLException r) {
                r.addSuppressed(e);
                throw r;
            }
            freshPaused.set(FRESH_PAUSE_BATCHES);
            LOG.debug("Results inserted at once met a row after all ({}); looking their rows up", e.getMessage());
            return results;
        }
        counts.addAll(added);
        storeLongOutputs(c, fresh);
        Set<String> inserted = new HashSet<>();
        fresh.forEach(r -> inserted.add(r.id()));
        List<TaskResult> rest = new ArrayList<>(results.size() - fresh.size());
        for (TaskResult r : results) {
            if (!inserted.contains(r.id())) {
                rest.add(r); // a RUNNING notice of a task inserted whole is said by its row already
            }
        }
        return rest;
    }

    /** Each task's latest result in the batch: a final one over a RUNNING notice. */
    static java.util.Collection<TaskResult> latestPerTask(List<TaskResult> results) {
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
    List<TaskResult> recordStarts(Connection c, List<TaskResult> running, long now, CountChanges counts) throws SQLException {
        if (running.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).start())) {
            for (TaskResult r : running) {
                DbTime.set(ps, 1, r.startedAtMs());
                DbTime.set(ps, 2, now);
                ps.setInt(3, r.task().attempt());
                ps.setString(4, r.id());
                ps.setString(5, r.node());
                ps.setString(6, r.task().type());
                // A late notice of an attempt before does not start a retry's row; one of a later
                // attempt (an agent with its own credential that restarted and ran its tasks again) does.
                ps.setInt(7, r.task().attempt());
                ps.addBatch();
            }
            int[] changed = ps.executeBatch();
            for (int i = 0; i < changed.length; i++) {
                if (changed[i] == 1) {
                    TaskResult r = running.get(i);
                    counts.moved(r.task().type(), r.node(), TaskStatus.PENDING, r.node(), TaskStatus.RUNNING);
                }
            }
            return unmatched(running, changed);
        }
    }

    /** Times the results whose row changed between its look-up and its update are looked up again, at most. */
    static final int SETTLE_PASSES = 4;

    /** {@link #settle(Connection, List, long, List, CountChanges)}, looking up again while rows change meanwhile. */
    int settle(Connection c, List<TaskResult> unsure, long now, CountChanges counts) throws SQLException {
        int duplicates = 0;
        List<TaskResult> left = unsure;
        for (int pass = 1; pass <= SETTLE_PASSES && !left.isEmpty(); pass++) {
            List<TaskResult> changedMeanwhile = new ArrayList<>();
            duplicates += settle(c, left, now, changedMeanwhile, counts);
            left = changedMeanwhile;
        }
        if (!left.isEmpty()) {
            LOG.warn("{} result(s) not stored: their rows changed under each of {} look-ups (another coordinator writing "
                    + "the same tasks?), e.g. {}", left.size(), SETTLE_PASSES, left.get(0).task().describe());
        }
        return duplicates;
    }

    /**
     * Results that did not fit their row as expected, decided against what each row says now: no
     * row yet (inserted whole), a RUNNING notice from a node that lost the task (ignored), a run
     * after the outcome was stored (noted as a duplicate), or a late or latest result on a row not
     * yet final (stored, keeping the row's attempts and moves as needed). A row is only updated if it
     * still says what the look-up read (so its count changes exactly as read); a row changed by
     * another writer between the two (a cancel, a placement elsewhere) leaves its result in
     * {@code changedMeanwhile}, to be looked up again, so the result is stored or noted beside the
     * outcome that stands rather than dropped.
     *
     * @return how many duplicate runs were noted
     */
    private int settle(Connection c, List<TaskResult> unsure, long now, List<TaskResult> changedMeanwhile,
                       CountChanges counts) throws SQLException {
        Map<String, Current> current = table.current(c, unsure.stream().map(TaskResult::id).toList());
        List<Row> rows = new ArrayList<>();
        List<TaskResult> updated = new ArrayList<>();
        List<Current> was = new ArrayList<>();
        int duplicates = 0;
        try (PreparedStatement any = c.prepareStatement(table.sql(c).finishAny()); PreparedStatement note = c.prepareStatement(table.sql(c).note())) {
            for (TaskResult r : unsure) {
                Current row = current.get(r.id());
                if (row == null) {
                    current.put(r.id(), new Current(r.node(), r.status(), r.task().attempt(), moves(r.task()), r.task().type()));
                    rows.add(Row.of(r, now));
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
                    bindFinish(any, r, r.task().attempt(), moves(r.task()), now, row); // the latest attempt after all
                    any.addBatch();
                    updated.add(r);
                    was.add(row);
                } else {
                    bindFinish(any, r, row.attempts(), cut(row.withLate(r), MAX_MOVES_CHARS), now, row);
                    any.addBatch();
                    updated.add(r);
                    was.add(row);
                }
            }
            if (!updated.isEmpty()) {
                int[] changed = any.executeBatch();
                for (int i = 0; i < changed.length; i++) {
                    TaskResult r = updated.get(i);
                    if (changed[i] == 1) {
                        Current row = was.get(i);
                        counts.moved(row.type(), row.node(), row.status(), r.node(), r.status());
                    } else {
                        changedMeanwhile.add(r);
                    }
                }
            }
            note.executeBatch();
            table.insert(c, rows, counts);
        }
        return duplicates;
    }

    /**
     * Keeps whole, in TaskOutputs, each result longer than the Result column holds (a photo tile's
     * candidate windows); the first one stored stays.
     */
    void storeLongOutputs(Connection c, List<TaskResult> finals) throws SQLException {
        List<TaskResult> longOnes = finals.stream()
                .filter(r -> r.result() != null && r.result().length() > MAX_RESULT_CHARS).toList();
        if (longOnes.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(table.sql(c).insertOutput())) {
            for (TaskResult r : longOnes) {
                ps.setString(1, r.id());
                ps.setString(2, r.result());
                ps.setString(3, r.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
