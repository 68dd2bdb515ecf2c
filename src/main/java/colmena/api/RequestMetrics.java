package colmena.api;

import colmena.metrics.LatencyHistogram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the API has answered since it started, for {@code GET /metrics}: requests counted by
 * method, route (the template, {@code /api/nodes/{id}}, so ids do not multiply the series) and
 * status code, and their durations by route. Recording is two map look-ups and two increments.
 */
final class RequestMetrics {
    /** The route of a request that matched none. */
    static final String UNMATCHED = "unmatched";

    record Key(String method, String route, int status) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LatencyHistogram> durations = new ConcurrentHashMap<>();

    /** @param method as the client sent it: any but GET, HEAD, POST and DELETE counts as "other" */
    void record(String method, String route, int status, long ns) {
        String r = route == null ? UNMATCHED : route;
        String m = switch (method) {
            case "GET", "HEAD", "POST", "DELETE" -> method;
            default -> "other";
        };
        counts.computeIfAbsent(new Key(m, r, status), k -> new LongAdder()).increment();
        durations.computeIfAbsent(r, k -> new LatencyHistogram()).record(ns);
    }

    Map<Key, LongAdder> counts() {
        return counts;
    }

    Map<String, LatencyHistogram> durations() {
        return durations;
    }
}
