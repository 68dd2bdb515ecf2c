package colmena;

import colmena.bench.Launcher;
import colmena.broker.RedisKeys;
import colmena.api.ApiServer;
import colmena.broker.Json;
import colmena.cli.Commands;
import colmena.store.Database;
import colmena.support.Eventually;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API process as a user starts it: the admin password it makes on first start, printed once
 * and stored nowhere in clear; and a token from the API letting {@code submit} work from another shell.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecurityProcessTest {
    private static final Pattern PASSWORD = Pattern.compile("password: (\\S+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theGeneratedAdminPasswordWorksIsKeptOutOfTheLogAndIsStoredNowhereInClear() throws Exception {
        Path dataDir = TestDatabase.freshDir();
        Path log = dataDir.resolve("api.log");
        int port = TestRedis.freePort();
        TestRedis.fresh().close();
        Process api = Launcher.start(log, List.of("-Xmx256m"), "api", "--port", Integer.toString(port),
                "--redis", TestRedis.url(), "--data-dir", dataDir.toString());
        try {
            Eventually.within(Duration.ofSeconds(30), "the API listening", () -> read(log).contains("listening on"));
            // No terminal here (as under the start scripts): the password is in an owner-only file, not in the log.
            Path file = dataDir.resolve(ApiServer.FIRST_PASSWORD_FILE);
            assertTrue(Files.exists(file), read(log));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String password = Files.readString(file).strip();
            assertTrue(read(log).contains(file.toAbsolutePath().toString()), "the log says where it is: " + read(log));
            assertTrue(read(log).contains("admin reset-password"), "and how to reset it");
            String base = "http://127.0.0.1:" + port;

            assertEquals(401, get(base + "/api/nodes", null).statusCode(), "the dashboard asks for it");
            assertEquals(401, get(base + "/api/me", basic("admin", "not-" + password)).statusCode());
            HttpResponse<String> me = get(base + "/api/me", basic("admin", password));
            assertEquals(200, me.statusCode());
            assertEquals("admin", Json.GSON.fromJson(me.body(), JsonObject.class).get("role").getAsString());
            HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + password + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode());
            assertFalse(Files.exists(file), "the admin's first login deletes the file");
            assertFalse(read(log).contains(password), "the password is nowhere in the log");

            try (Connection c = Database.open(Database.defaultUrl(dataDir), null, null).connect();
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SCRIPT")) {
                while (rs.next()) {
                    assertFalse(rs.getString(1).contains(password), "in the database: " + rs.getString(1));
                }
            }
            try (var redis = colmena.broker.Redis.connect(TestRedis.url(), 2)) {
                for (String key : redis.call(j -> j.keys("*"))) {
                    String type = redis.call(j -> j.type(key));
                    String value = "";
                    if (type.equals("string")) {
                        value = redis.call(j -> j.get(key));
                    } else if (type.equals("list")) {
                        List<String> list = redis.call(j -> j.lrange(key, 0, -1));
                        value = String.join("\n", list);
                    } else if (type.equals("set")) {
                        java.util.Set<String> set = redis.call(j -> j.smembers(key));
                        value = String.join("\n", set);
                    }
                    assertFalse(value.contains(password) || key.contains(password), "in Redis key " + key);
                }
            }
        } finally {
            Launcher.stop(api, 15);
        }
    }

    @Test
    void adminResetPasswordGivesANewOneShownOnlyToItsCallerAndEndsTheOldSessions() throws Exception {
        Path dataDir = TestDatabase.freshDir();
        Path log = dataDir.resolve("api.log");
        int port = TestRedis.freePort();
        TestRedis.fresh().close();
        Process api = Launcher.start(log, List.of("-Xmx256m"), "api", "--port", Integer.toString(port),
                "--redis", TestRedis.url(), "--data-dir", dataDir.toString());
        try {
            Eventually.within(Duration.ofSeconds(30), "the API listening", () -> read(log).contains("listening on"));
            String old = Files.readString(dataDir.resolve(ApiServer.FIRST_PASSWORD_FILE)).strip();
            String base = "http://127.0.0.1:" + port;
            assertEquals(200, get(base + "/api/me", basic("admin", old)).statusCode());
            HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + old + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";")[0];

            Path out = dataDir.resolve("reset.out");
            Process reset = Launcher.start(out, List.of("-Xmx128m"), "admin", "reset-password", "--data-dir", dataDir.toString());
            assertTrue(reset.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, reset.exitValue(), read(out));
            Matcher m = Pattern.compile("New password of admin: (\\S+)").matcher(read(out));
            assertTrue(m.find(), read(out));
            String fresh = m.group(1);
            Eventually.within(Duration.ofSeconds(5), "the old password refused",
                    () -> status(base + "/api/me", basic("admin", old)) == 401);
            assertEquals(200, get(base + "/api/me", basic("admin", fresh)).statusCode());
            assertEquals(401, HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/me")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "the session from before the reset ended");
            assertFalse(read(log).contains(fresh), "the new password is not in the API's log");
            Process bad = Launcher.start(out, List.of("-Xmx128m"), "admin", "reset-password", "--data-dir", dataDir.toString(),
                    "--new-password", "short");
            assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, bad.exitValue(), read(out));
            assertTrue(read(out).contains("--new-password: must be at least 8 characters"), read(out));
            assertEquals(200, get(base + "/api/me", basic("admin", fresh)).statusCode(), "a refused reset changes nothing");
        } finally {
            Launcher.stop(api, 15);
        }
    }

    private static int status(String url, String authorization) {
        try {
            return get(url, authorization).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aTokenMadeByTheAdminLetsSubmitWorkFromAnotherShellAndAViewerCannotSubmitOrDrain() throws Exception {
        Path dataDir = TestDatabase.freshDir();
        Database db = Database.open(Database.defaultUrl(dataDir), null, null);
        try (Cluster cluster = new Cluster(TestRedis.url(), db)) {
            cluster.redis.call(j -> j.flushAll());
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 2);
            ApiServer api = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withAuth("teacher-pass", Duration.ofHours(1)),
                    cluster.redis, db);
            api.start();
            try {
                String base = "http://127.0.0.1:" + api.port();
                String operator = token(base, "operator");
                String viewer = token(base, "viewer");

                BadInputTest.Captured out = BadInputTest.capture(() -> Commands.run(new String[] {"submit", "--api", base,
                        "--token", operator, "--type", "sleep", "--param", "ms=5", "--count", "3", "--wait", "--timeout", "60s"}));
                assertEquals(0, out.code(), out.out() + out.err());
                assertEquals(3, out.out().lines().filter(l -> l.startsWith("✓ ")).count(), out.out());
                assertEquals(3, cluster.rows("Status = 'DONE'"));

                BadInputTest.Captured refused = BadInputTest.capture(() -> Commands.run(new String[] {"submit", "--api", base,
                        "--token", viewer, "--type", "sleep"}));
                assertEquals(1, refused.code());
                assertTrue(refused.err().contains("403") && refused.err().contains("needs operator"), refused.err());
                HttpResponse<String> drain = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/nodes/nodo1/drain"))
                        .header("Authorization", "Bearer " + viewer).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(403, drain.statusCode());
                assertFalse((boolean) cluster.redis.call(j -> j.sismember(colmena.broker.RedisKeys.drained(), "nodo1")));
            } finally {
                api.stop();
            }
        }
    }

    private static String token(String base, String role) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/tokens"))
                .header("Authorization", basic("admin", "teacher-pass")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"script\",\"role\":\"" + role + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        String token = Json.GSON.fromJson(r.body(), JsonObject.class).get("token").getAsString();
        assertNotNull(token);
        return token;
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
