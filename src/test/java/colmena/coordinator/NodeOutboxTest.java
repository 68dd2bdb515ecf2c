package colmena.coordinator;

import colmena.broker.NodeCredentials;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.store.TaskHistoryStore;
import colmena.store.TaskHistoryStore.Holder;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which results from a node's own list go on: the decision alone, without Redis or a database. */
class NodeOutboxTest {
    private final Redis unused = Redis.connect("redis://127.0.0.1:1", 1); // never connected
    private final PendingRows pending = new PendingRows();
    private final NodeOutbox outbox = new NodeOutbox(new TaskQueue(unused), new Nodes(unused),
            new NodeCredentials(unused), new TaskHistoryStore(), null, pending);
    private static final TaskResult DONE_ON_PC1 = new TaskResult(TaskMessage.submit("t1", "sleep", Map.of("ms", 1), 0, null),
            "pc1", TaskStatus.DONE, "1", null, 1, 2, 1);

    @AfterEach
    void close() {
        unused.close();
    }

    @Test
    void aResultOfTheNodeThatHoldsOrHeldTheTaskGoesOn() {
        assertNull(outbox.refusal("pc1", DONE_ON_PC1, new Holder("pc1", TaskStatus.RUNNING, null), 0));
        assertNull(outbox.refusal("pc1", DONE_ON_PC1, new Holder("pc1", TaskStatus.DONE, null), 0), "a duplicate: the store notes it");
        assertNull(outbox.refusal("pc1", DONE_ON_PC1,
                new Holder("pc2", TaskStatus.DONE, "pc1 stopped reporting at 10:42:07 while running it"), 0), "a late result");
    }

    @Test
    void aResultForAnotherNodesTaskIsRefusedWithTheReason() {
        assertEquals("task t1 was placed on node pc2, never on node pc1",
                outbox.refusal("pc1", DONE_ON_PC1, new Holder("pc2", TaskStatus.DONE, "pc10 stopped reporting"), 0));
        assertEquals("result for task t1 names node \"pc1\" but was sent with node pc9's credential",
                outbox.refusal("pc9", DONE_ON_PC1, new Holder("pc9", TaskStatus.RUNNING, null), 0));
    }

    @Test
    void aTaskNotInTaskHistoryWaitsForItsPlacementToBeWrittenThenIsRefused() {
        assertEquals("", outbox.refusal("pc1", DONE_ON_PC1, null, 0));
        assertEquals("task t1 is not in TaskHistory; node pc1 was never given it",
                outbox.refusal("pc1", DONE_ON_PC1, null, NodeOutbox.UNWRITTEN_GRACE_MS));
    }

    @Test
    void aResultOfATaskThisCoordinatorJustPlacedOnTheNodeGoesOnBeforeItsRowIsWritten() {
        pending.placed(List.of(DONE_ON_PC1.task().placedOn("pc1", "test")), 0, node -> true);
        assertNull(outbox.refusal("pc1", DONE_ON_PC1, null, 0));
        assertNull(outbox.refusal("pc1", DONE_ON_PC1, new Holder("pc2", TaskStatus.PENDING, null), 0), "moved here, not yet written");
        assertEquals("", outbox.refusal("pc2", new TaskResult(DONE_ON_PC1.task(), "pc2", TaskStatus.DONE, "1", null, 1, 2, 1), null, 0),
                "placed elsewhere: waits");
    }

    @Test
    void aTaskJustMovedToTheNodeWaitsForTheMoveToBeRecordedThenIsRefused() {
        Holder elsewhere = new Holder("pc2", TaskStatus.PENDING, null);
        assertEquals("", outbox.refusal("pc1", DONE_ON_PC1, elsewhere, 1_000));
        assertEquals("", outbox.refusal("pc1", DONE_ON_PC1, elsewhere, 1_000 + NodeOutbox.PLACEMENT_GRACE_MS - 1));
        assertEquals("task t1 was placed on node pc2, never on node pc1",
                outbox.refusal("pc1", DONE_ON_PC1, elsewhere, 1_000 + NodeOutbox.PLACEMENT_GRACE_MS));
    }
}
