package colmena.store;

import colmena.TestDatabase;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A page of the task list reads an index in its order and stops at the page's end, whatever the
 * filters (H2's own plan says so), and holds the rows a sort by row id would give.
 */
class TaskPagesTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final String[] NODES = {"nodo1", "nodo2", null};
    private static final TaskStatus[] STATUSES = {null, TaskStatus.DONE, TaskStatus.FAILED, TaskStatus.PENDING};
    private static final String[] TYPES = {null, "fib"};

    private static List<TaskQuery> everyFilter(Long cursor) {
        List<TaskQuery> out = new ArrayList<>();
        for (String node : NODES) {
            for (TaskStatus status : STATUSES) {
                for (String type : TYPES) {
                    out.add(new TaskQuery(node, status, type, cursor, 0, 5));
                }
            }
        }
        return out;
    }

    @Test
    void everyFilterReadsAnIndexInItsOrder() throws Exception {
        Database db = TestDatabase.fresh();
        for (SqlDialect sql : List.of(H2Dialect.INSTANCE, SqlServerDialect.INSTANCE)) {
            try (Connection c = db.connect()) {
                for (Long cursor : new Long[]{null, 1_000L}) {
                    for (TaskQuery q : everyFilter(cursor)) {
                        List<Object> args = new ArrayList<>();
                        String page = sql.pageTasks(q, 6, args);
                        String plan = plan(c, page, args);
                        assertTrue(plan.contains("/* index sorted */") || q.node() == null && q.status() == null && q.type() == null
                                && plan.contains("PRIMARY KEY"), sql.name() + ", " + q + ": H2 sorts the matching rows:\n" + plan);
                    }
                }
            }
        }
    }

    @Test
    void pagesHoldTheNewestMatchingRows() throws Exception {
        Database db = TestDatabase.fresh();
        TaskHistoryStore store = new TaskHistoryStore(() -> T0);
        try (Connection c = db.connect()) {
            List<TaskMessage> placed = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                placed.add(TaskMessage.submit("page-" + i, i % 3 == 0 ? "fib" : "pi", Map.of(), T0, null)
                        .placedOn(i % 2 == 0 ? "nodo1" : "nodo2", "x"));
            }
            store.recordPlaced(c, placed);
            List<TaskResult> results = new ArrayList<>();
            for (int i = 0; i < 60; i += 4) {
                results.add(TaskResult.done(placed.get(i), placed.get(i).node(), "1", T0, T0 + 1, 1));
                results.add(TaskResult.failed(placed.get(i + 1), placed.get(i + 1).node(), "x", T0, T0 + 1, 1));
            }
            store.recordResults(c, results);
            List<TaskRecord> all = store.list(c, new TaskQuery(null, null, null, null, 0, 500)).tasks();
            assertEquals(60, all.size());
            for (TaskQuery q : everyFilter(null)) {
                List<TaskRecord> expected = all.stream()
                        .filter(r -> q.node() == null || q.node().equals(r.node()))
                        .filter(r -> q.status() == null || q.status() == r.status())
                        .filter(r -> q.type() == null || q.type().equals(r.type()))
                        .sorted(Comparator.comparingLong(TaskRecord::rowId).reversed()).toList();
                TaskPage first = store.list(c, q);
                assertEquals(expected.stream().limit(5).map(TaskRecord::id).toList(), first.tasks().stream().map(TaskRecord::id).toList(), q.toString());
                if (first.nextCursor() != null) {
                    TaskPage second = store.list(c, new TaskQuery(q.node(), q.status(), q.type(), first.nextCursor(), 0, 5));
                    assertEquals(expected.stream().skip(5).limit(5).map(TaskRecord::id).toList(),
                            second.tasks().stream().map(TaskRecord::id).toList(), "second page of " + q);
                }
            }
        }
    }

    private static String plan(Connection c, String query, List<Object> args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + query)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
