package colmena;

import colmena.broker.DeadLetter;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.cli.Commands;
import colmena.support.Eventually;
import colmena.task.TaskMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BadInputTest {

    @Test
    void malformedMessagesInEveryQueueAreDeadLetteredAndTheRunGoesOn() {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 2);
            String oversized = "{\"id\":\"" + "x".repeat(70_000) + "\"}";
            List<String> garbage = List.of("not json at all", "{\"id\": 5, \"type\": []}", "[1,2,3]", oversized);
            for (String queue : List.of(RedisKeys.submitted(), RedisKeys.nodeTasks("nodo1"), RedisKeys.resultsQueue())) {
                cluster.redis.call(j -> j.rpush(queue, garbage.toArray(new String[0])));
            }
            cluster.submit("sleep", Map.of("ms", 1), 20);

            Eventually.within(Duration.ofSeconds(30), "20 DONE rows", () -> cluster.rows("Status = 'DONE'") == 20);
            Eventually.within(Duration.ofSeconds(10), "12 dead letters",
                    () -> cluster.queue.length(RedisKeys.deadLetter()) == 12);
            List<DeadLetter> dead = cluster.queue.deadLetters(100);
            Set<String> sources = dead.stream().map(DeadLetter::source).collect(Collectors.toSet());
            assertEquals(Set.of(RedisKeys.submitted(), RedisKeys.nodeTasks("nodo1"), RedisKeys.resultsQueue()), sources);
            for (DeadLetter d : dead) {
                assertFalse(d.reason() == null || d.reason().isBlank(), "each dead letter says why: " + d);
                assertTrue(d.raw().length() <= 4_096, "raw text is bounded");
            }
            assertTrue(dead.stream().anyMatch(d -> d.reason().contains("70") && d.reason().contains("limit")),
                    "the oversized message is named as such: " + dead);
            assertEquals(20, cluster.rows(""), "garbage wrote no rows");
            assertDeadLettersVisibleThroughTheApi(cluster, 12);

            // The processes are still working after all that.
            cluster.submit("sleep", Map.of("ms", 1), 5);
            Eventually.within(Duration.ofSeconds(30), "25 DONE rows", () -> cluster.rows("Status = 'DONE'") == 25);
        }
    }

    @Test
    void unknownTypesAndParametersOutOfBoundsGiveFailedRowsThatSayWhy() throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 2);
            String unknown = cluster.submit("fibb", Map.of(), 1).get(0);
            String tooBig = cluster.submit("primes", Map.of("n", 1_000_000_000_000L), 1).get(0);
            String notWhole = cluster.submit("sleep", Map.of("ms", "soon"), 1).get(0);
            String extra = cluster.submit("sleep", Map.of("ms", 1, "color", 3), 1).get(0);
            String fine = cluster.submit("sleep", Map.of("ms", 1), 1).get(0);

            Eventually.within(Duration.ofSeconds(30), "5 final rows", () -> cluster.rows("Status IN ('DONE','FAILED')") == 5);
            Map<String, String> errors = errors(cluster);
            assertTrue(errors.get(unknown).contains("unknown task type \"fibb\""), errors.get(unknown));
            assertTrue(errors.get(unknown).contains("primes"), "lists the known types: " + errors.get(unknown));
            assertTrue(errors.get(tooBig).contains("n must be at most 100000000"), errors.get(tooBig));
            assertTrue(errors.get(notWhole).contains("ms must be a whole number"), errors.get(notWhole));
            assertTrue(errors.get(extra).contains("unknown parameter \"color\""), errors.get(extra));
            assertEquals(null, errors.get(fine));
            assertEquals(1, cluster.rows("Status = 'DONE'"));
        }
    }

    @Test
    void aMessageAskingForAReplyOutsideColmenasKeysIsRefusedAndWritesNothing() {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 1);
            TaskMessage sneaky = new TaskMessage("a-task-id", "sleep", Map.of("ms", 1), 1, System.currentTimeMillis(),
                    null, null, List.of(), "config:admin");
            cluster.redis.call(j -> j.rpush(RedisKeys.submitted(), Json.write(sneaky)));
            Eventually.within(Duration.ofSeconds(10), "dead-lettered", () -> cluster.queue.length(RedisKeys.deadLetter()) == 1);
            assertTrue(cluster.queue.deadLetters(1).get(0).reason().contains("reply"));
            assertFalse((boolean) cluster.redis.call(j -> j.exists("config:admin")));
            assertEquals(0, cluster.rows(""));
        }
    }

    @Test
    void aRedisThatCannotBeReachedAtStartGivesOneLineNamingTheAddress() {
        int port = TestRedis.freePort();
        Captured out = capture(() -> Commands.run(new String[] {"agent", "--id", "nodo1", "--redis", "redis://127.0.0.1:" + port,
                "--wait-for-redis", "0"}));
        assertEquals(1, out.code);
        assertEquals(1, out.err.strip().lines().count(), "one line: " + out.err);
        assertTrue(out.err.contains("cannot reach Redis at redis://127.0.0.1:" + port), out.err);
    }

    @Test
    void aDatabaseThatCannotBeReachedAtStartGivesOneLineNamingIt() {
        int port = TestRedis.freePort();
        String url = "jdbc:sqlserver://127.0.0.1:" + port + ";databaseName=DistributedSystem;encrypt=false;loginTimeout=2";
        Captured out = capture(() -> Commands.run(new String[] {"coordinator", "--redis", TestRedis.url(), "--db", url,
                "--db-password", "secret", "--wait-for-redis", "0"}));
        assertEquals(1, out.code);
        assertEquals(1, out.err.strip().lines().count(), "one line: " + out.err);
        assertTrue(out.err.contains("cannot open the database jdbc:sqlserver://127.0.0.1:" + port), out.err);
        assertFalse(out.err.contains("secret"));
    }

    @Test
    void aBadFlagValueNamesTheFlagAndWhatWasExpected() {
        Captured out = capture(() -> Commands.run(new String[] {"api", "--port", "abc"}));
        assertEquals(2, out.code);
        assertTrue(out.err.contains("--port: expected a number from 0 to 65535, got \"abc\""), out.err);
        Captured unknown = capture(() -> Commands.run(new String[] {"agent", "--colour", "red"}));
        assertEquals(2, unknown.code);
        assertTrue(unknown.err.contains("unknown flag --colour"), unknown.err);
        Captured type = capture(() -> Commands.run(new String[] {"submit", "--type", "fibb"}));
        assertEquals(2, type.code);
        assertTrue(type.err.contains("unknown task type \"fibb\""), type.err);
    }

    /** The dead-letter list as an operator sees it: GET /api/deadletters over real HTTP. */
    private static void assertDeadLettersVisibleThroughTheApi(Cluster cluster, int expected) {
        try {
            colmena.api.ApiServer api = new colmena.api.ApiServer(colmena.api.ApiServer.Config.local(cluster.redisUrl, 0),
                    cluster.redis, cluster.db);
            api.start();
            try {
                var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + api.port() + "/api/deadletters?limit=5")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                var body = Json.GSON.fromJson(r.body(), com.google.gson.JsonObject.class);
                assertEquals(expected, body.get("total").getAsLong());
                assertEquals(5, body.getAsJsonArray("deadLetters").size());
                var first = body.getAsJsonArray("deadLetters").get(0).getAsJsonObject();
                assertTrue(first.has("source") && first.has("reason") && first.has("raw"), first.toString());
            } finally {
                api.stop();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> errors(Cluster cluster) throws Exception {
        Map<String, String> out = new java.util.HashMap<>();
        try (Connection c = cluster.db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT TaskId, Error FROM TaskHistory");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    record Captured(int code, String out, String err) {
    }

    static synchronized Captured capture(java.util.function.IntSupplier run) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = run.getAsInt();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
