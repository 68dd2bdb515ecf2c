package colmena.api;

import colmena.broker.Json;
import colmena.broker.NodeView;
import colmena.broker.Nodes;
import colmena.broker.RedisKeys;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The node endpoints: list every known node with its metrics and alerts, one node with its
 * history, and drain, resume or forget a node. Every request is answered from one shared reading
 * of the nodes at most {@code maxAge} old, read ahead in the background (see {@link ReadAhead}):
 * with many nodes a reading takes time and its JSON is large, which each of many polling
 * dashboards would otherwise make again. A drain, resume or forget
 * made here is seen by the next request.
 */
final class NodesApi {
    private final Nodes nodes;
    private final Alerts alerts;
    private final AuditTrail audit;
    private final ReadAhead<Reading> readings;

    /**
     * The nodes as read at one moment, with their alerts, and the whole {@code GET /api/nodes}
     * answer as sent, plain and gzipped (far smaller, for browsers: with many nodes the plain list
     * is large, and every dashboard polls it). Kept compact, since it outlives
     * many requests: views are made from it when asked for.
     */
    record Reading(List<NodeView> nodes, Map<String, List<Alerts.Alert>> alerts, Response.Written list) {
        List<Alerts.Alert> alertsOf(String id) {
            return alerts.getOrDefault(id, List.of());
        }
    }

    /** What the summary counts of the nodes. */
    record Tally(int online, int offline, int drained, List<Alerts.Alert> alerts) {
    }

    NodesApi(Nodes nodes, Alerts alerts, AuditTrail audit, Duration maxAge, Executor background) {
        this.nodes = nodes;
        this.alerts = alerts;
        this.audit = audit;
        this.readings = new ReadAhead<>(this::read, maxAge.toNanos(), System::nanoTime, background);
    }

    /** Samples sent with {@code GET /api/nodes?history=true}: the last few minutes, for the cards' charts. */
    static final int LIST_HISTORY_SAMPLES = 300;
    /** With {@code range=1h}: the samples of the last hour, in buckets of this many ms, each the highest of its bucket. */
    static final long HOUR_BUCKET_MS = 10_000;
    static final long HOUR_MS = 3_600_000;

    /** {@code GET /api/nodes[?history=true[&range=5m|1h]]} */
    Object list(Request r) {
        for (String k : r.query().keySet()) {
            if (!k.equals("history") && !k.equals("range")) {
                throw ApiException.badRequest("unknown parameter \"" + k + "\"; known: history, range");
            }
        }
        String h = r.query().getOrDefault("history", "false");
        if (!h.equals("true") && !h.equals("false")) {
            throw ApiException.badRequest("history must be true or false, got \"" + h + "\"");
        }
        String range = r.query().getOrDefault("range", "5m");
        if (!range.equals("5m") && !range.equals("1h")) {
            throw ApiException.badRequest("range must be 5m or 1h, got \"" + range + "\"");
        }
        if (r.query().containsKey("range") && h.equals("false")) {
            throw ApiException.badRequest("range needs history=true");
        }
        if (h.equals("false")) {
            return readings.get().list().to(r);
        }
        List<NodeJson> out = views();
        if (!out.isEmpty()) {
            List<String> ids = out.stream().map(NodeJson::id).toList();
            boolean hour = range.equals("1h");
            Map<String, List<double[]>> recent = nodes.recent(ids, hour ? Nodes.HISTORY_MAX : LIST_HISTORY_SAMPLES);
            out = out.stream().map(n -> {
                List<double[]> samples = new ArrayList<>(recent.getOrDefault(n.id(), List.of()));
                Collections.reverse(samples);
                return n.withHistory(hour ? buckets(samples, System.currentTimeMillis() - HOUR_MS, HOUR_BUCKET_MS) : samples);
            }).toList();
        }
        return new NodeJson.Listing(Instant.now(), out);
    }

    /**
     * The samples (oldest first) from {@code fromMs} on, one per {@code bucketMs}: the time of the
     * bucket's last sample and the highest CPU, memory and disk in it, so a short peak still shows.
     */
    static List<double[]> buckets(List<double[]> samples, long fromMs, long bucketMs) {
        List<double[]> out = new ArrayList<>();
        double[] open = null;
        long openBucket = Long.MIN_VALUE;
        for (double[] s : samples) {
            if (s[0] < fromMs) {
                continue;
            }
            long bucket = (long) s[0] / bucketMs;
            if (open == null || bucket != openBucket) {
                open = s.clone();
                openBucket = bucket;
                out.add(open);
            } else {
                open[0] = s[0];
                for (int i = 1; i < s.length; i++) {
                    open[i] = Math.max(open[i], s[i]);
                }
            }
        }
        return out;
    }

    /** Every node as last read (for {@code GET /metrics}). */
    List<NodeView> nodeViews() {
        return readings.get().nodes();
    }

    /** Every node as the API shows it, alerts included, from the current reading. */
    List<NodeJson> views() {
        Reading now = readings.get();
        List<NodeJson> out = new ArrayList<>(now.nodes().size());
        for (NodeView v : now.nodes()) {
            out.add(NodeJson.of(v, now.alertsOf(v.id())));
        }
        return out;
    }

    /** Nodes online, offline and drained, and every current alert, from the current reading. */
    Tally tally() {
        Reading now = readings.get();
        int online = 0;
        int drained = 0;
        List<Alerts.Alert> current = new ArrayList<>();
        for (NodeView v : now.nodes()) {
            online += v.online() ? 1 : 0;
            drained += v.drained() ? 1 : 0;
            current.addAll(now.alertsOf(v.id()));
        }
        return new Tally(online, now.nodes().size() - online, drained, current);
    }

    /** Reads every node, works out their alerts, and writes the list's answer once for all who ask. */
    private Reading read() {
        Instant at = Instant.now();
        List<NodeView> all = nodes.all();
        List<String> watched = new ArrayList<>();
        long interval = 1_000;
        for (NodeView v : all) {
            if (v.online() && alerts.mayAlert(v.stats())) {
                watched.add(v.id());
            }
            if (v.online() && v.stats() != null) {
                interval = Math.min(interval, v.stats().intervalMs());
            }
        }
        Map<String, List<double[]>> recent = watched.isEmpty() ? Map.of()
                : nodes.recent(watched, alerts.samplesNeeded(interval));
        Map<String, List<Alerts.Alert>> raised = new HashMap<>();
        List<NodeJson> out = new ArrayList<>(all.size());
        for (NodeView v : all) {
            List<Alerts.Alert> a = v.online() ? alerts.of(v.id(), recent.getOrDefault(v.id(), List.of())) : List.of();
            if (!a.isEmpty()) {
                raised.put(v.id(), a);
            }
            out.add(NodeJson.of(v, a));
        }
        StringBuilder text = new StringBuilder(1_024 + 600 * out.size());
        Json.API.toJson(new NodeJson.Listing(at, out), text);
        byte[] json = text.toString().getBytes(StandardCharsets.UTF_8);
        return new Reading(List.copyOf(all), Map.copyOf(raised), Response.Written.of(json));
    }

    /** {@code GET /api/nodes/{id}} */
    Object one(Request r) {
        String id = validId(r.path("id"));
        for (NodeJson v : views()) {
            if (v.id().equals(id)) {
                return v.withHistory(nodes.history(id));
            }
        }
        throw ApiException.notFound("no node \"" + id + "\"");
    }

    /** {@code POST /api/nodes/{id}/drain}: no new work; it finishes what it holds. */
    Object drain(Request r) {
        String id = known(r.path("id"));
        nodes.drain(id);
        readings.invalidate();
        audit.record(r, "node_drain", id, null);
        return Map.of("id", id, "drained", true);
    }

    /** {@code POST /api/nodes/{id}/resume} */
    Object resume(Request r) {
        String id = known(r.path("id"));
        nodes.resume(id);
        readings.invalidate();
        audit.record(r, "node_resume", id, null);
        return Map.of("id", id, "drained", false);
    }

    /** {@code DELETE /api/nodes/{id}}: forget an offline node that holds nothing. */
    Object forget(Request r) {
        String id = known(r.path("id"));
        try {
            nodes.forget(id);
            readings.invalidate();
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
        audit.record(r, "node_forget", id, null);
        return Map.of("id", id, "forgotten", true);
    }

    private String known(String raw) {
        String id = validId(raw);
        if (!nodes.isKnown(id)) {
            throw ApiException.notFound("no node \"" + id + "\"");
        }
        return id;
    }

    private static String validId(String id) {
        if (!RedisKeys.isValidNodeId(id)) {
            throw ApiException.badRequest("invalid node id \"" + id + "\": use 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return id;
    }
}
