package colmena.store;

import colmena.TempDirs;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A school's data folder outlives the H2 version that wrote it: database files written by H2
 * 2.3.232 (the version Colmena shipped until December 2026) open with the H2 on the class path,
 * read as they were written, take new results, and keep them when opened again. Should a later H2
 * change its file format, or stop reading what an earlier one left, this fails before a school's
 * history becomes unreadable. Two files, 60 tasks each placed on nodo1 and nodo2 (even and odd
 * numbers), {@code old-0} stored DONE ("r0") and {@code old-1} FAILED ("e0"):
 * <ul>
 * <li>{@code compacted}: written in one transaction, then {@code SHUTDOWN COMPACT} (one chunk);
 * <li>{@code killed}: written as a coordinator writes, six transactions each followed by a
 *     {@code CHECKPOINT} (nine chunks), then the process halted without closing the database, as
 *     when an agent's window is closed or the machine loses power.
 * </ul>
 */
class OlderH2FileTest {
    private static final long T1 = 1_765_000_000_000L;

    /** A fixture folder, and its rows by status before and after 20 more tasks are stored DONE. */
    record Fixture(String folder, Map<TaskStatus, Long> before, Map<TaskStatus, Long> after) {
        @Override
        public String toString() {
            return folder;
        }
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("h2-2.3.232-compacted",
                        Map.of(TaskStatus.DONE, 10L, TaskStatus.FAILED, 10L, TaskStatus.PENDING, 40L),
                        Map.of(TaskStatus.DONE, 30L, TaskStatus.FAILED, 10L, TaskStatus.PENDING, 20L)),
                new Fixture("h2-2.3.232-killed",
                        Map.of(TaskStatus.DONE, 12L, TaskStatus.FAILED, 12L, TaskStatus.PENDING, 36L),
                        Map.of(TaskStatus.DONE, 32L, TaskStatus.FAILED, 12L, TaskStatus.PENDING, 16L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void aDatabaseWrittenByH2_2_3_232IsReadAndWrittenAsItWas(Fixture fixture) throws Exception {
        Path dir = TempDirs.make("colmena-older-h2");
        for (String file : List.of("colmena.mv.db", "colmena.db-password")) {
            try (InputStream in = OlderH2FileTest.class.getResourceAsStream(fixture.folder() + "/" + file)) {
                assertNotNull(in, fixture.folder() + "/" + file);
                Files.copy(in, dir.resolve(file));
            }
        }
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        TaskHistoryStore store = new TaskHistoryStore(() -> T1);
        try (Connection c = db.connect()) {
            assertEquals("232", setting(c, "CREATE_BUILD"), "the fixture was made by H2 2.3.232");
            assertNotEquals("232", setting(c, "info.BUILD_ID"), "and is read by the H2 Colmena ships");
            assertEquals(fixture.before(), nonZero(store.countByStatus(c)));
            TaskRecord first = store.get(c, "old-0");
            assertEquals(TaskStatus.DONE, first.status());
            assertEquals("r0", first.result());
            assertEquals("nodo1", first.node());
            assertEquals("fib", first.type());
            TaskRecord failed = store.get(c, "old-1");
            assertEquals(TaskStatus.FAILED, failed.status());
            assertEquals("e0", failed.error());
            assertEquals(60, store.list(c, new TaskQuery(null, null, null, null, 0, 500)).tasks().size());
            assertEquals(30, store.list(c, new TaskQuery("nodo2", null, null, null, 0, 500)).tasks().size(),
                    "nodo2's rows, through its index");

            c.setAutoCommit(false);
            List<TaskResult> more = new ArrayList<>();
            for (int i = 40; i < 60; i++) {
                TaskMessage t = TaskMessage.submit("old-" + i, i % 3 == 0 ? "fib" : "pi", Map.of(), T1, null)
                        .placedOn(i % 2 == 0 ? "nodo1" : "nodo2", "least loaded");
                more.add(TaskResult.done(t, t.node(), "new" + i, T1, T1 + 1, 1));
            }
            store.recordResults(c, more);
            c.commit();
        }
        Database again = Database.open(Database.defaultUrl(dir), null, null);
        try (Connection c = again.connect()) {
            assertEquals(fixture.after(), nonZero(store.countByStatus(c)));
            assertEquals("new59", store.get(c, "old-59").result());
            assertEquals(fixture.after().get(TaskStatus.PENDING),
                    (long) store.list(c, new TaskQuery(null, TaskStatus.PENDING, null, null, 0, 500)).tasks().size());
        }
    }

    private static Map<TaskStatus, Long> nonZero(Map<TaskStatus, Long> counts) {
        Map<TaskStatus, Long> out = new java.util.EnumMap<>(TaskStatus.class);
        counts.forEach((s, n) -> {
            if (n != 0) {
                out.put(s, n);
            }
        });
        return out;
    }

    private static String setting(Connection c, String name) throws Exception {
        try (java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
