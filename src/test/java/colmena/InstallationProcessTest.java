package colmena;

import colmena.bench.Launcher;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.install.Installation;
import colmena.install.InstallationStore;
import colmena.install.Stamp;
import colmena.store.Database;
import colmena.support.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One Colmena per Redis namespace and database, with real coordinator, agent and API processes on
 * the shared test Redis: a coordinator of another installation never leads, namespaces never
 * share a task, an orphaned coordinator cannot keep a new installation's tasks, and an emptied
 * Redis is stamped again rather than taken for another installation.
 */
@Timeout(240)
class InstallationProcessTest {
    private static final Path LOGS = Path.of("target", "process-logs", "installation");
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() {
        for (Process p : processes) {
            Launcher.kill(p);
        }
        RedisKeys.useNamespace(null);
    }

    @Test
    void aCoordinatorWithAnotherDatabaseRefusesToLeadNamingBothAndStoresNothing() throws Exception {
        Redis redis = TestRedis.fresh();
        Path dirA = TestDatabase.freshDir();
        Database dbB = TestDatabase.fresh();
        Installation other = Installation.fresh("");
        try (Connection c = dbB.connect()) {
            InstallationStore.create(c, other);
        }
        start("a-coordinator", "coordinator", "--redis", TestRedis.url(), "--data-dir", dirA.toString());
        start("a-agent", "agent", "--id", "nodo1", "--redis", TestRedis.url(), "--interval", "300ms");
        Eventually.within(Duration.ofSeconds(30), "installation A stamped in Redis", () -> Stamp.read(redis) != null);
        String a = Stamp.read(redis).id();

        Path logB = start("b-coordinator", "coordinator", "--redis", TestRedis.url(), "--db", dbB.url());
        Eventually.within(Duration.ofSeconds(30), "B's refusal logged", () -> lines(logB, "refuses to lead").size() == 1);
        List<String> ids = new TaskQueue(redis).submitNew("sleep", Map.of("ms", 20), 40, null);
        Database dbA = Database.open(Database.defaultUrl(dirA), null, null);
        Eventually.within(Duration.ofSeconds(60), "A's 40 tasks DONE in A's database",
                () -> count(dbA, "SELECT COUNT(*) FROM TaskHistory WHERE Status = 'DONE'") == 40);

        int port = TestRedis.freePort();
        Path apiLog = start("b-api", "api", "--redis", TestRedis.url(), "--db", dbB.url(), "--port", Integer.toString(port), "--no-auth");
        HttpClient http = HttpClient.newHttpClient();
        Eventually.within(Duration.ofSeconds(30), "B's API says it is refused", () -> health(http, port).contains("\"status\":\"refused\""));
        HttpResponse<String> nodes = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/nodes")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, nodes.statusCode(), nodes.body());
        assertTrue(nodes.body().contains(a) && nodes.body().contains(other.id()), nodes.body());
        assertEquals(1, lines(apiLog, "refuses to work").size());

        List<String> refusal = lines(logB, "refuses to lead");
        assertEquals(1, refusal.size(), "one line, not one per renewal: " + refusal);
        assertTrue(refusal.get(0).contains(a) && refusal.get(0).contains(other.id()), "names both: " + refusal.get(0));
        assertEquals(0, count(dbB, "SELECT COUNT(*) FROM TaskHistory"), "nothing stored in B's database");
        assertEquals(other.id(), installationIn(dbB).id(), "B's database keeps its own installation");
        assertEquals(a, installationIn(dbA).id());
        assertEquals(a, Stamp.read(redis).id(), "Redis still belongs to A");
        assertEquals(40, ids.size());
        assertTrue(lines(logB, "is the leader").isEmpty(), "B never led");
    }

    @Test
    void twoNamespacesOnOneRedisNeverShareATask() throws Exception {
        Redis redis = TestRedis.fresh();
        Path dirA = TestDatabase.freshDir();
        Path dirB = TestDatabase.freshDir();
        for (String ns : List.of("class-a", "class-b")) {
            Path dir = ns.equals("class-a") ? dirA : dirB;
            start(ns + "-coordinator", "coordinator", "--redis", TestRedis.url(), "--namespace", ns, "--data-dir", dir.toString());
            // The same node id in both: each namespace has a node of its own called nodo1.
            start(ns + "-nodo1", "agent", "--id", "nodo1", "--redis", TestRedis.url(), "--namespace", ns, "--interval", "300ms");
        }
        Path agentLog = LOGS.resolve("class-b-nodo1.log");
        Eventually.within(Duration.ofSeconds(30), "both namespaces stamped", () -> stampIn("class-a") != null && stampIn("class-b") != null);
        Eventually.within(Duration.ofSeconds(30), "the agent says which installation it joined",
                () -> !lines(agentLog, "joined installation " + stampIn("class-b").id()).isEmpty());
        assertFalse(stampIn("class-a").id().equals(stampIn("class-b").id()), "two installations");

        List<String> inA = submitIn("class-a", "sleep", Map.of("ms", 10), 25);
        List<String> inB = submitIn("class-b", "primes", Map.of("n", 1000), 35);
        Database dbA = Database.open(Database.defaultUrl(dirA), null, null);
        Database dbB = Database.open(Database.defaultUrl(dirB), null, null);
        Eventually.within(Duration.ofSeconds(60), "A's tasks DONE",
                () -> count(dbA, "SELECT COUNT(*) FROM TaskHistory WHERE Status = 'DONE'") == 25);
        Eventually.within(Duration.ofSeconds(60), "B's tasks DONE",
                () -> count(dbB, "SELECT COUNT(*) FROM TaskHistory WHERE Status = 'DONE'") == 35);
        Thread.sleep(1_000); // anything that was going to cross would have by now

        assertEquals(25, count(dbA, "SELECT COUNT(*) FROM TaskHistory WHERE TaskType = 'sleep'"));
        assertEquals(25, count(dbA, "SELECT COUNT(*) FROM TaskHistory"), "A's database holds only A's tasks");
        assertEquals(35, count(dbB, "SELECT COUNT(*) FROM TaskHistory WHERE TaskType = 'primes'"));
        assertEquals(35, count(dbB, "SELECT COUNT(*) FROM TaskHistory"), "B's database holds only B's tasks");
        assertEquals(Set.copyOf(inA), taskIds(dbA));
        assertEquals(Set.copyOf(inB), taskIds(dbB));
        for (String key : redis.call(j -> j.keys("*"))) {
            assertTrue(key.startsWith("class-a:") || key.startsWith("class-b:"), "every key is in a namespace: " + key);
        }
        assertEquals("class-a", installationIn(dbA).namespace());
    }

    @Test
    void anOrphanedCoordinatorLeavesTheNewInstallationsTasksToIt() throws Exception {
        Redis redis = TestRedis.fresh();
        Path oldDir = TestDatabase.freshDir();
        Path oldLog = start("orphan", "coordinator", "--redis", TestRedis.url(), "--data-dir", oldDir.toString());
        start("shared-agent", "agent", "--id", "nodo1", "--redis", TestRedis.url(), "--interval", "300ms");
        Eventually.within(Duration.ofSeconds(30), "the old installation stamped", () -> Stamp.read(redis) != null);
        String old = Stamp.read(redis).id();
        new TaskQueue(redis).submitNew("sleep", Map.of("ms", 10), 10, null);
        Eventually.within(Duration.ofSeconds(30), "the old run's tasks taken", () -> redis.call(j -> j.llen(RedisKeys.submitted())) == 0);

        deleteTree(oldDir); // the old run's data folder, deleted while its coordinator still runs
        Eventually.within(Duration.ofSeconds(10), "the orphan notices", () -> !lines(oldLog, "was deleted").isEmpty());
        Path newDir = TestDatabase.freshDir();
        Path newLog = start("new-coordinator", "coordinator", "--redis", TestRedis.url(), "--data-dir", newDir.toString());
        List<String> ids = new TaskQueue(redis).submitNew("sleep", Map.of("ms", 10), 60, null);

        Database fresh = Database.open(Database.defaultUrl(newDir), null, null);
        Eventually.within(Duration.ofSeconds(90), "all 60 new tasks DONE in the new database",
                () -> doneIds(fresh).containsAll(ids));
        // The old run's tasks the orphan had already sent to nodo1 finish there too; their results, in
        // this namespace's results:queue, are kept by the installation that now owns it rather than lost.
        String now = Stamp.read(redis).id();
        assertFalse(now.equals(old), "Redis now belongs to the new installation");
        assertEquals(now, installationIn(fresh).id());
        assertEquals(1, lines(oldLog, "refuses to lead").size(), "the orphan said once why it stopped");
        assertFalse(lines(newLog, "New installation " + now).isEmpty());
    }

    @Test
    void anEmptiedRedisIsStampedAgainAndNothingIsRefused() throws Exception {
        Redis redis = TestRedis.fresh();
        Path dir = TestDatabase.freshDir();
        Path coordinatorLog = start("coordinator", "coordinator", "--redis", TestRedis.url(), "--data-dir", dir.toString());
        start("agent", "agent", "--id", "nodo1", "--redis", TestRedis.url(), "--interval", "300ms");
        int port = TestRedis.freePort();
        Path apiLog = start("api", "api", "--redis", TestRedis.url(), "--data-dir", dir.toString(), "--port",
                Integer.toString(port), "--no-auth");
        Eventually.within(Duration.ofSeconds(30), "stamped", () -> Stamp.read(redis) != null);
        String id = Stamp.read(redis).id();
        HttpClient http = HttpClient.newHttpClient();
        Eventually.within(Duration.ofSeconds(30), "the API names the installation",
                () -> health(http, port).contains("\"id\":\"" + id + "\""));
        assertTrue(health(http, port).contains("\"namespace\":\"\""), health(http, port));

        redis.call(j -> j.flushAll());
        Eventually.within(Duration.ofSeconds(15), "stamped again", () -> Stamp.read(redis) != null);
        assertEquals(id, Stamp.read(redis).id(), "the same installation, not another");
        List<String> ids = new TaskQueue(redis).submitNew("sleep", Map.of("ms", 10), 30, null);
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        Eventually.within(Duration.ofSeconds(60), "30 DONE after the flush",
                () -> count(db, "SELECT COUNT(*) FROM TaskHistory WHERE Status = 'DONE'") == 30);
        assertEquals(Set.copyOf(ids), taskIds(db));
        Thread.sleep(2_500); // a full round of the API's check after the flush
        assertTrue(health(http, port).contains("\"id\":\"" + id + "\""), health(http, port));

        HttpResponse<String> bad = post(http, port, "/api/installation", "{\"name\": \"<b>aula</b>\"}");
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("invalid installation name"), bad.body());
        HttpResponse<String> renamed = post(http, port, "/api/installation", "{\"name\": \"Aula 7 (mañana)\"}");
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("Aula 7 (mañana)", Stamp.read(redis).name(), "Redis has the new name at once");
        Thread.sleep(1_500); // the leader renews the stamp's expiry, and keeps its name
        assertEquals(new Stamp(id, "Aula 7 (mañana)"), Stamp.read(redis));
        assertEquals("Aula 7 (mañana)", installationIn(db).name());
        assertTrue(health(http, port).contains("Aula 7 (mañana)"), health(http, port));

        assertTrue(lines(coordinatorLog, "refuses").isEmpty(), "the coordinator refused nothing");
        assertTrue(lines(apiLog, "refuses").isEmpty(), "the API refused nothing");
        assertFalse(lines(coordinatorLog, "stamped it again").isEmpty());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Path start(String name, String... args) throws IOException {
        Path log = LOGS.resolve(name + ".log");
        Files.deleteIfExists(log);
        processes.add(Launcher.start(log, List.of("-XX:+UseSerialGC", "-Xmx192m"), args));
        return log;
    }

    private static List<String> lines(Path log, String containing) {
        try {
            return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains(containing)).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long count(Database db, String sql) {
        try {
            return TestDatabase.count(db, sql);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static Installation installationIn(Database db) throws SQLException {
        try (Connection c = db.connect()) {
            Installation held = InstallationStore.read(c);
            assertNotNull(held, "the database holds an installation");
            return held;
        }
    }

    private static Set<String> doneIds(Database db) {
        Set<String> ids = new java.util.HashSet<>();
        try (Connection c = db.connect(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT TaskId FROM TaskHistory WHERE Status = 'DONE'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        } catch (SQLException e) {
            return Set.of();
        }
        return ids;
    }

    private static Set<String> taskIds(Database db) throws SQLException {
        Set<String> ids = new java.util.HashSet<>();
        try (Connection c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT TaskId FROM TaskHistory")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** This test JVM's keys carry {@code namespace} only while the block runs. */
    private static Stamp stampIn(String namespace) {
        RedisKeys.useNamespace(namespace);
        try (Redis r = Redis.connect(TestRedis.url(), 1)) {
            return Stamp.read(r);
        } finally {
            RedisKeys.useNamespace(null);
        }
    }

    private static List<String> submitIn(String namespace, String type, Map<String, Object> params, int count) {
        RedisKeys.useNamespace(namespace);
        try (Redis r = Redis.connect(TestRedis.url(), 1)) {
            return new TaskQueue(r).submitNew(type, params, count, null);
        } finally {
            RedisKeys.useNamespace(null);
        }
    }

    private static HttpResponse<String> post(HttpClient http, int port, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String health(HttpClient http, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * Deletes a folder and all in it. A coordinator still running may write a new file into it
     * meanwhile (H2's next checkpoint): then it is walked again, for up to 10 s.
     */
    private static void deleteTree(Path dir) {
        Eventually.within(Duration.ofSeconds(10), "the old run's data folder " + dir + " deleted", () -> TempDirs.delete(dir));
    }
}
