package colmena.coordinator;

import colmena.task.TaskMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When placements not yet written to TaskHistory fall due, and how many may wait. */
class PendingRowsTest {
    private static List<TaskMessage> placed(int n, String prefix) {
        List<TaskMessage> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(TaskMessage.submit(prefix + i, "sleep", Map.of("ms", 0), 0, null).placedOn("nodo1", "least loaded"));
        }
        return tasks;
    }

    @Test
    void theCapIsAQuarterOfTheHeapWithinBounds() {
        assertEquals(150_000, PendingRows.maxUnwritten(512L << 20)); // start-all's coordinator
        assertEquals(150_000, PendingRows.maxUnwritten(8L << 30));
        assertEquals((128L << 20) / 4 / 700, PendingRows.maxUnwritten(128L << 20));
        assertEquals(10_000, PendingRows.maxUnwritten(16L << 20));
    }

    @Test
    void whileResultsWaitPlacementsWaitLongerUntilTheCapIsPassed() {
        PendingRows pending = new PendingRows(5);
        long t0 = 1_000_000;
        pending.placed(placed(5, "a"), t0, node -> false);

        // Past the short delay: due when no results wait, not while they do (up to LATEST_MS).
        long later = t0 + PendingRows.DELAY_MS + 1;
        assertEquals(0, pending.due(later, 100, true).size());
        assertEquals(0, pending.due(t0 + PendingRows.LATEST_MS - 1, 100, true).size());
        assertEquals(5, pending.size());

        // One more than the cap: the placements past the short delay are written even while results wait.
        pending.placed(placed(1, "b"), later, node -> false);
        List<PendingRows.Entry> due = pending.due(later, 100, true);
        assertEquals(5, due.size());
        assertEquals("a0", due.get(0).task().id());
        pending.forget(due);
        assertEquals(1, pending.size());
    }

    @Test
    void afterTheLongestWaitTheyAreDueEvenWhileResultsWait() {
        PendingRows pending = new PendingRows(1_000);
        pending.placed(placed(3, "a"), 0, node -> false);
        assertEquals(3, pending.due(PendingRows.LATEST_MS, 100, true).size());
    }
}
