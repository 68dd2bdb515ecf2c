package colmena.coordinator;

import colmena.task.TaskMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When placements not yet written to TaskHistory fall due, and how much of the heap they may hold. */
class PendingRowsTest {
    private static final String REPLY = "reply:0b8e8f0e-3c55-4c2a-9f6e-5f1c2d3e4f50";

    private static List<TaskMessage> placed(int n, String prefix) {
        List<TaskMessage> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(TaskMessage.submit(prefix + i, "sleep", Map.of("ms", 0.0), 0, REPLY)
                    .placedOn("nodo1", "least loaded: nodo1 cpu 12% mem 40%, 3 queued"));
        }
        return tasks;
    }

    @Test
    void aSmallTaskIsCountedAboutAsMuchAsItWasMeasuredToHold() {
        TaskMessage sleep = TaskMessage.submit("0190a8f2-7c1d-7e3a-9b4c-5d6e7f809112", "sleep", Map.of("ms", 0.0), 0, REPLY)
                .placedOn("nodo1", "least loaded: nodo1 cpu 12% mem 40%, 3 queued");
        int small = PendingRows.bytes(sleep);
        // Measured: 669 bytes of heap for such a placement, its message in a map and a queue.
        assertTrue(small >= 550 && small <= 800, "a sleep task counted " + small + " bytes");

        Map<String, Object> tile = new LinkedHashMap<>();
        tile.put("job", "0190a8f2-7c1d-7e3a-9b4c-5d6e7f809113");
        tile.put("photo", "class-photos/group.jpg");
        tile.put("sha256", "9".repeat(64));
        tile.put("blob", "blob:" + "a".repeat(64));
        for (String k : List.of("x", "y", "width", "height", "overlap", "strip", "strips", "minSize", "scale")) {
            tile.put(k, 1.0);
        }
        TaskMessage faces = TaskMessage.submit("0190a8f2-7c1d-7e3a-9b4c-5d6e7f809114", "faces-tile", tile, 0, REPLY)
                .placedOn("nodo1", "least loaded");
        assertTrue(PendingRows.bytes(faces) > 2 * small, "a face tile counted " + PendingRows.bytes(faces));
    }

    @Test
    void whileResultsWaitPlacementsWaitLongerUntilTheyHoldTooMuch() {
        int each = PendingRows.bytes(placed(1, "a").get(0));
        PendingRows pending = new PendingRows(5L * each);
        long t0 = 1_000_000;
        pending.placed(placed(5, "a"), t0, node -> false);

        // Past the short delay: due when no results wait, not while they do (up to LATEST_MS).
        long later = t0 + PendingRows.DELAY_MS + 1;
        assertEquals(0, pending.due(later, 100, true).size());
        assertEquals(0, pending.due(t0 + PendingRows.LATEST_MS - 1, 100, true).size());
        assertEquals(5, pending.size());

        // One more than the budget holds: the placements past the short delay are written even while results wait.
        pending.placed(placed(1, "b"), later, node -> false);
        List<PendingRows.Entry> due = pending.due(later, 100, true);
        assertEquals(5, due.size());
        assertEquals("a0", due.get(0).task().id());
        pending.forget(due);
        assertEquals(1, pending.size());
        assertEquals(each, pending.queuedBytes());
    }

    @Test
    void placementsStoredMeanwhileLeaveTheQueueWithoutWaitingForTheirTime() {
        PendingRows pending = new PendingRows(1L << 30);
        List<TaskMessage> tasks = placed(3, "a");
        pending.placed(tasks, 0, node -> false);
        assertTrue(pending.queuedBytes() > 0);
        pending.stored(tasks.stream().map(t -> colmena.task.TaskResult.failed(t, "nodo1", "x", 0, 1, 1)).toList());
        assertEquals(0, pending.size());
        // Not due for another second, but stale: the queue lets them go, and the heap they held.
        assertEquals(0, pending.due(1, 100, true).size());
        assertEquals(0, pending.queuedBytes());
    }

    @Test
    void afterTheLongestWaitTheyAreDueEvenWhileResultsWait() {
        PendingRows pending = new PendingRows(1L << 30);
        pending.placed(placed(3, "a"), 0, node -> false);
        assertEquals(0, pending.due(PendingRows.LATEST_MS - 1, 100, true).size());
        assertEquals(3, pending.due(PendingRows.LATEST_MS, 100, true).size());
    }
}
