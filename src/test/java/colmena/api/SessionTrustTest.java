package colmena.api;

import colmena.TestDatabase;
import colmena.TestHttp;
import colmena.TestRedis;
import colmena.auth.Passwords;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.store.Database;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions that whoever writes Redis cannot make up, sessions that end when their user's password
 * or role changes or on "sign out everywhere", tokens that expire, and user names in one form:
 * a real API over real HTTP, real Redis, real H2.
 */
class SessionTrustTest {
    private static final String ADMIN_PASSWORD = "admin-pass-123";
    private static Redis redis;
    private static Database db;
    private static ApiServer server;
    private static final TestHttp http = new TestHttp(() -> server.port());
    private static final String ADMIN = TestHttp.basic("admin", ADMIN_PASSWORD);

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.fresh();
        db = TestDatabase.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, java.time.Duration.ofHours(1)),
                redis, db);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        redis.close();
    }

    private record Login(String cookie, String csrf) {
        Map<String, String> headers() {
            return Map.of("Cookie", cookie, "X-CSRF-Token", csrf);
        }
    }

    @Test
    void aSessionWrittenIntoRedisWithoutTheKeyIsNoLogin() throws Exception {
        String id = "made-up-session-id";
        String json = "{\"user\":\"admin\",\"role\":\"admin\",\"csrf\":\"x\",\"epoch\":0,\"expiresAtMs\":"
                + (System.currentTimeMillis() + 3_600_000) + ",\"sig\":\"AAAA\"}";
        redis.call(j -> j.set(RedisKeys.session(Passwords.sha256(id)), json));
        HttpResponse<String> r = http.request("GET", "/api/users", null, Map.of("Cookie", Sessions.COOKIE + "=" + id));
        assertEquals(401, r.statusCode(), r.body());
        boolean left = redis.call(j -> j.exists(RedisKeys.session(Passwords.sha256(id))));
        assertFalse(left, "the forged entry is deleted");
        // The old, unsigned form (what earlier versions wrote) is no login either.
        redis.call(j -> j.set(RedisKeys.session(Passwords.sha256(id)), "{\"user\":\"admin\",\"role\":\"admin\",\"csrf\":\"x\"}"));
        assertEquals(401, http.request("GET", "/api/users", null, Map.of("Cookie", Sessions.COOKIE + "=" + id)).statusCode());
    }

    @Test
    void aRealSessionCopiedUnderAnotherCookieIsNoLogin() throws Exception {
        putUser("copied", "copied-pass-1", "admin");
        Login real = login("copied", "copied-pass-1");
        String realHash = Passwords.sha256(real.cookie().substring(real.cookie().indexOf('=') + 1));
        String json = redis.call(j -> j.get(RedisKeys.session(realHash)));
        assertNotNull(json);
        redis.call(j -> j.set(RedisKeys.session(Passwords.sha256("attacker-chosen")), json));
        assertEquals(401, http.request("GET", "/api/me", null, Map.of("Cookie", Sessions.COOKIE + "=attacker-chosen")).statusCode());
        // Raising the role inside the real entry breaks its signature.
        redis.call(j -> j.set(RedisKeys.session(realHash), json.replace("\"role\":\"admin\"", "\"role\":\"viewer\"")));
        assertEquals(401, http.request("GET", "/api/me", null, Map.of("Cookie", real.cookie())).statusCode());
    }

    @Test
    void aPasswordChangeEndsTheUsersOtherSessionsButNotTheOneThatMadeIt() throws Exception {
        putUser("teacher2", "teacher-pass-1", "admin");
        Login laptop = login("teacher2", "teacher-pass-1");
        Login classroom = login("teacher2", "teacher-pass-1");
        HttpResponse<String> changed = http.request("POST", "/api/users",
                "{\"user\":\"teacher2\",\"password\":\"teacher-pass-2\",\"role\":\"admin\"}", laptop.headers());
        assertEquals(200, changed.statusCode(), changed.body());
        String renewed = changed.headers().firstValue("Set-Cookie").orElse("").split(";")[0];
        assertTrue(renewed.startsWith(Sessions.COOKIE + "="), "the changer's session is renewed: " + renewed);
        assertEquals(200, http.request("GET", "/api/users", null, Map.of("Cookie", renewed)).statusCode());
        HttpResponse<String> other = http.request("GET", "/api/users", null, Map.of("Cookie", classroom.cookie()));
        assertEquals(401, other.statusCode());
        assertTrue(other.body().contains("password or role changed"), other.body());
        assertEquals(200, http.request("POST", "/api/logout/everywhere", "", Map.of("Cookie", renewed, "X-CSRF-Token", laptop.csrf()))
                .statusCode(), "the page's CSRF token still works");
        assertEquals(401, http.request("GET", "/api/users", null, Map.of("Cookie", laptop.cookie())).statusCode(), "the old cookie is gone");
    }

    @Test
    void settingTheSamePasswordAndRoleAgainEndsNoSession() throws Exception {
        putUser("steady", "steady-pass-1", "viewer");
        Login l = login("steady", "steady-pass-1");
        putUser("steady", "steady-pass-1", "viewer");
        assertEquals(200, http.request("GET", "/api/me", null, Map.of("Cookie", l.cookie())).statusCode());
    }

    @Test
    void signingOutEverywhereEndsEverySessionOfThatUserOnly() throws Exception {
        putUser("ana", "ana-pass-123", "operator");
        putUser("ben", "ben-pass-123", "operator");
        Login a1 = login("ana", "ana-pass-123");
        Login a2 = login("ana", "ana-pass-123");
        Login b = login("ben", "ben-pass-123");
        HttpResponse<String> out = http.request("POST", "/api/logout/everywhere", "", a1.headers());
        assertEquals(200, out.statusCode(), out.body());
        assertTrue(out.headers().firstValue("Set-Cookie").orElse("").contains("Max-Age=0"));
        assertEquals(401, http.request("GET", "/api/me", null, Map.of("Cookie", a1.cookie())).statusCode());
        assertEquals(401, http.request("GET", "/api/me", null, Map.of("Cookie", a2.cookie())).statusCode());
        assertEquals(200, http.request("GET", "/api/me", null, Map.of("Cookie", b.cookie())).statusCode(), "another user is untouched");
        assertEquals(200, http.request("GET", "/api/me", null, Map.of("Cookie", login("ana", "ana-pass-123").cookie())).statusCode(),
                "ana can log in again");
        // An admin can do the same for a user; an unknown one is a 404.
        assertEquals(200, http.request("POST", "/api/users/BEN/logout", "", Map.of("Authorization", ADMIN)).statusCode());
        assertEquals(401, http.request("GET", "/api/me", null, Map.of("Cookie", b.cookie())).statusCode());
        assertEquals(404, http.request("POST", "/api/users/nobody/logout", "", Map.of("Authorization", ADMIN)).statusCode());
        String audit = http.request("GET", "/api/audit", null, Map.of("Authorization", ADMIN)).body();
        assertTrue(audit.contains("\"action\":\"logout_everywhere\"") && audit.contains("\"action\":\"sessions_ended\""), audit);
    }

    @Test
    void aTokenGivenAnExpiryIsRefusedAfterIt() throws Exception {
        HttpResponse<String> created = http.request("POST", "/api/tokens",
                "{\"name\":\"short\",\"role\":\"viewer\",\"expiresInDays\":0.000025}", Map.of("Authorization", ADMIN));
        assertEquals(201, created.statusCode(), created.body());
        assertFalse(json(created).get("expiresAt").isJsonNull());
        String token = "Bearer " + json(created).get("token").getAsString();
        assertEquals(200, http.request("GET", "/api/nodes", null, Map.of("Authorization", token)).statusCode());
        Thread.sleep(2_200);
        HttpResponse<String> late = http.request("GET", "/api/nodes", null, Map.of("Authorization", token));
        assertEquals(401, late.statusCode());
        assertTrue(late.body().contains("expired"), late.body());
        String audit = http.request("GET", "/api/audit", null, Map.of("Authorization", ADMIN)).body();
        assertTrue(audit.contains("\"action\":\"token_used\""), "a token's first use is audited: " + audit);
    }

    @Test
    void aTokenExpiryOutOfRangeIsRefusedAndNoTokenIsMade() throws Exception {
        int before = http.request("GET", "/api/tokens", null, Map.of("Authorization", ADMIN)).body().split("\"id\"").length;
        for (String bad : new String[] {"0", "-1", "99999", "\"soon\""}) {
            HttpResponse<String> r = http.request("POST", "/api/tokens", "{\"name\":\"bad\",\"role\":\"viewer\",\"expiresInDays\":" + bad + "}",
                    Map.of("Authorization", ADMIN));
            assertEquals(400, r.statusCode(), bad);
            assertTrue(r.body().contains("expiresInDays"), r.body());
        }
        assertEquals(before, http.request("GET", "/api/tokens", null, Map.of("Authorization", ADMIN)).body().split("\"id\"").length);
    }

    @Test
    void userNamesAreOneUserWhateverTheirCaseOrSpaces() throws Exception {
        assertEquals(201, putUser(" Zoe ", "zoe-pass-123", "viewer"));
        assertEquals(200, putUser("ZOE", "zoe-pass-456", "viewer"), "the same user");
        HttpResponse<String> users = http.request("GET", "/api/users", null, Map.of("Authorization", ADMIN));
        assertEquals(1, users.body().split("\"name\":\"zoe\"", -1).length - 1, users.body());
        assertEquals(200, http.request("POST", "/api/login", "{\"user\":\"zOe\",\"password\":\"zoe-pass-456\"}", Map.of()).statusCode());
        assertEquals(200, http.request("GET", "/api/me", null, Map.of("Authorization", TestHttp.basic("Zoe ", "zoe-pass-456"))).statusCode());
        assertEquals(401, http.request("POST", "/api/login", "{\"user\":\"zoe\",\"password\":\"zoe-pass-123\"}", Map.of()).statusCode());
        assertEquals("zoe", colmena.auth.UserStore.canonical(" Z\u006fe\u0301 ".replace("\u0301", "")));
        assertEquals("zoë", colmena.auth.UserStore.canonical("ZOE\u0308"), "NFC: e + combining diaeresis is one letter");
    }

    @Test
    void failedLoginsAreAuditedOnceForABurst() throws Exception {
        putUser("burst", "burst-pass-1", "viewer");
        for (int i = 0; i < 3; i++) {
            assertEquals(401, http.request("POST", "/api/login", "{\"user\":\"Burst\",\"password\":\"guess-" + i + "\"}", Map.of()).statusCode());
        }
        String audit = http.request("GET", "/api/audit?limit=1000", null, Map.of("Authorization", ADMIN)).body();
        assertEquals(1, audit.split("\"action\":\"login_failed\",\"target\":\"burst\"", -1).length - 1, audit);
        assertTrue(FailedLogins.isPowerOfTen(100) && !FailedLogins.isPowerOfTen(20) && !FailedLogins.isPowerOfTen(2));
    }

    private static int putUser(String user, String password, String role) throws Exception {
        Map<String, String> body = new HashMap<>(Map.of("user", user, "password", password, "role", role));
        HttpResponse<String> r = http.request("POST", "/api/users", Json.write(body), Map.of("Authorization", ADMIN));
        assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.body());
        return r.statusCode();
    }

    private static Login login(String user, String password) throws Exception {
        HttpResponse<String> r = http.request("POST", "/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}", Map.of());
        assertEquals(200, r.statusCode(), r.body());
        return new Login(r.headers().firstValue("Set-Cookie").orElse("").split(";")[0], json(r).get("csrf").getAsString());
    }

    private static JsonObject json(HttpResponse<String> r) {
        return Json.GSON.fromJson(r.body(), JsonObject.class);
    }
}
