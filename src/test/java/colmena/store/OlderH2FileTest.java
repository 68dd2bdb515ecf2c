package colmena.store;

import colmena.TempDirs;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A school's data folder outlives the H2 version that wrote it: a database file written by H2
 * 2.3.232 (the version Colmena shipped until December 2026: 60 tasks placed on nodo1 and nodo2, 10
 * stored DONE, 10 FAILED, the rest PENDING, then {@code SHUTDOWN COMPACT}) opens with the H2 on the
 * class path, reads as it was written, takes new results, and keeps them when opened again. Should
 * a later H2 change its file format, this fails before a school's history becomes unreadable.
 */
class OlderH2FileTest {
    private static final String MADE_BY = "2.3.232";
    private static final long T1 = 1_765_000_000_000L;

    @Test
    void aDatabaseWrittenByH2_2_3_232IsReadAndWrittenAsItWas() throws Exception {
        Path dir = TempDirs.make("colmena-older-h2");
        for (String file : List.of("colmena.mv.db", "colmena.db-password")) {
            try (InputStream in = OlderH2FileTest.class.getResourceAsStream("h2-" + MADE_BY + "/" + file)) {
                assertNotNull(in, file);
                Files.copy(in, dir.resolve(file));
            }
        }
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        TaskHistoryStore store = new TaskHistoryStore(() -> T1);
        try (Connection c = db.connect()) {
            assertNotEquals(MADE_BY, h2Version(c), "the test reads the older file with the H2 on the class path");
            assertEquals(Map.of(TaskStatus.DONE, 10L, TaskStatus.FAILED, 10L, TaskStatus.PENDING, 40L), nonZero(store.countByStatus(c)));
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
            assertEquals(Map.of(TaskStatus.DONE, 30L, TaskStatus.FAILED, 10L, TaskStatus.PENDING, 20L), nonZero(store.countByStatus(c)));
            assertEquals("new59", store.get(c, "old-59").result());
            assertEquals(20, store.list(c, new TaskQuery(null, TaskStatus.PENDING, null, null, 0, 500)).tasks().size());
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

    private static String h2Version(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT H2VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
