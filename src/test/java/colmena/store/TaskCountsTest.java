package colmena.store;

import colmena.TestDatabase;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TaskCounts, kept as TaskHistory is written, says what a count of TaskHistory itself says: after
 * every kind of write, under both dialects, while two writers and a fold race, and after a recount
 * of rows edited by hand. The truth is counted here with this test's own GROUP BY.
 */
class TaskCountsTest {
    private static final long T0 = 1_700_000_000_000L;

    private static TaskHistoryStore store(String dialect) {
        return new TaskHistoryStore(() -> T0, dialect.equals("sqlserver") ? SqlServerDialect.INSTANCE : null);
    }

    private static SqlDialect sql(String dialect) {
        return dialect.equals("sqlserver") ? SqlServerDialect.INSTANCE : H2Dialect.INSTANCE;
    }

    private static TaskMessage task(String id, String type) {
        return TaskMessage.submit(id, type, Map.of("n", 1), T0, null);
    }

    /** TaskHistory counted by node, type and status: the truth. */
    static Map<String, Long> truth(Connection c) throws SQLException {
        return byKey(c, "SELECT NodeID, TaskType, Status, COUNT(*) FROM TaskHistory GROUP BY NodeID, TaskType, Status");
    }

    /** TaskCounts summed by node, type and status, zeros left out. */
    static Map<String, Long> kept(Connection c) throws SQLException {
        return byKey(c, "SELECT NodeID, TaskType, Status, SUM(N) FROM TaskCounts GROUP BY NodeID, TaskType, Status HAVING SUM(N) <> 0");
    }

    private static Map<String, Long> byKey(Connection c, String query) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3), rs.getLong(4));
            }
        }
        return out;
    }

    private static void assertCountsTrue(Connection c, TaskHistoryStore store, String after) throws SQLException {
        Map<String, Long> truth = truth(c);
        assertEquals(truth, kept(c), "after " + after);
        // The product's own reads of them agree: totals of filters, and by status.
        for (Map.Entry<String, Long> e : truth.entrySet()) {
            String[] k = e.getKey().split("/");
            String node = k[0].equals("null") ? null : k[0];
            if (node != null) {
                long expected = truth.entrySet().stream().filter(x -> x.getKey().startsWith(node + "/" + k[1] + "/"))
                        .mapToLong(Map.Entry::getValue).sum();
                assertEquals(expected, store.count(c, new TaskQuery(node, null, k[1], null, 0, 50)), "node and type " + e.getKey());
            }
        }
        Map<TaskStatus, Long> byStatus = store.countByStatus(c);
        for (TaskStatus s : TaskStatus.values()) {
            long expected = truth.entrySet().stream().filter(x -> x.getKey().endsWith("/" + s.name()))
                    .mapToLong(Map.Entry::getValue).sum();
            assertEquals(expected, byStatus.get(s), s + " after " + after);
            assertEquals(expected, store.count(c, new TaskQuery(null, s, null, null, 0, 50)), s + " after " + after);
        }
        assertEquals(truth.values().stream().mapToLong(Long::longValue).sum(), store.count(c, TaskQuery.latest(50)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlserver"})
    void everyKindOfWriteKeepsTheCountsTrue(String dialect) throws Exception {
        Database db = TestDatabase.fresh();
        TaskHistoryStore store = store(dialect);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            TaskMessage a = task("cnt-a", "fib").placedOn("nodo1", "least loaded");
            TaskMessage b = task("cnt-b", "fib").placedOn("nodo2", "least loaded");
            TaskMessage s1 = task("cnt-s1", "primes");
            TaskMessage s2 = task("cnt-s2", "primes");
            store.recordSubmitted(c, List.of(s1, s2, s1));
            c.commit();
            assertCountsTrue(c, store, "submitted");
            store.forgetSubmitted(c, List.of("cnt-s2", "cnt-missing"));
            assertCountsTrue(c, store, "forgotten");
            store.recordPlaced(c, List.of(a, b, s1.placedOn("nodo1", "least loaded")));
            assertCountsTrue(c, store, "placed (new rows and a submitted one)");
            store.recordResults(c, List.of(TaskResult.running(a, "nodo1", T0 + 1), TaskResult.running(b, "nodo3", T0 + 1),
                    TaskResult.running(task("cnt-b", "forged").placedOn("nodo2", "x"), "nodo2", T0 + 1)));
            assertCountsTrue(c, store, "RUNNING notices, one from the wrong node, one with a forged type");
            store.recordPlaced(c, List.of(a.movedTo("nodo2", "nodo1 lost", "moved from nodo1")));
            assertCountsTrue(c, store, "placed again elsewhere");
            TaskMessage c1 = task("cnt-c", "fib").placedOn("nodo1", "least loaded");
            store.recordResults(c, List.of(TaskResult.done(c1, "nodo1", "8", T0 + 1, T0 + 5, 4),
                    TaskResult.done(a, "nodo1", "1", T0 + 1, T0 + 5, 4)));
            assertCountsTrue(c, store, "a result with no row, and a late result from the node that lost its task");
            store.recordResults(c, List.of(TaskResult.done(a.movedTo("nodo2", "x", "y"), "nodo2", "1", T0 + 1, T0 + 6, 5),
                    TaskResult.done(c1, "nodo1", "8", T0 + 1, T0 + 5, 4)));
            assertCountsTrue(c, store, "duplicate runs after the outcome");
            // Results said to have no row yet, inserted at once: a RUNNING notice of one of them in the same
            // batch is left out (its row says more), the others left for recordResults.
            TaskMessage e1 = task("cnt-e", "fib").placedOn("nodo1", "least loaded");
            TaskMessage e2 = task("cnt-e2", "fib").placedOn("nodo2", "least loaded");
            List<TaskResult> rest = store.insertFresh(c, List.of(TaskResult.running(e1, "nodo1", T0 + 1),
                    TaskResult.done(e1, "nodo1", "8", T0 + 1, T0 + 5, 4), TaskResult.running(e2, "nodo2", T0 + 1)),
                    id -> id.equals("cnt-e"));
            assertEquals(List.of(TaskResult.running(e2, "nodo2", T0 + 1)), rest);
            store.recordResults(c, rest);
            assertCountsTrue(c, store, "a result with no row, said so");
            assertEquals(TaskStatus.DONE, store.get(c, "cnt-e").status());
            // ... one of which has a row after all: undone, every result left for recordResults.
            TaskMessage e3 = task("cnt-e3", "fib").placedOn("nodo1", "least loaded");
            List<TaskResult> both = List.of(TaskResult.done(e3, "nodo1", "8", T0 + 1, T0 + 5, 4),
                    TaskResult.done(s1.placedOn("nodo1", "least loaded"), "nodo1", "2", T0 + 1, T0 + 5, 4));
            assertEquals(both, store.insertFresh(c, both, id -> true));
            assertCountsTrue(c, store, "results said to have no row, one of which has: nothing written");
            assertEquals(null, store.get(c, "cnt-e3"), "its insert undone");
            store.recordResults(c, both);
            assertCountsTrue(c, store, "the same results, stored by looking their rows up");
            assertEquals(TaskStatus.DONE, store.get(c, "cnt-s1").status());
            assertEquals(TaskStatus.DONE, store.get(c, "cnt-e3").status());
            store.recordPlaced(c, List.of(c1.placedOn("nodo3", "again")));
            assertCountsTrue(c, store, "a final row placed again");
            TaskHistoryStore.Retries r = store.recordRetries(c, List.of(TaskResult.failed(b, "nodo2", "boom", T0 + 1, T0 + 2, 1),
                    TaskResult.failed(task("cnt-d", "pi").placedOn("nodo4", "x"), "nodo4", "boom", T0 + 1, T0 + 2, 1)),
                    f -> f.task().retried("failed on " + f.node()));
            assertEquals(2, r.retried().size());
            assertCountsTrue(c, store, "retries, one of a task with no row");
            store.recordResults(c, List.of(TaskResult.cancelled(b, null, "cancelled by teacher", 0, T0 + 9, 0)));
            assertCountsTrue(c, store, "a cancel");
            c.commit();
            Retention retention = new Retention(new Retention.Policy(0, 2, 1, null), () -> T0);
            int deleted = retention.deleteBatch(c, sql(dialect), retention.cutoff(c, sql(dialect)));
            assertTrue(deleted > 0, "retention deleted nothing");
            assertCountsTrue(c, store, "retention");
            c.commit();
            int folded = HistoryCounts.fold(c, sql(dialect));
            assertTrue(folded > 0, "nothing folded");
            assertCountsTrue(c, store, "a fold");
            assertEquals(kept(c).size(), rows(c, "SELECT COUNT(*) FROM TaskCounts"), "one row per key after a fold");
            assertEquals(0, HistoryCounts.fold(c, sql(dialect)), "a second fold has nothing to do");
        }
    }

    /**
     * A retry writes the retries asked for and the failures so far, also on a row written before
     * TaskHistory kept them (NULL), so that a task put back from TaskHistory keeps what it has left.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlserver"})
    void aRetryWritesItsRetriesAndFailuresEvenOnARowFromBeforeTheColumns(String dialect) throws Exception {
        Database db = TestDatabase.fresh();
        TaskHistoryStore store = store(dialect);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            TaskMessage first = task("retry-a", "fib").withRetries(3).placedOn("nodo1", "least loaded");
            store.recordPlaced(c, List.of(first));
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("UPDATE TaskHistory SET Retries = NULL, Failures = NULL WHERE TaskId = 'retry-a'");
            }
            assertEquals(List.of(0, 0), List.of(store.get(c, "retry-a").retries(), store.get(c, "retry-a").failures()));
            TaskHistoryStore.Retries r = store.recordRetries(c, List.of(TaskResult.failed(first, "nodo1", "boom", T0 + 1, T0 + 2, 1)),
                    f -> f.task().retried("failed on nodo1"));
            assertEquals(1, r.retried().size());
            assertEquals(List.of(3, 1), List.of(store.get(c, "retry-a").retries(), store.get(c, "retry-a").failures()));
            TaskMessage back = store.unfinishedRows(c, 0, 10, new long[1]).stream().map(TaskHistoryStore.Unfinished::task)
                    .filter(t -> t.id().equals("retry-a")).findFirst().orElseThrow();
            assertEquals(List.of(3, 1, 2), List.of(back.retriesAsked(), back.failuresSoFar(), back.attempt()),
                    "what Redis gets back after it lost its data");
        }
    }

    /**
     * A RUNNING notice of an attempt before (stored late: results of a higher priority join the
     * results at their head, so a notice may come after its task's FAILED result) leaves the retry's
     * PENDING row, on the same node, as it is; the retry's own notice starts it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlserver"})
    void aLateNoticeOfAnAttemptBeforeDoesNotStartTheRetry(String dialect) throws Exception {
        Database db = TestDatabase.fresh();
        TaskHistoryStore store = store(dialect);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            TaskMessage first = task("late-a", "fib").placedOn("nodo1", "least loaded");
            store.recordPlaced(c, List.of(first));
            TaskHistoryStore.Retries r = store.recordRetries(c, List.of(TaskResult.failed(first, "nodo1", "boom", T0 + 1, T0 + 2, 1)),
                    f -> f.task().retried("failed on nodo1"));
            assertEquals(1, r.retried().size());
            TaskMessage retry = r.retried().get(0);
            assertEquals(2, retry.attempt());
            assertEquals(TaskStatus.PENDING, store.get(c, "late-a").status());

            store.recordResults(c, List.of(TaskResult.running(first, "nodo1", T0 + 1)));
            assertEquals(TaskStatus.PENDING, store.get(c, "late-a").status(), "the first attempt's late notice changed nothing");
            assertCountsTrue(c, store, "a late notice");
            store.recordResults(c, List.of(TaskResult.running(retry.placedOn("nodo1", "again"), "nodo1", T0 + 3)));
            assertEquals(TaskStatus.RUNNING, store.get(c, "late-a").status(), "the retry's own notice");
            assertCountsTrue(c, store, "the retry's notice");

            // An agent with its own credential that restarted runs its tasks again at the next
            // attempt, on the same node, with no new placement: its notice starts the row.
            TaskMessage placed = task("late-b", "fib").placedOn("nodo2", "least loaded");
            store.recordPlaced(c, List.of(placed));
            TaskMessage again = placed.movedAway("nodo2 restarted while holding it");
            assertEquals(2, again.attempt());
            store.recordResults(c, List.of(TaskResult.running(again, "nodo2", T0 + 4)));
            assertEquals(TaskStatus.RUNNING, store.get(c, "late-b").status(), "a notice of a later attempt");
            assertCountsTrue(c, store, "a later attempt's notice");
        }
    }

    @Test
    void aRolledBackWriteLeavesNoCount() throws Exception {
        Database db = TestDatabase.fresh();
        TaskHistoryStore store = store("h2");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            store.recordPlaced(c, List.of(task("rb-a", "fib").placedOn("nodo1", "x")));
            c.rollback();
            assertEquals(Map.of(), kept(c));
            assertEquals(0, store.count(c, TaskQuery.latest(50)));
        }
    }

    @Test
    void rowsEditedByHandAreCountedAgainByARecount() throws Exception {
        Database db = TestDatabase.fresh();
        TaskHistoryStore store = store("h2");
        try (Connection c = db.connect()) {
            List<TaskMessage> placed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                placed.add(task("hand-" + i, i % 2 == 0 ? "fib" : "pi").placedOn("nodo" + (i % 3), "x"));
            }
            store.recordPlaced(c, placed);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE TaskHistory SET Status = 'DONE' WHERE TaskId LIKE 'hand-1%'");
                s.executeUpdate("DELETE FROM TaskHistory WHERE TaskId = 'hand-2'");
            }
            assertTrue(!truth(c).equals(kept(c)), "a hand edit went unnoticed: the test proves nothing");
            HistoryCounts.Recount r = HistoryCounts.recount(c, H2Dialect.INSTANCE, T0);
            assertEquals(19, r.rows());
            assertTrue(r.exact());
            assertCountsTrue(c, store, "a recount");
            assertEquals(19, HistoryCounts.recount(c, H2Dialect.INSTANCE, T0).rows());
            assertCountsTrue(c, store, "a second recount, which finds nothing to correct");
        }
    }

    @Test
    void aRecountIsExactWhileTasksAreWrittenAndFolded() throws Exception {
        Database db = TestDatabase.fresh();
        TaskHistoryStore store = store("h2");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // A history TaskCounts knows nothing of, large enough that the count takes a while.
            s.executeUpdate("INSERT INTO TaskHistory (TaskId, NodeID, TaskType, Status, Attempts, SubmittedAt, [Timestamp]) "
                    + "SELECT 'bulk-' || X, 'nodo' || MOD(X, 7), 'fib', 'DONE', 1, TIMESTAMP '2026-01-01 00:00:00', "
                    + "TIMESTAMP '2026-01-01 00:00:00' FROM SYSTEM_RANGE(1, 300000)");
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger folds = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        Thread writer = new Thread(writer(db, failures, stop, batches, 4, (c, rnd) -> {
            List<TaskMessage> placed = new ArrayList<>();
            List<TaskResult> done = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TaskMessage t = task("live-" + next.incrementAndGet(), "pi").placedOn("nodo" + rnd.nextInt(3), "x");
                placed.add(t);
                if (rnd.nextBoolean()) {
                    done.add(TaskResult.done(t, t.node(), "3", T0, T0 + 1, 1));
                }
            }
            store.recordPlaced(c, placed);
            c.commit();
            store.recordResults(c, done);
        }));
        Thread folder = new Thread(writer(db, failures, stop, folds, 5, (c, rnd) -> {
            HistoryCounts.fold(c, H2Dialect.INSTANCE);
            Thread.sleep(10);
        }));
        writer.start();
        folder.start();
        HistoryCounts.Recount r;
        int batchesBefore;
        int foldsBefore;
        try (Connection c = db.connect()) {
            Thread.sleep(300);
            batchesBefore = batches.get();
            foldsBefore = folds.get();
            r = HistoryCounts.recount(c, H2Dialect.INSTANCE, T0);
        } finally {
            Thread.sleep(300);
            stop.set(true);
            writer.join(30_000);
            folder.join(30_000);
        }
        assertEquals(List.of(), failures);
        assertTrue(r.exact());
        assertTrue(r.rows() >= 300_000, "counted " + r.rows());
        assertTrue(batches.get() > batchesBefore && folds.get() > foldsBefore,
                "nothing was written or folded during the recount: the test proves nothing");
        try (Connection c = db.connect()) {
            assertCountsTrue(c, store, "a recount during " + (batches.get() - batchesBefore) + " batches and "
                    + (folds.get() - foldsBefore) + " folds");
        }
    }

    @Test
    void aDatabaseFromBeforeTaskCountsIsCountedWhenOpened() throws Exception {
        java.nio.file.Path dir = TestDatabase.freshDir();
        Database db = colmena.bench.Lab.freshDatabase(dir);
        TaskHistoryStore store = store("h2");
        try (Connection c = db.connect()) {
            store.recordPlaced(c, List.of(task("old-a", "fib").placedOn("nodo1", "x"), task("old-b", "pi").placedOn("nodo2", "x")));
            store.recordResults(c, List.of(TaskResult.done(task("old-a", "fib").placedOn("nodo1", "x"), "nodo1", "1", T0, T0 + 1, 1)));
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE TaskCounts");
                s.execute("DROP TABLE TaskCountsState");
            }
        }
        Database again = Database.open(db.url(), null, null);
        try (Connection c = again.connect()) {
            assertEquals(Map.of("nodo1/fib/DONE", 1L, "nodo2/pi/PENDING", 1L), kept(c));
        }
        // A first count cut short (the process killed during it) left no note: the next open counts again,
        // correcting what TaskCounts holds by then rather than adding to it.
        try (Connection c = again.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM TaskCountsState");
            s.execute("INSERT INTO TaskCounts (NodeID, TaskType, Status, N) VALUES ('nodo1', 'fib', 'DONE', 5)");
        }
        Database third = Database.open(db.url(), null, null);
        try (Connection c = third.connect()) {
            assertEquals(Map.of("nodo1/fib/DONE", 1L, "nodo2/pi/PENDING", 1L), kept(c));
            assertEquals(1, rows(c, "SELECT COUNT(*) FROM TaskCountsState"));
        }
        // Noted: opening again counts nothing (a hand edit of TaskCounts now stays until `admin recount`).
        try (Connection c = third.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO TaskCounts (NodeID, TaskType, Status, N) VALUES ('nodo1', 'fib', 'DONE', 5)");
        }
        Database.open(db.url(), null, null);
        try (Connection c = third.connect()) {
            assertEquals(Map.of("nodo1/fib/DONE", 6L, "nodo2/pi/PENDING", 1L), kept(c));
        }
    }

    @Test
    void countsStayTrueWhileAPlacerAResultWriterAndFoldsRace() throws Exception {
        Database db = TestDatabase.fresh();
        TaskHistoryStore store = store("h2");
        int tasks = 150;
        String[] nodes = {"nodo1", "nodo2", "nodo3"};
        String[] types = {"fib", "pi"};
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger folds = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> finished = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Runnable placer = writer(db, failures, stop, batches, 1, (c, rnd) -> {
            List<TaskMessage> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = rnd.nextInt(tasks);
                batch.add(task("race-" + n, types[n % 2]).placedOn(nodes[rnd.nextInt(nodes.length)], "x"));
            }
            store.recordPlaced(c, batch);
        });
        Runnable results = writer(db, failures, stop, batches, 2, (c, rnd) -> {
            List<TaskResult> batch = new ArrayList<>();
            List<TaskResult> failed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = rnd.nextInt(tasks);
                TaskMessage t = task("race-" + n, types[n % 2]).placedOn(nodes[rnd.nextInt(nodes.length)], "x");
                switch (rnd.nextInt(4)) {
                    case 0 -> batch.add(TaskResult.running(t, t.node(), T0));
                    case 1 -> batch.add(TaskResult.done(t, t.node(), "1", T0, T0 + 1, 1));
                    case 2 -> failed.add(TaskResult.failed(t, t.node(), "boom", T0, T0 + 1, 1));
                    default -> batch.add(TaskResult.running(t, nodes[rnd.nextInt(nodes.length)], T0));
                }
            }
            store.recordResults(c, batch);
            store.recordRetries(c, failed, f -> f.task().retried("again"));
            c.commit();
            batch.stream().filter(x -> x.status() == TaskStatus.DONE).forEach(x -> finished.add(x.id()));
        });
        Runnable folder = writer(db, failures, stop, folds, 3, (c, rnd) -> {
            HistoryCounts.fold(c, H2Dialect.INSTANCE);
            Thread.sleep(20);
        });
        List<Thread> threads = List.of(new Thread(placer), new Thread(results), new Thread(folder));
        threads.forEach(Thread::start);
        Thread.sleep(3_000);
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(List.of(), failures);
        assertTrue(batches.get() > 10, "only " + batches.get() + " batches written");
        assertTrue(folds.get() > 2, "only " + folds.get() + " folds");
        try (Connection c = db.connect()) {
            assertTrue(rows(c, "SELECT COUNT(*) FROM TaskHistory WHERE Status IN ('RUNNING', 'DONE')") > 0);
            // No result committed as DONE was lost to a row that changed under its look-up.
            for (String id : finished) {
                TaskStatus status = store.get(c, id).status();
                assertTrue(status.isFinal(), id + " was stored DONE by a committed batch, yet is " + status);
            }
            assertCountsTrue(c, store, batches.get() + " racing batches and " + folds.get() + " folds");
        }
    }

    private interface Step {
        void run(Connection c, Random rnd) throws Exception;
    }

    /**
     * A thread that runs {@code step} in a transaction until stopped; a transaction the database
     * refused (two writers on one row: a lock timeout, a deadlock, a row inserted by the other)
     * is rolled back and counts for nothing, as the coordinator's would be tried again.
     */
    private static Runnable writer(Database db, List<Throwable> failures, AtomicBoolean stop, AtomicInteger done, long seed,
                                   Step step) {
        return () -> {
            Random rnd = new Random(seed);
            try (Connection c = db.connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCK_TIMEOUT 200"); // two writers on one row: the loser gives up soon, as a retry would
                }
                c.setAutoCommit(false);
                while (!stop.get()) {
                    try {
                        step.run(c, rnd);
                        c.commit();
                        done.incrementAndGet();
                    } catch (SQLException e) {
                        c.rollback();
                    }
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        };
    }

    private static long rows(Connection c, String query) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
