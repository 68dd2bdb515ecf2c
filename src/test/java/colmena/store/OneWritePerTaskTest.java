package colmena.store;

import colmena.TestDatabase;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A task whose placement was never written (it ended, or reported RUNNING, before its PENDING row
 * fell due) gets its row whole from what its node reported: one write.
 */
class OneWritePerTaskTest {
    private final TaskHistoryStore store = new TaskHistoryStore();

    private static TaskMessage placed(String id) {
        return TaskMessage.submit(id, "sleep", Map.of("ms", 5), 1_000, null).placedOn("nodo1", "nodo1: 0 queued");
    }

    @Test
    void aResultWithNoRowIsStoredWholeAndARunningNoticeWithNoRowMakesARunningRow() throws Exception {
        Database db = TestDatabase.fresh();
        TaskMessage done = placed("one-done");
        TaskMessage running = placed("one-running");
        try (Connection c = db.connect()) {
            store.recordResults(c, List.of(TaskResult.done(done, "nodo1", "5", 2_000, 2_005, 5),
                    new TaskResult(running, "nodo1", colmena.task.TaskStatus.RUNNING, null, null, 2_000, 0, 0)));
        }
        try (Connection c = db.connect()) {
            TaskRecord d = store.get(c, "one-done");
            assertEquals("DONE", d.status().name());
            assertEquals("nodo1", d.node());
            assertEquals("nodo1: 0 queued", d.reason());
            TaskRecord r = store.get(c, "one-running");
            assertEquals("RUNNING", r.status().name());
        }
    }
}
