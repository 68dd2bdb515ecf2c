package colmena.coordinator;

import colmena.log.Outage;
import colmena.store.DbErrors;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import org.slf4j.Logger;

import java.sql.SQLException;
import java.util.List;

/** The {@link ResultCollector}'s writes of PENDING rows that have fallen due, between its batches of results. */
final class PendingRowWriter {
    private final TaskHistoryStore store;
    private final DbSession db;
    private final PendingRows pending;
    /** The collector's log. */
    private final Logger log;

    PendingRowWriter(TaskHistoryStore store, DbSession db, PendingRows pending, Logger log) {
        this.store = store;
        this.db = db;
        this.pending = pending;
        this.log = log;
    }

    /**
     * Writes the PENDING rows of placements that have fallen due ({@link PendingRows}): tasks still
     * unfinished a moment after they were placed, placed on a confined node, or moved. When the
     * database refuses a value of a batch, each is written on its own, and one still refused is
     * left to its result (stored, or stored FAILED saying why, when it ends).
     *
     * @param resultsWaiting whether more results wait to be stored than one batch took (they go first)
     * @return how many were written
     * @throws SQLException when TaskHistory cannot be written; those placements are due again
     */
    int write(boolean resultsWaiting) throws SQLException {
        List<PendingRows.Entry> due = pending.due(PendingRows.clockMs(), Placer.BATCH, resultsWaiting);
        if (due.isEmpty()) {
            return 0;
        }
        try {
            recordPlaced(due);
        } catch (SQLException e) {
            if (!DbErrors.refused(e)) {
                pending.retry(due);
                throw e;
            }
            writeEach(due);
        } catch (RuntimeException | Error e) {
            pending.retry(due); // due again, not dropped from the due order (nor counted for ever: Placer.room)
            throw e;
        }
        pending.forget(due);
        return due.size();
    }

    /** Writes each row on its own, leaving one still refused to its result. */
    private void writeEach(List<PendingRows.Entry> due) throws SQLException {
        for (PendingRows.Entry one : due) {
            try {
                recordPlaced(List.of(one));
            } catch (SQLException again) {
                if (!DbErrors.refused(again)) {
                    pending.retry(due);
                    throw again;
                }
                log.error("TaskHistory refused the PENDING row of task {} on {} ({}); its result is stored when it ends",
                        one.task().id(), one.task().node(), Outage.reason(again));
            }
        }
    }

    private void recordPlaced(List<PendingRows.Entry> entries) throws SQLException {
        List<TaskMessage> tasks = entries.stream().map(PendingRows.Entry::task).toList();
        db.inTransaction(c -> {
            store.recordPlaced(c, tasks);
            return null;
        });
    }
}
