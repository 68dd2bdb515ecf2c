package colmena.store;

import colmena.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared H2 database stays on this machine: loopback only, a generated password kept owner-only. */
class H2LocalTest {
    @Test
    void aNewDatabaseGetsAnOwnerOnlyPasswordAndItsServerListensOnLoopbackOnly() throws Exception {
        Path dir = TestDatabase.freshDir();
        String url = Database.defaultUrl(dir);
        Database db = Database.open(url, null, null);
        Path secret = dir.resolve("colmena.db-password");
        assertTrue(Files.exists(secret));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        String password = Files.readString(secret).strip();
        assertTrue(password.length() >= 24, password);
        try (Connection c = db.connect()) {
            Properties lock = new Properties();
            try (var in = Files.newInputStream(dir.resolve("colmena.lock.db"))) {
                lock.load(in);
            }
            String server = lock.getProperty("server", "");
            assertTrue(server.startsWith("127.0.0.1:") || server.startsWith("localhost:"), "AUTO_SERVER on loopback: " + lock);
            int port = Integer.parseInt(server.substring(server.indexOf(':') + 1));
            int seen = 0;
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) { // Linux: what the socket is bound to
                if (Files.exists(Path.of(table))) {
                    for (String line : Files.readAllLines(Path.of(table))) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 3 && f[1].endsWith(String.format(":%04X", port)) && f[3].equals("0A")) {
                            String address = f[1].substring(0, f[1].indexOf(':'));
                            assertTrue(address.equals("0100007F") || address.equals("0000000000000000FFFF00000100007F")
                                    || address.equals("00000000000000000000000001000000"), "listening on " + address + " in " + table);
                            seen++;
                        }
                    }
                }
            }
            assertTrue(seen > 0 || !Files.exists(Path.of("/proc/net/tcp")), "the listening socket was found");
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close());
            assertEquals(H2Local.H2_WRONG_USER_OR_PASSWORD, refused.getErrorCode(), "no way in without the password");
            try (Connection other = DriverManager.getConnection(url, "sa", password)) {
                assertTrue(other.isValid(1));
            }
        }
        assertEquals(password, Files.readString(secret).strip(), "opened again: the same password");
        Database.open(url, null, null).connect().close();
    }

    @Test
    void aDatabaseMadeWithAnEmptyPasswordOpensAndKeepsItsRowsAndGetsThePassword() throws Exception {
        Path dir = TestDatabase.freshDir();
        String url = Database.defaultUrl(dir);
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE Old (X INT)");
            s.execute("INSERT INTO Old VALUES (42)");
            s.execute("SHUTDOWN");
        }
        Database db = Database.open(url, null, null);
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT X FROM Old")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
        String password = Files.readString(dir.resolve("colmena.db-password")).strip();
        assertEquals(H2Local.H2_WRONG_USER_OR_PASSWORD,
                assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close()).getErrorCode());
        DriverManager.getConnection(url, "sa", password).close();
    }

    @Test
    void aLostPasswordFileIsAClearErrorNotANewDatabase() throws Exception {
        Path dir = TestDatabase.freshDir();
        String url = Database.defaultUrl(dir);
        try (Connection c = Database.open(url, null, null).connect(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
        Files.delete(dir.resolve("colmena.db-password"));
        SQLException e = assertThrows(SQLException.class, () -> Database.open(url, null, null));
        assertTrue(e.getMessage().contains("refuses both the password in") && e.getMessage().contains("--db-password"), e.getMessage());
    }

    /**
     * Processes open the shared file in turn (a lock on colmena.open.lock beside it), so one that
     * comes while another is opening it waits for that one to serve it rather than H2's 4-5 s of
     * lock-file ageing. The turn is held only while a connection is made, and given up after.
     */
    @Test
    void connectionsToTheSharedFileAreMadeInTurnAndTheTurnIsGivenUp() throws Exception {
        Path dir = TestDatabase.freshDir();
        Path file = dir.resolve("colmena").toAbsolutePath().normalize();
        assertEquals(file, H2Local.sharedFile(Database.defaultUrl(dir)));
        assertEquals(null, H2Local.sharedFile("jdbc:h2:file:" + file + ";MODE=MSSQLServer"), "not shared without AUTO_SERVER");
        assertEquals(null, H2Local.sharedFile("jdbc:sqlserver://localhost;databaseName=colmena"));
        Path turn = H2Local.turnFile(file);
        boolean[] heldWhileConnecting = {false};
        try (Connection c = H2Local.connectInTurn(file, 1_000, () -> {
            try {
                heldWhileConnecting[0] = heldByThisJvm(turn);
            } catch (java.io.IOException e) {
                throw new SQLException(e);
            }
            return DriverManager.getConnection("jdbc:h2:mem:turn");
        })) {
            assertTrue(c.isValid(1));
        }
        assertTrue(heldWhileConnecting[0], "the turn was not held while connecting");
        assertTrue(!heldByThisJvm(turn), "the turn was kept after connecting");
        // Every connection takes the turn (H2 closes the file with its last connection and the next opens it
        // again): one made while another holder keeps the turn waits for it, here until its 300 ms are up.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(turn, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = ch.lock()) {
            long started = System.nanoTime();
            try (Connection again = H2Local.connectInTurn(file, 300, () -> DriverManager.getConnection("jdbc:h2:mem:turn"))) {
                assertTrue(again.isValid(1), "after waiting out its turn it connects anyway");
            }
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMs >= 250, "a later connection did not wait for the turn (" + waitedMs + " ms)");
        }
        // A failed attempt gives the turn up too.
        assertThrows(SQLException.class, () -> H2Local.connectInTurn(file, 1_000, () -> {
            throw new SQLException("refused");
        }));
        assertTrue(!heldByThisJvm(turn), "the turn was kept after a failed attempt");
    }

    @Test
    void theDatabaseOpensTheSharedFileInTurn() throws Exception {
        Path dir = TestDatabase.freshDir();
        Database.open(Database.defaultUrl(dir), null, null);
        assertTrue(Files.exists(dir.resolve("colmena.open.lock")), "no turn was taken to open " + dir.resolve("colmena"));
    }

    @Test
    void aFolderWhereNoTurnCanBeTakenStillConnects() throws Exception {
        Path file = TestDatabase.freshDir().resolve("no-such-folder").resolve("colmena");
        try (Connection c = H2Local.connectInTurn(file, 1_000, () -> DriverManager.getConnection("jdbc:h2:mem:noturn"))) {
            assertTrue(c.isValid(1));
        }
    }

    /** Whether a lock on {@code file} is held in this JVM: locking it again here is then refused. */
    private static boolean heldByThisJvm(Path file) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = ch.tryLock();
            if (lock != null) {
                lock.release();
            }
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true;
        }
    }
}
