package colmena.api;

import colmena.broker.RedisKeys;
import colmena.TestDatabase;
import colmena.TestHttp;
import colmena.TestRedis;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.store.Database;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Access control over real HTTP: each role against each endpoint, sessions, CSRF, tokens, throttling. */
class AuthTest {
    static final String ADMIN_PASSWORD = "admin-pass-123";
    static final Duration SESSION_TTL = Duration.ofSeconds(3);
    private static Redis redis;
    private static Database db;
    private static ApiServer server;
    private static final TestHttp http = new TestHttp(() -> server.port());
    private static final Map<String, String> TOKENS = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.fresh();
        db = TestDatabase.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, SESSION_TTL), redis, db);
        server.start();
        String admin = TestHttp.basic("admin", ADMIN_PASSWORD);
        assertEquals(201, send("POST", "/api/users", "{\"user\":\"vera\",\"password\":\"vera-pass-1\",\"role\":\"viewer\"}", admin).statusCode());
        assertEquals(201, send("POST", "/api/users", "{\"user\":\"omar\",\"password\":\"omar-pass-1\",\"role\":\"operator\"}", admin).statusCode());
        for (String role : List.of("viewer", "operator", "admin")) {
            HttpResponse<String> r = send("POST", "/api/tokens", "{\"name\":\"test " + role + "\",\"role\":\"" + role + "\"}", admin);
            assertEquals(201, r.statusCode(), r.body());
            TOKENS.put(role, "Bearer " + json(r).get("token").getAsString());
        }
    }

    @AfterAll
    static void stop() {
        server.stop();
        redis.close();
    }

    /** Every endpoint, with the least role it needs ("public" for none), and a body where it takes one. */
    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource(delimiter = '|', value = {
            "GET|/api/nodes|viewer|",
            "GET|/api/nodes/nodo1|viewer|",
            "POST|/api/nodes/nodo-x/drain|admin|",
            "POST|/api/nodes/nodo-x/resume|admin|",
            "DELETE|/api/nodes/nodo-x|admin|",
            "GET|/api/node-credentials|admin|",
            "POST|/api/node-credentials|admin|{}",
            "DELETE|/api/node-credentials/nobody|admin|",
            "GET|/api/tasks|viewer|",
            "GET|/api/tasks/abc|viewer|",
            "GET|/api/tasks.csv|viewer|",
            "POST|/api/tasks|operator|{\"type\":\"sleep\",\"params\":{\"ms\":1}}",
            "GET|/api/summary|viewer|",
            "GET|/api/types|viewer|",
            "GET|/api/deadletters|viewer|",
            "GET|/api/me|viewer|",
            "POST|/api/logout|viewer|",
            "GET|/api/tokens|admin|",
            "POST|/api/tokens|admin|{}",
            "DELETE|/api/tokens/999999|admin|",
            "GET|/api/users|admin|",
            "POST|/api/users|admin|{}",
            "DELETE|/api/users/nobody|admin|",
            "GET|/api/audit|admin|",
            "GET|/api/health|public|",
            "GET|/api/openapi.json|public|",
    })
    void eachRoleGetsExactlyTheEndpointsItMay(String method, String path, String needs, String body) throws Exception {
        int anonymous = send(method, path, body, null).statusCode();
        if (needs.equals("public")) {
            assertFalse(anonymous == 401 || anonymous == 403, "open to anyone, got " + anonymous);
            return;
        }
        assertEquals(401, anonymous, "without credentials");
        List<String> roles = List.of("viewer", "operator", "admin");
        for (String role : roles) {
            int status = send(method, path, body, TOKENS.get(role)).statusCode();
            boolean allowed = roles.indexOf(role) >= roles.indexOf(needs);
            if (allowed) {
                assertFalse(status == 401 || status == 403, role + " may, got " + status);
            } else {
                assertEquals(403, status, role + " may not");
            }
        }
    }

    @Test
    void aForbiddenAnswerSaysWhoAndWhatRoleIsNeeded() throws Exception {
        HttpResponse<String> r = send("POST", "/api/tasks", "{\"type\":\"sleep\"}", TOKENS.get("viewer"));
        assertEquals(403, r.statusCode());
        assertEquals("token \"test viewer\" of admin is a viewer; POST /api/tasks needs operator", json(r).get("error").getAsString());
        assertEquals(List.of("error"), List.copyOf(json(r).keySet()), "no stack trace, nothing else");
    }

    @Test
    void loggingInGivesAStrictHttpOnlyCookieAndLoggingOutEndsTheSession() throws Exception {
        HttpResponse<String> login = send("POST", "/api/login", "{\"user\":\"omar\",\"password\":\"omar-pass-1\"}", null);
        assertEquals(200, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        assertTrue(setCookie.contains("Max-Age=" + SESSION_TTL.toSeconds()), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = json(login).get("csrf").getAsString();
        assertEquals("operator", json(login).get("role").getAsString());

        HttpResponse<String> me = http.request("GET", "/api/me", null, Map.of("Cookie", cookie));
        assertEquals(200, me.statusCode());
        assertEquals("omar", json(me).get("user").getAsString());
        assertEquals(200, http.request("POST", "/api/logout", "", Map.of("Cookie", cookie, "X-CSRF-Token", csrf)).statusCode());
        assertEquals(401, http.request("GET", "/api/me", null, Map.of("Cookie", cookie)).statusCode(), "the session is gone");
    }

    @Test
    void aSessionEndsByItselfAfterItsLifetime() throws Exception {
        HttpResponse<String> login = send("POST", "/api/login", "{\"user\":\"vera\",\"password\":\"vera-pass-1\"}", null);
        String cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";")[0];
        assertEquals(200, http.request("GET", "/api/nodes", null, Map.of("Cookie", cookie)).statusCode());
        Thread.sleep(SESSION_TTL.toMillis() + 500);
        HttpResponse<String> late = http.request("GET", "/api/nodes", null, Map.of("Cookie", cookie));
        assertEquals(401, late.statusCode());
        assertTrue(late.body().contains("session has ended"), late.body());
    }

    @Test
    void aStateChangingRequestWithTheCookieButWithoutTheCsrfTokenIsRefused() throws Exception {
        HttpResponse<String> login = send("POST", "/api/login", "{\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}", null);
        String cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";")[0];
        String csrf = json(login).get("csrf").getAsString();
        String body = "{\"type\":\"sleep\",\"params\":{\"ms\":1}}";
        long before = redis.call(j -> j.llen(colmena.broker.RedisKeys.submitted()));
        HttpResponse<String> forged = http.request("POST", "/api/tasks", body, Map.of("Cookie", cookie));
        assertEquals(403, forged.statusCode());
        assertTrue(forged.body().contains("X-CSRF-Token"), forged.body());
        HttpResponse<String> crossSite = http.request("POST", "/api/tasks", body,
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf, "Origin", "http://evil.example"));
        assertEquals(403, crossSite.statusCode(), "another site's page is refused even with the token");
        assertTrue(crossSite.body().contains("cross-site"), crossSite.body());
        assertEquals(403, http.request("POST", "/api/tasks", body, Map.of("Cookie", cookie, "X-CSRF-Token", "guess")).statusCode());
        assertEquals(before, (long) redis.call(j -> j.llen(colmena.broker.RedisKeys.submitted())), "nothing was queued");
        assertEquals(202, http.request("POST", "/api/tasks", body, Map.of("Cookie", cookie, "X-CSRF-Token", csrf)).statusCode());
    }

    @Test
    void usersAndTokensListTheirRolesAsTheyAreWritten() throws Exception {
        String admin = TestHttp.basic("admin", ADMIN_PASSWORD);
        String users = send("GET", "/api/users", null, admin).body();
        assertTrue(users.contains("\"name\":\"vera\",\"role\":\"viewer\""), users);
        String tokens = send("GET", "/api/tokens", null, admin).body();
        assertTrue(tokens.contains("\"role\":\"operator\""), tokens);
        assertFalse(tokens.contains("TokenHash") || tokens.contains("colmena_"), "no secret in the list: " + tokens);
    }

    @Test
    void aFormPostFromAnotherSiteIsRefusedWhateverTheCredentials() throws Exception {
        String admin = TestHttp.basic("admin", ADMIN_PASSWORD);
        HttpResponse<String> plain = http.request("POST", "/api/users", "{\"user\":\"mallory\",\"password\":\"mallory-pass\",\"role\":\"admin\"}",
                Map.of("Authorization", admin, "Content-Type", "text/plain"));
        assertEquals(415, plain.statusCode(), plain.body());
        HttpResponse<String> drain = http.request("POST", "/api/nodes/nodo-x/drain", "",
                Map.of("Authorization", admin, "Sec-Fetch-Site", "cross-site"));
        assertEquals(403, drain.statusCode());
        HttpResponse<String> origin = http.request("DELETE", "/api/users/vera", null,
                Map.of("Authorization", admin, "Origin", "http://evil.example"));
        assertEquals(403, origin.statusCode());
        assertTrue(send("GET", "/api/users", null, admin).body().contains("\"vera\""), "vera is still there");
        assertFalse(send("GET", "/api/users", null, admin).body().contains("mallory"));
    }

    @Test
    void aDeletedUsersSessionEndsAndADemotedUsersSessionEndsAtOnce() throws Exception {
        String admin = TestHttp.basic("admin", ADMIN_PASSWORD);
        assertEquals(201, send("POST", "/api/users", "{\"user\":\"temp\",\"password\":\"temp-pass-1\",\"role\":\"admin\"}", admin).statusCode());
        HttpResponse<String> login = send("POST", "/api/login", "{\"user\":\"temp\",\"password\":\"temp-pass-1\"}", null);
        String cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";")[0];
        assertEquals(200, http.request("GET", "/api/users", null, Map.of("Cookie", cookie)).statusCode());
        assertEquals(200, send("POST", "/api/users", "{\"user\":\"temp\",\"password\":\"temp-pass-1\",\"role\":\"viewer\"}", admin).statusCode());
        HttpResponse<String> demoted = http.request("GET", "/api/users", null, Map.of("Cookie", cookie));
        assertEquals(401, demoted.statusCode(), "a role change ends the session at once");
        // (Why it ended is checked in SessionTrustTest: here sessions last 3 s, which a loaded machine can use up.)
        login = send("POST", "/api/login", "{\"user\":\"temp\",\"password\":\"temp-pass-1\"}", null);
        cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";")[0];
        assertEquals(403, http.request("GET", "/api/users", null, Map.of("Cookie", cookie)).statusCode(), "logged in again as a viewer");
        assertEquals(200, send("DELETE", "/api/users/temp", null, admin).statusCode());
        assertEquals(401, http.request("GET", "/api/nodes", null, Map.of("Cookie", cookie)).statusCode(), "gone at once");
    }

    @Test
    void aRevokedTokenIsRefused() throws Exception {
        String admin = TestHttp.basic("admin", ADMIN_PASSWORD);
        HttpResponse<String> created = send("POST", "/api/tokens", "{\"name\":\"to revoke\",\"role\":\"operator\"}", admin);
        String token = "Bearer " + json(created).get("token").getAsString();
        assertEquals(200, send("GET", "/api/nodes", null, token).statusCode());
        assertEquals(200, send("DELETE", "/api/tokens/" + json(created).get("id").getAsLong(), null, admin).statusCode());
        HttpResponse<String> after = send("GET", "/api/nodes", null, token);
        assertEquals(401, after.statusCode());
        assertTrue(after.body().contains("revoked"), after.body());
    }

    @Test
    void usersAndTokenChangesAndNodeActionsAreInTheAuditLog() throws Exception {
        String admin = TestHttp.basic("admin", ADMIN_PASSWORD);
        send("POST", "/api/login", "{\"user\":\"vera\",\"password\":\"wrong-one\"}", null);
        HttpResponse<String> audit = send("GET", "/api/audit", null, admin);
        String body = audit.body();
        for (String action : List.of("user_created", "token_created", "login_failed", "admin_password_set")) {
            assertTrue(body.contains("\"action\":\"" + action + "\""), action + " in " + body);
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        for (String path : List.of("/", "/app.js", "/api/health", "/api/nodes", "/nope", "/api/nope")) {
            HttpResponse<String> r = send("GET", path, null, null);
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"), path);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), path);
        }
    }

    @Test
    void repeatedFailedLoginsFromOneAddressAreSlowedDown() throws Exception {
        withOwnServer(own -> {
            for (int i = 1; i <= 6; i++) {
                assertEquals(401, own.post("/api/login", "{\"user\":\"admin\",\"password\":\"guess" + i + "\"}").statusCode(), "attempt " + i);
            }
            HttpResponse<String> slowed = own.post("/api/login", "{\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}");
            assertEquals(429, slowed.statusCode(), "even the right password waits");
            assertTrue(slowed.headers().firstValue("Retry-After").isPresent());
            Thread.sleep(1_200);
            assertEquals(200, own.post("/api/login", "{\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}").statusCode());
        });
    }

    @Test
    void typosFollowedByTheRightPasswordNeverLockAnyoneOut() throws Exception {
        withOwnServer(own -> {
            for (int i = 0; i < 8; i++) {
                assertEquals(401, own.post("/api/login", "{\"user\":\"admin\",\"password\":\"typo" + i + "\"}").statusCode());
                assertEquals(200, own.post("/api/login", "{\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}").statusCode(),
                        "the right password after typo " + i);
            }
        });
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() throws Exception {
        HttpResponse<String> wrong = send("POST", "/api/login", "{\"user\":\"vera\",\"password\":\"nope-nope\"}", null);
        HttpResponse<String> unknown = send("POST", "/api/login", "{\"user\":\"nobody\",\"password\":\"nope-nope\"}", null);
        assertEquals(401, wrong.statusCode());
        assertEquals(wrong.body(), unknown.body());
        assertNotEquals(200, send("GET", "/api/nodes", null, TestHttp.basic("vera", "nope-nope")).statusCode());
    }

    interface ServerCheck {
        void run(TestHttp own) throws Exception;
    }

    /** Runs {@code check} against a server of its own: login throttling is per server, so others' logins do not count. */
    private static void withOwnServer(ServerCheck check) throws Exception {
        try (Redis own = Redis.connect(TestRedis.url(), 4)) {
            ApiServer other = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, SESSION_TTL),
                    own, TestDatabase.fresh());
            other.start();
            try {
                check.run(new TestHttp(other::port));
            } finally {
                other.stop();
            }
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String authorization) throws Exception {
        return http.request(method, path, body, authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }

    private static JsonObject json(HttpResponse<String> r) {
        return Json.GSON.fromJson(r.body(), JsonObject.class);
    }
}
