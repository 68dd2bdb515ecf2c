package colmena.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** The API as a logged-in admin would use it: HTTP/1.1, Basic credentials on every request. */
final class ApiUser {
    final String base;
    final String authorization;
    // No executor of ours: with one, every completion goes through another thread pool.
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ApiUser(String base, String password) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest request(String path) {
        return request(path, false);
    }

    URI uri(String path) {
        return URI.create(base + path);
    }

    Map<String, String> headers(boolean gzip) {
        return gzip ? Map.of("Authorization", authorization, "Accept-Encoding", "gzip") : Map.of("Authorization", authorization);
    }

    HttpRequest request(String path, boolean gzip) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization);
        return (gzip ? b.header("Accept-Encoding", "gzip") : b).build();
    }

    void waitUntilUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (get("/api/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the API did not answer within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * One answer: its bytes, gzipped as the API sends them when asked (or as they would gzip),
     * the nanoseconds it took (plain), and the samples of the first node's history, if any.
     */
    long[] size(String path) throws Exception {
        long t0 = System.nanoTime();
        byte[] plain = client.send(request(path), HttpResponse.BodyHandlers.ofByteArray()).body();
        long ns = System.nanoTime() - t0;
        HttpResponse<byte[]> gz = client.send(request(path, true), HttpResponse.BodyHandlers.ofByteArray());
        boolean compressed = gz.headers().firstValue("Content-Encoding").orElse("").equals("gzip");
        JsonObject first = JsonParser.parseString(new String(plain, StandardCharsets.UTF_8)).getAsJsonObject()
                .getAsJsonArray("nodes").get(0).getAsJsonObject();
        long samples = first.has("history") ? first.getAsJsonArray("history").size() : 0;
        return new long[]{plain.length, compressed ? gz.body().length : gzipped(plain), ns, samples};
    }

    private static long gzipped(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.size();
    }
}
