package colmena.cli;

import colmena.broker.Json;
import colmena.log.Durations;
import colmena.log.Glyphs;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

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

    private ApiSubmitter() {
    }

    static int submit(String api, String token, String type, Map<String, Object> params, int count, int retries, int priority, boolean wait,
                      Duration timeout) throws InterruptedException {
        ApiClient client = new ApiClient(api, token, Duration.ofSeconds(30));
        List<String> ids = send(client, type, params, count, retries, priority, timeout);
        System.err.println("Submitted " + count + " × " + type + " through " + client.base() + (wait ? "; waiting for results" : ""));
        if (!wait) {
            return 0;
        }
        return await(client, ids, timeout);
    }

    /** Submits the tasks in chunks of {@link #CHUNK}, printing each id; returns the ids. */
    private static List<String> send(ApiClient client, String type, Map<String, Object> params, int count, int retries,
                                     int priority, Duration timeout) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int sent = 0; sent < count; sent += CHUNK) {
            int n = Math.min(CHUNK, count - sent);
            // A full queue of unplaced tasks is a 503 with Retry-After: wait for the coordinator to catch up.
            JsonObject answer = client.sendWaitingWhileBusy(client.request("POST", "/api/tasks",
                    Json.write(Map.of("type", type, "params", params, "count", n, "retries", retries, "priority", priority))),
                    timeout);
            for (JsonElement id : answer.getAsJsonArray("ids")) {
                ids.add(id.getAsString());
                System.out.println(id.getAsString());
            }
        }
        return ids;
    }

    /** Polls every task twice a second until each has ended: exit code 0 all DONE, 1 some FAILED, 3 timed out. */
    private static int await(ApiClient client, List<String> ids, Duration timeout) throws InterruptedException {
        Set<String> waiting = new LinkedHashSet<>(ids);
        long deadline = System.nanoTime() + timeout.toNanos();
        int failed = 0;
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                System.err.println("Gave up after " + Durations.format(timeout) + ": " + waiting.size() + " tasks not finished yet");
                return 3;
            }
            for (String id : List.copyOf(waiting)) {
                String ended = ended(client, id);
                if (ended != null) {
                    waiting.remove(id);
                    failed += ended.equals("FAILED") ? 1 : 0;
                }
            }
            if (!waiting.isEmpty()) {
                Thread.sleep(500);
            }
        }
        return failed > 0 ? 1 : 0;
    }

    /** The task's status once it is DONE or FAILED, printed; null while it has not ended (or has no row yet). */
    private static String ended(ApiClient client, String id) throws InterruptedException {
        JsonObject t;
        try {
            t = call(client, "GET", "/api/tasks/" + id, null);
        } catch (StartupException e) {
            if (e.getMessage().contains("404")) {
                return null; // not placed yet: it has no TaskHistory row
            }
            throw e;
        }
        String status = t.get("status").getAsString();
        if (status.equals("DONE")) {
            System.out.println(Glyphs.check() + " " + id + " on " + t.get("node").getAsString() + " in "
                    + t.get("durationMs") + " ms " + Glyphs.arrow() + " " + t.get("result").getAsString());
            return status;
        } else if (status.equals("FAILED")) {
            System.out.println(Glyphs.cross() + " " + id + " FAILED: " + t.get("error").getAsString());
            return status;
        }
        return null;
    }

    private static JsonObject call(ApiClient client, String method, String path, String body) throws InterruptedException {
        return client.send(client.request(method, path, body));
    }
}
