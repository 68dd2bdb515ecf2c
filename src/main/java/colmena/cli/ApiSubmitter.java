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
        String base = client.base();
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
        System.err.println("Submitted " + count + " × " + type + " through " + base + (wait ? "; waiting for results" : ""));
        if (!wait) {
            return 0;
        }
        Set<String> waiting = new LinkedHashSet<>(ids);
        long deadline = System.nanoTime() + timeout.toNanos();
        int failed = 0;
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                System.err.println("Gave up after " + Durations.format(timeout) + ": " + waiting.size() + " tasks not finished yet");
                return 3;
            }
            for (String id : List.copyOf(waiting)) {
                JsonObject t;
                try {
                    t = call(client, "GET", "/api/tasks/" + id, null);
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

    private static JsonObject call(ApiClient client, String method, String path, String body) throws InterruptedException {
        return client.send(client.request(method, path, body));
    }
}
