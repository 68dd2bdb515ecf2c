package colmena.api;

import colmena.TestDatabase;
import colmena.TestHttp;
import colmena.TestRedis;
import colmena.broker.Json;
import colmena.broker.NodeCredentials;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.store.Database;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The dashboard's "Add a PC" over real HTTP: an admin gets the line with the PC's own credential,
 * which logs in to the real Redis and reaches only that PC's keys; removing it revokes it.
 */
class NodeCredentialsApiTest {
    private static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:admin-pass-123".getBytes());
    private Redis redis;
    private ApiServer server;

    @BeforeEach
    void start() throws Exception {
        assumeFalse(TestRedis.underWine(), "Redis 5.0 has no ACL users");
        redis = TestRedis.fresh();
        NodeCredentials credentials = new NodeCredentials(redis);
        for (String n : credentials.nodes()) {
            credentials.remove(n);
        }
        Database db = TestDatabase.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withAuth("admin-pass-123", Duration.ofHours(1)),
                redis, db);
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
            NodeCredentials credentials = new NodeCredentials(redis);
            for (String n : credentials.nodes()) {
                credentials.remove(n);
            }
            redis.close();
        }
    }

    @Test
    void anAdminAddsAPcAndGetsALineWhoseCredentialReachesOnlyThatPc() throws Exception {
        HttpResponse<String> added = send("POST", "/api/node-credentials", "{\"node\":\"pc07\",\"host\":\"10.0.0.5\"}");
        assertEquals(201, added.statusCode(), added.body());
        JsonObject body = Json.GSON.fromJson(added.body(), JsonObject.class);
        String url = body.get("url").getAsString();
        int port = URI.create(TestRedis.url()).getPort();
        assertTrue(url.matches("redis://pc07:[A-Za-z0-9_-]{32}@10\\.0\\.0\\.5:" + port), url);
        assertEquals("java -jar colmena.jar agent --redis " + url, body.get("command").getAsString());

        String password = url.substring("redis://pc07:".length(), url.indexOf('@'));
        try (Jedis pc = new Jedis("127.0.0.1", port)) {
            pc.auth("pc07", password);
            pc.psetex(RedisKeys.nodeStats("pc07"), 1_000, "{}");
            assertThrows(JedisDataException.class, () -> pc.get(RedisKeys.nodeStats("pc08")));
        }
        HttpResponse<String> list = send("GET", "/api/node-credentials", null);
        assertEquals(200, list.statusCode());
        assertTrue(list.body().contains("\"nodes\":[\"pc07\"]"), list.body());
        assertTrue(!list.body().contains(password), "the password is shown once, in the answer to the POST");

        assertEquals(409, send("POST", "/api/node-credentials", "{\"node\":\"pc07\"}").statusCode(), "a taken name");
        HttpResponse<String> audit = send("GET", "/api/audit", null);
        assertTrue(audit.body().contains("node_added"), audit.body());
        assertTrue(!audit.body().contains(password), "the audit log holds no password");

        assertEquals(200, send("DELETE", "/api/node-credentials/pc07", null).statusCode());
        try (Jedis pc = new Jedis("127.0.0.1", port)) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> pc.auth("pc07", password));
            assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
        }
        assertEquals(404, send("DELETE", "/api/node-credentials/pc07", null).statusCode(), "already gone");
    }

    @Test
    void badNamesAndHostsAreRefusedAndMakeNothing() throws Exception {
        for (String bad : new String[] {"{\"node\":\"pc 07\"}", "{\"node\":\"default\"}", "{\"node\":\"*\"}", "{}",
                "{\"node\":7}", "{\"node\":\"pc07\",\"host\":\"x y\"}", "{\"node\":\"pc07\",\"host\":\"a@b\"}"}) {
            HttpResponse<String> r = send("POST", "/api/node-credentials", bad);
            assertEquals(400, r.statusCode(), bad + " -> " + r.body());
        }
        assertEquals(0, new NodeCredentials(redis).nodes().size());
        assertEquals(400, send("DELETE", "/api/node-credentials/default", null).statusCode());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return new TestHttp(server::port).withHeader("Authorization", ADMIN).request(method, path, body, Map.of());
    }
}
