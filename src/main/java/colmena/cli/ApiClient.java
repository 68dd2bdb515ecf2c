package colmena.cli;

import colmena.broker.Json;
import colmena.config.UsageException;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The REST API as the command line reaches it with {@code --api URL --token TOKEN}: requests
 * carry the token, answers are JSON, and an error answer becomes the command's error — a 400 or
 * 413 a usage error naming what was wrong, anything else a failure to reach Colmena.
 */
final class ApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;
    private final Duration timeout;

    /**
     * @throws UsageException when {@code api} is not an http(s) URL
     */
    ApiClient(String api, String token, Duration timeout) {
        String b = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        if (!b.startsWith("http://") && !b.startsWith("https://")) {
            throw new UsageException("--api: expected a URL such as http://localhost:8000, got \"" + api + "\"");
        }
        this.base = b;
        this.token = token;
        this.timeout = timeout;
    }

    String base() {
        return base;
    }

    /** A request to {@code path}, with the token. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** A request with a JSON body, or none when {@code json} is null. */
    HttpRequest.Builder request(String method, String path, String json) {
        HttpRequest.Builder b = request(path);
        return json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    }

    /**
     * Sends and reads the JSON answer.
     *
     * @throws UsageException for a 400 or 413, with the API's message
     * @throws StartupException when the API cannot be reached or answers another error
     */
    JsonObject send(HttpRequest.Builder request) throws InterruptedException {
        return read(exchange(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** Longest pause between two tries when the API says it is busy. */
    static final long MAX_RETRY_SECONDS = 30;

    /**
     * As {@link #send}, but while the API answers 503 with {@code Retry-After} (its queue of
     * unplaced tasks is full, or it is busy) waits as told and sends again, for up to {@code maxWait}.
     */
    JsonObject sendWaitingWhileBusy(HttpRequest.Builder request, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        boolean told = false;
        while (true) {
            HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
            var retryAfter = r.headers().firstValue("Retry-After");
            if (r.statusCode() != 503 || retryAfter.isEmpty() || System.nanoTime() > deadline) {
                return read(r);
            }
            long seconds;
            try {
                seconds = Math.max(1, Math.min(MAX_RETRY_SECONDS, Long.parseLong(retryAfter.get().trim())));
            } catch (NumberFormatException e) {
                seconds = 5;
            }
            if (!told) {
                System.err.println("The API is busy (" + errorOf(r) + "); waiting and trying again every " + seconds + " s");
                told = true;
            }
            Thread.sleep(seconds * 1_000);
        }
    }

    private static String errorOf(HttpResponse<String> r) {
        try {
            JsonObject json = Json.GSON.fromJson(r.body(), JsonObject.class);
            return json != null && json.has("error") ? json.get("error").getAsString() : "answer " + r.statusCode();
        } catch (RuntimeException e) {
            return "answer " + r.statusCode();
        }
    }

    private JsonObject read(HttpResponse<String> r) {
        JsonObject json;
        try {
            json = Json.GSON.fromJson(r.body(), JsonObject.class);
        } catch (RuntimeException e) {
            throw new StartupException("the API at " + base + " answered " + r.statusCode() + " with something that is not JSON");
        }
        if (r.statusCode() >= 400) {
            String error = json != null && json.has("error") ? json.get("error").getAsString() : "no message";
            if (r.statusCode() == 400 || r.statusCode() == 413) {
                throw new UsageException(error);
            }
            String hint = r.statusCode() == 401 && token == null ? "; give --token (an API token from the dashboard)" : "";
            throw new StartupException("the API answered " + r.statusCode() + ": " + error + hint);
        }
        return json;
    }

    /** Sends and returns the answer whatever its status. */
    <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws InterruptedException {
        try {
            return HTTP.send(request.build(), body);
        } catch (IOException e) {
            throw new StartupException("cannot reach the API at " + base + " (" + e.getMessage() + ")");
        }
    }
}
