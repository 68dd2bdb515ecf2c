package colmena.jobs;

import colmena.broker.Json;
import colmena.support.Eventually;
import com.google.gson.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jobs API over real HTTP, as tests call it: uploads, jobs made and awaited, errors checked. */
final class JobsHttp {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final String base;

    JobsHttp(String base) {
        this.base = base;
    }

    /** Uploads a photo; its blob hash. */
    String upload(byte[] bytes) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/blobs?kind=photo"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return Json.GSON.fromJson(r.body(), JsonObject.class).get("hash").getAsString();
    }

    HttpResponse<String> post(String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Makes a job (202 expected); its id. */
    String createJob(Object body) throws Exception {
        HttpResponse<String> r = post("/api/jobs", body);
        assertEquals(202, r.statusCode(), r.body());
        return Json.GSON.fromJson(r.body(), JsonObject.class).get("id").getAsString();
    }

    HttpResponse<byte[]> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonObject getJson(String path) throws Exception {
        HttpResponse<byte[]> r = get(path);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(200, r.statusCode(), body);
        return Json.GSON.fromJson(body, JsonObject.class);
    }

    /** The job once no photo is running any more. */
    JsonObject awaitJob(String id) throws Exception {
        JsonObject[] last = new JsonObject[1];
        Eventually.within(Duration.ofSeconds(180), "job " + id + " finished", () -> {
            try {
                last[0] = getJson("/api/jobs/" + id);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return !last[0].get("status").getAsString().equals("running");
        });
        return last[0];
    }

    /** A JSON error with its status, the field it names and words of its message. */
    static void assertError(HttpResponse<String> r, int status, String field, String words) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject body = Json.GSON.fromJson(r.body(), JsonObject.class);
        if (field != null) {
            assertEquals(field, body.get("field").getAsString(), r.body());
        }
        assertTrue(body.get("error").getAsString().contains(words), r.body());
    }
}
