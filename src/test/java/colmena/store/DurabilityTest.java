package colmena.store;

import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurabilityTest {

    @Test
    void h2CommitsBecomeDurableAfterTheCheckpointThreadHasRun(@TempDir Path dir) throws Exception {
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        try (Durability d = Durability.of(db); Connection c = db.connect(); Statement s = c.createStatement()) {
            assertEquals(0, d.durable());
            s.execute("INSERT INTO AuditLog (OccurredAt, Action) VALUES (CURRENT_TIMESTAMP, 'test')");
            long first = d.committed();
            long second = d.committed();
            assertTrue(second > first);
            Eventually.within(Duration.ofSeconds(5), "commit " + second + " made durable", () -> d.durable() >= second);
            long third = d.committed();
            d.flushNow();
            assertTrue(d.durable() >= third, "flushNow makes every counted commit durable");
        }
    }
}
