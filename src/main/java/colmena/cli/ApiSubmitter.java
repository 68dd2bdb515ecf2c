package colmena.cli;

import colmena.broker.Json;
import colmena.config.Flags;
import colmena.config.UsageException;
import colmena.support.Glyphs;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code submit --api URL --token TOKEN}: the same submission through the REST API, as a script
 * on another machine does with a token from the dashboard; {@code --wait} polls each task.
 */
final class ApiSubmitter {
    private static final int CHUNK = 1_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiSubmitter() {
    }

    static int submit(String api, String token, String type, Map<String, Object> params, int count, boolean wait,
                      Duration timeout) throws InterruptedException {
        String base = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new UsageException("--api: expected a URL such as http://localhost:8000, got \"" + api + "\"");
        }
        List<String> ids = new ArrayList<>();
        for (int sent = 0; sent < count; sent += CHUNK) {
            int n = Math.min(CHUNK, count - sent);
            JsonObject answer = call(base, token, "POST", "/api/tasks",
                    Json.write(Map.of("type", type, "params", params, "count", n)));
            for (JsonElement id : answer.getAsJsonArray("ids")) {
                ids.add(id.getAsString());
                System.out.println(id.getAsString());
            }
        }
        System.err.println("Submitted " + count + " × " + type + " through " + base + (wait ? "; waiting for results" : ""));
        if (!wait) {
            return 0;
        }
        Set<String> waiting = new LinkedHashSet<>(ids);
        long deadline = System.nanoTime() + timeout.toNanos();
        int failed = 0;
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                System.err.println("Gave up after " + Flags.format(timeout) + ": " + waiting.size() + " tasks not finished yet");
                return 3;
            }
            for (String id : List.copyOf(waiting)) {
                JsonObject t;
                try {
                    t = call(base, token, "GET", "/api/tasks/" + id, null);
                } catch (StartupException e) {
                    if (e.getMessage().contains("404")) {
                        continue; // not placed yet: it has no TaskHistory row
                    }
                    throw e;
                }
                String status = t.get("status").getAsString();
                if (status.equals("DONE")) {
                    waiting.remove(id);
                    System.out.println(Glyphs.check() + " " + id + " on " + t.get("node").getAsString() + " in "
                            + t.get("durationMs") + " ms " + Glyphs.arrow() + " " + t.get("result").getAsString());
                } else if (status.equals("FAILED")) {
                    waiting.remove(id);
                    failed++;
                    System.out.println(Glyphs.cross() + " " + id + " FAILED: " + t.get("error").getAsString());
                }
            }
            if (!waiting.isEmpty()) {
                Thread.sleep(500);
            }
        }
        return failed > 0 ? 1 : 0;
    }

    private static JsonObject call(String base, String token, String method, String path, String body) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StartupException("cannot reach the API at " + base + " (" + e.getMessage() + ")");
        }
        JsonObject json;
        try {
            json = Json.GSON.fromJson(r.body(), JsonObject.class);
        } catch (RuntimeException e) {
            throw new StartupException("the API at " + base + " answered " + r.statusCode() + " with something that is not JSON");
        }
        if (r.statusCode() >= 400) {
            String error = json != null && json.has("error") ? json.get("error").getAsString() : "no message";
            if (r.statusCode() == 400) {
                throw new UsageException(error);
            }
            String hint = r.statusCode() == 401 ? (token == null ? "; give --token (an API token from the dashboard)" : "") : "";
            throw new StartupException("the API answered " + r.statusCode() + ": " + error + hint);
        }
        return json;
    }
}
