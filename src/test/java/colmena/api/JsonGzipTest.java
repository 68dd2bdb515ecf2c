package colmena.api;

import colmena.TestDatabase;
import colmena.TestRedis;
import colmena.broker.Redis;
import colmena.store.Database;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every JSON answer of a kilobyte or more is gzipped for a client that asks, and reads the same; small ones are not. */
class JsonGzipTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Redis redis;
    private static Database db;
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.fresh();
        redis = TestRedis.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0), redis, db);
        server.start();
        HttpResponse<String> submitted = HTTP.send(HttpRequest.newBuilder(uri("/api/tasks")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"sleep\",\"params\":{\"ms\":5},\"count\":20}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, submitted.statusCode(), submitted.body());
    }

    @AfterAll
    static void stop() {
        server.stop();
        redis.close();
    }

    @Test
    void aLargeAnswerIsGzippedWhenAskedAndReadsTheSame() throws Exception {
        HttpResponse<byte[]> gz = HTTP.send(HttpRequest.newBuilder(uri("/api/tasks?limit=20")).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
        String unzipped;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(uri("/api/tasks?limit=20")).build(), HttpResponse.BodyHandlers.ofString());
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent(), "not asked, not gzipped");
        // The same answer, but for how old its count is (it may have aged between the two requests).
        assertEquals(withoutCountAge(plain.body()), withoutCountAge(unzipped));
        assertTrue(plain.body().length() >= Response.GZIP_MIN_BYTES && gz.body().length < plain.body().length() / 2,
                plain.body().length() + " bytes plain, " + gz.body().length + " gzipped");
    }

    @Test
    void aSmallAnswerIsSentAsItIs() throws Exception {
        HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(uri("/api/me")).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, me.statusCode());
        assertTrue(me.body().length() < Response.GZIP_MIN_BYTES);
        assertFalse(me.headers().firstValue("Content-Encoding").isPresent());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static JsonObject withoutCountAge(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.remove("totalAgeMs");
        return o;
    }
}
