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

    /**
     * What "durable" means here, against H2 itself: a process that committed rows and checkpointed
     * them is killed at once (SIGKILL, as a closed window or a crash), and every one of them is in
     * the file when it is opened again; rows only committed after that, with H2's own writer held
     * off for a minute, are not: the kill is the abrupt end it stands for, and without the
     * checkpoint the results would have been dropped from Redis with their rows still in memory.
     */
    @Test
    void checkpointedRowsOutliveTheProcessKilledAtOnceAndRowsOnlyCommittedDoNot(@TempDir Path dir) throws Exception {
        String url = Database.defaultUrl(dir).replace("WRITE_DELAY=200", "WRITE_DELAY=60000");
        assertTrue(url.contains(";WRITE_DELAY=60000"), "H2's own writer held off: " + url);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommitThenHoldMain.class.getName(), url, "1000", "1000")
                .redirectErrorStream(true).start();
        // A child stuck before its lines ends its output too, so the reading below ends, and fails.
        java.util.concurrent.CompletableFuture.delayedExecutor(60, java.util.concurrent.TimeUnit.SECONDS)
                .execute(p::destroyForcibly);
        StringBuilder out = new StringBuilder();
        boolean committed = false;
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.append(line).append('\n');
                if (line.equals("committed")) {
                    committed = true;
                    break;
                }
            }
            p.destroyForcibly(); // the moment the second commit returned
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertTrue(out.toString().contains("durable") && committed, "both commits made before the kill:\n" + out);
        Database db = Database.open(url, null, null);
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT Action, COUNT(*) FROM AuditLog GROUP BY Action")) {
            java.util.Map<String, Long> rows = new java.util.HashMap<>();
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
            assertEquals(1000L, rows.getOrDefault("durable", 0L), "every checkpointed row kept: " + rows);
            assertEquals(0L, rows.getOrDefault("committed", 0L), "rows only committed lost with the process: " + rows);
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
