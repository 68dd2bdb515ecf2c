package colmena.store;

import colmena.TestDatabase;
import colmena.task.TaskMessage;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Times are stored as UTC whatever the zone of the process that writes or reads them. */
class DbTimeTest {

    @Test
    void aRowWrittenInOneZoneIsStoredAsUtcAndReadBackAsTheSameInstantInAnother() throws Exception {
        Database db = TestDatabase.fresh();
        Instant at = Instant.parse("2026-10-25T01:30:00.250Z"); // the hour Madrid's clocks go back: 02:30 happens twice
        TimeZone before = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Europe/Madrid"));
            try (Connection c = db.connect()) {
                new TaskHistoryStore(at::toEpochMilli).recordPlaced(c,
                        List.of(TaskMessage.submit("utc-1", "fib", Map.of(), at.toEpochMilli(), null).placedOn("nodo1", "t")));
            }
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT CAST(SubmittedAt AS VARCHAR(40)), CAST([Timestamp] AS VARCHAR(40)) "
                         + "FROM TaskHistory WHERE TaskId = 'utc-1'")) {
                rs.next();
                assertEquals("2026-10-25 01:30:00.25", rs.getString(1), "stored as UTC wall-clock time");
                assertEquals("2026-10-25 01:30:00.25", rs.getString(2));
            }
            TimeZone.setDefault(TimeZone.getTimeZone("America/Mexico_City"));
            try (Connection c = db.connect()) {
                TaskRecord row = new TaskHistoryStore().get(c, "utc-1");
                assertEquals(at, row.submittedAt(), "read in another zone");
                assertEquals(at, row.timestamp());
            }
        } finally {
            TimeZone.setDefault(before);
        }
    }

    @Test
    void epochMillisecondsBecomeTheSameUtcTimeAsTheJdksOwnConversion() {
        java.util.Random random = new java.util.Random(7);
        long[] fixed = {1, 999, 1000, 1001, 1_796_398_351_159L, 253_402_300_799_999L, -1, -1000, -1001};
        for (long ms : fixed) {
            assertEquals(java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(ms), java.time.ZoneOffset.UTC), DbTime.utc(ms),
                    "at " + ms + " ms");
        }
        for (int i = 0; i < 10_000; i++) {
            long ms = random.nextLong() % 253_402_300_799_999L;
            assertEquals(java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(ms), java.time.ZoneOffset.UTC), DbTime.utc(ms),
                    "at " + ms + " ms");
        }
    }
}
