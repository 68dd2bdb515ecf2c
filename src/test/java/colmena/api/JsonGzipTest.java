package colmena.api;

import colmena.TestHttp;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every JSON answer of a kilobyte or more is gzipped for a client that asks, and reads the same; small ones are not. */
class JsonGzipTest {
    @RegisterExtension
    static final LocalApi api = new LocalApi();
    private static final TestHttp http = api.http();

    @BeforeAll
    static void start() throws Exception {
        HttpResponse<String> submitted = http.post("/api/tasks", "{\"type\":\"sleep\",\"params\":{\"ms\":5},\"count\":20}");
        assertEquals(202, submitted.statusCode(), submitted.body());
    }

    @Test
    void aLargeAnswerIsGzippedWhenAskedAndReadsTheSame() throws Exception {
        HttpResponse<byte[]> gz = http.send(http.builder("/api/tasks?limit=20").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
        String unzipped;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HttpResponse<String> plain = http.get("/api/tasks?limit=20");
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent(), "not asked, not gzipped");
        // The same answer, but for how old its count is (it may have aged between the two requests).
        assertEquals(withoutCountAge(plain.body()), withoutCountAge(unzipped));
        assertTrue(plain.body().length() >= Response.GZIP_MIN_BYTES && gz.body().length < plain.body().length() / 2,
                plain.body().length() + " bytes plain, " + gz.body().length + " gzipped");
    }

    @Test
    void aSmallAnswerIsSentAsItIs() throws Exception {
        HttpResponse<String> me = http.send(http.builder("/api/me").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, me.statusCode());
        assertTrue(me.body().length() < Response.GZIP_MIN_BYTES);
        assertFalse(me.headers().firstValue("Content-Encoding").isPresent());
    }

    private static JsonObject withoutCountAge(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.remove("totalAgeMs");
        return o;
    }
}
