package colmena.store;

import colmena.TestDatabase;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention on a real H2 database: what goes, what stays, in batches, exported first when asked. */
class RetentionTest {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final long T0 = 1_700_000_000_000L;

    /** Writes {@code n} tasks DONE at {@code atMs} (their rows' time), ids prefix-0..n-1, oldest first. */
    private static void finished(Database db, String prefix, int n, long atMs) throws Exception {
        TaskHistoryStore store = new TaskHistoryStore(() -> atMs);
        List<TaskMessage> placed = new ArrayList<>();
        List<TaskResult> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TaskMessage t = TaskMessage.submit(prefix + "-" + i, "fib", Map.of("n", i), atMs, null).placedOn("nodo1", "test");
            placed.add(t);
            done.add(TaskResult.done(t, "nodo1", Integer.toString(i), atMs, atMs + 5, 5));
        }
        try (DbSession s = new DbSession(db)) {
            s.inTransaction(c -> {
                store.recordPlaced(c, placed);
                store.recordResults(c, done);
                return null;
            });
        }
    }

    private static void pending(Database db, String id, long atMs) throws Exception {
        try (DbSession s = new DbSession(db)) {
            s.inTransaction(c -> {
                new TaskHistoryStore(() -> atMs).recordPlaced(c,
                        List.of(TaskMessage.submit(id, "fib", Map.of(), atMs, null).placedOn("nodo2", "test")));
                return null;
            });
        }
    }

    private static long rows(Database db) throws Exception {
        return TestDatabase.count(db, "SELECT COUNT(*) FROM TaskHistory");
    }

    @Test
    void rowsOlderThanKeepDaysGoAndUnfinishedOnesStay() throws Exception {
        Database db = TestDatabase.fresh();
        finished(db, "old", 30, T0);
        pending(db, "old-pending", T0);
        finished(db, "new", 10, T0 + 9 * DAY_MS);
        Retention r = new Retention(new Retention.Policy(7, 0, 8, null), () -> T0 + 10 * DAY_MS);

        long deleted;
        try (DbSession s = new DbSession(db)) {
            deleted = r.pass(s, () -> true, 0);
        }

        assertEquals(30, deleted);
        assertEquals(11, rows(db));
        try (Connection c = db.connect()) {
            TaskHistoryStore store = new TaskHistoryStore();
            assertNull(store.get(c, "old-0"));
            assertEquals(TaskStatus.PENDING, store.get(c, "old-pending").status(), "an unfinished row is never deleted");
            assertEquals(TaskStatus.DONE, store.get(c, "new-9").status());
        }
    }

    @Test
    void rowsBeyondKeepRowsGoOldestFirstInBatches() throws Exception {
        Database db = TestDatabase.fresh();
        finished(db, "t", 25, T0);
        Retention r = new Retention(new Retention.Policy(0, 10, 4, null), () -> T0);
        int[] batches = {0};

        try (DbSession s = new DbSession(db)) {
            assertEquals(15, r.pass(s, () -> ++batches[0] > 0, 0));
        }

        assertEquals(4, batches[0], "15 rows in batches of 4: 4 + 4 + 4 + 3");
        assertEquals(10, rows(db));
        try (Connection c = db.connect()) {
            TaskHistoryStore store = new TaskHistoryStore();
            assertNull(store.get(c, "t-14"));
            assertEquals(TaskStatus.DONE, store.get(c, "t-15").status());
        }
        try (DbSession s = new DbSession(db)) {
            assertEquals(0, r.pass(s, () -> true, 0), "a second pass finds nothing");
        }
    }

    @Test
    void aPassThatIsToldToStopStopsBetweenBatches() throws Exception {
        Database db = TestDatabase.fresh();
        finished(db, "t", 20, T0);
        Retention r = new Retention(new Retention.Policy(0, 5, 5, null), () -> T0);
        AtomicLong asked = new AtomicLong();

        try (DbSession s = new DbSession(db)) {
            assertEquals(5, r.pass(s, () -> asked.incrementAndGet() == 1, 0));
        }
        assertEquals(15, rows(db));
    }

    @Test
    void deletedRowsAreExportedToTheDaysCsvFirst(@TempDir Path dir) throws Exception {
        Database db = TestDatabase.fresh();
        finished(db, "t", 12, T0);
        Path out = dir.resolve("exports");
        Retention r = new Retention(new Retention.Policy(0, 2, 4, out), () -> T0);

        try (DbSession s = new DbSession(db)) {
            assertEquals(10, r.pass(s, () -> true, 0));
        }

        Path file = Retention.exportFile(out, LocalDate.ofInstant(java.time.Instant.ofEpochMilli(T0), ZoneOffset.UTC));
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(String.join(",", HistoryCsv.HEADER), lines.get(0));
        assertEquals(11, lines.size(), "a header and one line per deleted row: " + lines);
        assertTrue(lines.get(1).contains("\"t-0\""), lines.get(1));
        assertTrue(lines.get(10).contains("\"t-9\""), lines.get(10));
        assertTrue(lines.get(1).contains("2023-11-14T22:13:20Z"), "times as UTC instants: " + lines.get(1));
        assertEquals(2, rows(db));
    }

    @Test
    void aDaysFileBegunWithOtherColumnsIsLeftAsItIsAndTheRowsGoToTheNextFile(@TempDir Path dir) throws Exception {
        Database db = TestDatabase.fresh();
        finished(db, "t", 5, T0);
        Path out = Files.createDirectories(dir.resolve("exports"));
        LocalDate day = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(T0), ZoneOffset.UTC);
        // As the version before TaskHistory kept retries wrote it that day: two columns fewer.
        String before = String.join(",", HistoryCsv.HEADER.subList(0, HistoryCsv.HEADER.size() - 2)) + "\r\n"
                + "1,\"old-1\",\"nodo1\"\r\n";
        Files.writeString(Retention.exportFile(out, day), before);
        Retention r = new Retention(new Retention.Policy(0, 2, 10, out), () -> T0);

        try (DbSession s = new DbSession(db)) {
            assertEquals(3, r.pass(s, () -> true, 0));
        }

        assertEquals(before, Files.readString(Retention.exportFile(out, day)), "the earlier file, untouched");
        List<String> lines = Files.readAllLines(out.resolve("taskhistory-" + day + "-2.csv"), StandardCharsets.UTF_8);
        assertEquals(String.join(",", HistoryCsv.HEADER), lines.get(0));
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(1).endsWith(",5,0,0"), "with the priority, retries and failures: " + lines.get(1));

        finished(db, "u", 3, T0);
        try (DbSession s = new DbSession(db)) {
            assertEquals(3, r.pass(s, () -> true, 0));
        }
        assertEquals(7, Files.readAllLines(out.resolve("taskhistory-" + day + "-2.csv")).size(), "the next pass appends there");
    }

    @Test
    void anExportThatCannotBeWrittenDeletesNothing(@TempDir Path dir) throws Exception {
        Database db = TestDatabase.fresh();
        finished(db, "t", 6, T0);
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        Retention r = new Retention(new Retention.Policy(0, 1, 10, notADir), () -> T0);

        try (DbSession s = new DbSession(db)) {
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> r.pass(s, () -> true, 0));
            assertTrue(e.getMessage().contains("no rows were deleted"), e.getMessage());
        }
        assertEquals(6, rows(db));
    }

    @Test
    void nothingIsOldEnoughOnAYoungTable() throws Exception {
        Database db = TestDatabase.fresh();
        finished(db, "t", 3, T0);
        Retention r = new Retention(new Retention.Policy(30, 100, 10, null), () -> T0 + DAY_MS);
        try (Connection c = db.connect()) {
            assertNull(r.cutoff(c, SqlDialect.of(c)));
        }
        assertFalse(new Retention.Policy(0, 0, 10, null).enabled());
    }
}
