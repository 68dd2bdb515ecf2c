package colmena.api;

import colmena.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's files over real HTTP: gzipped when the browser accepts it, and revalidated by ETag. */
class StaticFilesHttpTest {
    @RegisterExtension
    static final LocalApi api = new LocalApi();
    private static final TestHttp http = api.http();

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = http.builder(path);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aScriptIsGzippedForABrowserThatAcceptsItAndTheSameBytesUnzipped() throws Exception {
        HttpResponse<byte[]> plain = get("/app.js");
        HttpResponse<byte[]> zipped = get("/app.js", "Accept-Encoding", "gzip, deflate, br");
        assertEquals(200, plain.statusCode());
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty(), "no gzip unasked");
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(null));
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
        assertArrayEquals(plain.body(), unzipped);
        assertTrue(zipped.body().length < plain.body().length / 2, zipped.body().length + " of " + plain.body().length);
        assertEquals("Accept-Encoding", zipped.headers().firstValue("Vary").orElse(null));
    }

    @Test
    void anUnchangedFileIsA304WithoutBodyAndAnOtherTagGetsTheFile() throws Exception {
        HttpResponse<byte[]> first = get("/style.css");
        String etag = first.headers().firstValue("ETag").orElse(null);
        assertNotNull(etag);
        assertEquals("no-cache", first.headers().firstValue("Cache-Control").orElse(null));
        HttpResponse<byte[]> again = get("/style.css", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals(200, get("/style.css", "If-None-Match", "\"0000\"").statusCode());
        assertEquals(200, get("/", "If-None-Match", etag).statusCode(), "another file's tag does not match index.html");
    }

    @Test
    void theApiItselfIsStillNeverCached() throws Exception {
        HttpResponse<byte[]> r = get("/api/health");
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(r.headers().firstValue("ETag").isEmpty());
    }

    @Test
    void aMatchingTagIsFoundInAListAndAWeakOneCounts() {
        assertTrue(StaticFiles.matches("\"a\", W/\"b\"", "\"b\""));
        assertTrue(StaticFiles.matches("*", "\"b\""));
        assertTrue(!StaticFiles.matches("\"a\"", "\"b\""));
        assertTrue(!StaticFiles.matches(null, "\"b\""));
    }
}
