package colmena.api;

import colmena.broker.RedisKeys;
import colmena.TestDatabase;
import colmena.TestHttp;
import colmena.TestRedis;
import colmena.TestStats;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.metrics.NodeStats;
import colmena.store.Database;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/nodes} answered from one shared reading, as the api command runs it (with a long maximum age here). */
class NodesReadingTest {
    private static Redis redis;
    private static Database db;
    private static ApiServer server;
    private static final TestHttp http = new TestHttp(() -> server.port());

    @BeforeAll
    static void open() throws Exception {
        db = TestDatabase.fresh();
    }

    @BeforeEach
    void start() throws Exception {
        redis = TestRedis.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withNodesMaxAge(Duration.ofSeconds(10)), redis, db);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        redis.close();
    }

    @Test
    void requestsShareOneReadingAndAChangeMadeThroughTheApiIsSeenAtOnce() throws Exception {
        Nodes nodes = new Nodes(redis);
        nodes.beat(TestStats.small("nodo1", 10));
        assertEquals(1, list().size());
        nodes.beat(TestStats.small("nodo2", 20));
        assertEquals(1, list().size(), "within the maximum age: the same reading");
        assertEquals(1, summaryOnline(), "the summary counts from the same reading");

        HttpResponse<String> drain = http.post("/api/nodes/nodo1/drain", "");
        assertEquals(200, drain.statusCode(), drain.body());
        JsonArray after = list();
        assertEquals(2, after.size(), "read again after the drain");
        assertTrue(after.get(0).getAsJsonObject().get("drained").getAsBoolean());
        assertEquals(2, summaryOnline());
    }

    @Test
    void theListIsGzippedForClientsThatAskAndReadsTheSame() throws Exception {
        new Nodes(redis).beat(TestStats.small("nodo3", 30));
        HttpResponse<byte[]> gz = http.send(http.builder("/api/nodes").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
        String unzipped;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HttpResponse<String> plain = http.get("/api/nodes");
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent());
        assertEquals(plain.body(), unzipped, "one reading, two encodings");
        assertTrue(JsonParser.parseString(unzipped).getAsJsonObject().has("serverTime"));
    }

    @Test
    void theSummaryCarriesTheCoordinatorsOwnFiguresWithoutItsHistograms() throws Exception {
        assertTrue(summary().get("coordinator").isJsonNull(), "no coordinator works");
        redis.call(j -> j.set(colmena.broker.RedisKeys.coordinatorStats(), "{\"liveNodes\":1000,\"lastMinute\":"
                + "{\"placementMs\":{\"p99\":0.02}},\"sinceStart\":{\"placementNs\":{\"sumNs\":1,\"buckets\":[[1,1]]}}}"));
        JsonObject c = summary().getAsJsonObject("coordinator");
        assertEquals(1000, c.get("liveNodes").getAsInt());
        assertEquals(0.02, c.getAsJsonObject("lastMinute").getAsJsonObject("placementMs").get("p99").getAsDouble());
        assertFalse(c.has("sinceStart"));
    }

    @Test
    void acceptEncodingIsReadAsHttpSaysIt() {
        assertTrue(Response.acceptsGzip("gzip, deflate, br"));
        assertTrue(Response.acceptsGzip("br;q=1.0, GZIP;q=0.5"));
        assertTrue(Response.acceptsGzip("*"));
        assertFalse(Response.acceptsGzip(null));
        assertFalse(Response.acceptsGzip("deflate, br"));
        assertFalse(Response.acceptsGzip("gzip;q=0"));
        assertFalse(Response.acceptsGzip("gzip;q=0.0, identity"));
        assertFalse(Response.acceptsGzip("x-gzip2"));
    }

    @Test
    void onlyANodeNearAThresholdCanHaveAnAlert() {
        Alerts alerts = new Alerts(90, 90, 95, Duration.ofSeconds(5));
        assertFalse(alerts.mayAlert(TestStats.small("a", 89.9)));
        assertTrue(alerts.mayAlert(TestStats.small("a", 89.95)), "may be written 90.0 or above");
        assertTrue(alerts.mayAlert(TestStats.small("a", 99)));
        assertTrue(alerts.mayAlert(TestStats.small("a", Double.NaN)));
        assertTrue(alerts.mayAlert(new NodeStats("a", "h", "Linux", 2, 5, 95, 100, 1, 4, 0, 0, 1, 2, 1_000, 0)), "memory");
        assertTrue(alerts.mayAlert(new NodeStats("a", "h", "Linux", 2, 5, 1, 4, 99, 100, 0, 0, 1, 2, 1_000, 0)), "disk");
        assertFalse(alerts.mayAlert(null));
    }

    private static JsonArray list() throws Exception {
        HttpResponse<String> r = http.get("/api/nodes");
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("nodes");
    }

    private static int summaryOnline() throws Exception {
        return summary().getAsJsonObject("nodes").get("online").getAsInt();
    }

    private static JsonObject summary() throws Exception {
        HttpResponse<String> r = http.get("/api/summary");
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
