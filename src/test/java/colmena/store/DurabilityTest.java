package colmena.store;

import colmena.TestDatabase;
import colmena.TestRedis;
import colmena.bench.Launcher;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurabilityTest {
    private static final String INSERT = "INSERT INTO AuditLog (OccurredAt, Action) VALUES (CURRENT_TIMESTAMP, 'test')";

    @Test
    void aCheckpointOnTheConnectionThatCommittedMakesItAllDurable(@TempDir Path dir) throws Exception {
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        Durability d = Durability.of(db);
        assertFalse(d.commitIsDurable(), "the default H2 URL keeps commits in memory");
        try (DbSession session = new DbSession(db)) {
            assertThrows(SQLException.class, () -> d.durableUpTo(session), "no connection yet: nothing to vouch for");
            session.inTransaction(c -> c.createStatement().executeUpdate(INSERT));
            assertEquals(Long.MAX_VALUE, d.durableUpTo(session));
        }
    }

    @Test
    void writeDelayZeroAndOtherDatabasesNeedNoCheckpoint(@TempDir Path dir) throws Exception {
        Database db = Database.open(Database.defaultUrl(dir).replace("WRITE_DELAY=200", "WRITE_DELAY=0"), null, null);
        assertTrue(Durability.of(db).commitIsDurable());
    }

    /**
     * The H2 file served by another process (AUTO_SERVER): when that process dies after a commit,
     * the checkpoint must fail rather than succeed on a new host that never saw the commit.
     */
    @Test
    void whenTheProcessHoldingTheCommitDiesTheCheckpointFailsInsteadOfVouchingForIt() throws Exception {
        Path dataDir = TestDatabase.freshDir();
        Path log = dataDir.resolve("coordinator.log");
        TestRedis.fresh().close();
        // A coordinator keeps its connections open, so its process serves the file to this one.
        Process host = Launcher.start(log, List.of("-Xmx256m"), "coordinator", "--redis", TestRedis.url(),
                "--data-dir", dataDir.toString());
        try {
            Eventually.within(Duration.ofSeconds(30), "the coordinator serving the H2 file",
                    () -> Files.exists(dataDir.resolve("colmena.lock.db")) && read(log).contains("is the leader"));
            Database db = Database.open(Database.defaultUrl(dataDir), null, null);
            Durability d = Durability.of(db);
            try (DbSession session = new DbSession(db)) {
                session.inTransaction(c -> c.createStatement().executeUpdate(INSERT));
                host.destroyForcibly().waitFor();
                assertThrows(SQLException.class, () -> d.durableUpTo(session));
            }
        } finally {
            Launcher.kill(host);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
