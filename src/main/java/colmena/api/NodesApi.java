package colmena.api;

import colmena.broker.NodeView;
import colmena.broker.Nodes;
import colmena.broker.RedisKeys;
import colmena.metrics.NodeStats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node endpoints: list every known node with its metrics and alerts, one node with its
 * history, and drain, resume or forget a node.
 */
final class NodesApi {
    private final Nodes nodes;
    private final Alerts alerts;
    private final AuditTrail audit;

    NodesApi(Nodes nodes, Alerts alerts, AuditTrail audit) {
        this.nodes = nodes;
        this.alerts = alerts;
        this.audit = audit;
    }

    /** Samples sent with {@code GET /api/nodes?history=true}: the last few minutes, for the cards' charts. */
    static final int LIST_HISTORY_SAMPLES = 300;

    /** {@code GET /api/nodes[?history=true]} */
    Object list(Request r) {
        for (String k : r.query().keySet()) {
            if (!k.equals("history")) {
                throw ApiException.badRequest("unknown parameter \"" + k + "\"; known: history");
            }
        }
        String h = r.query().getOrDefault("history", "false");
        if (!h.equals("true") && !h.equals("false")) {
            throw ApiException.badRequest("history must be true or false, got \"" + h + "\"");
        }
        List<Map<String, Object>> out = views();
        if (h.equals("true") && !out.isEmpty()) {
            List<String> ids = out.stream().map(n -> (String) n.get("id")).toList();
            Map<String, List<double[]>> recent = nodes.recent(ids, LIST_HISTORY_SAMPLES);
            for (Map<String, Object> n : out) {
                List<double[]> samples = new ArrayList<>(recent.getOrDefault((String) n.get("id"), List.of()));
                java.util.Collections.reverse(samples);
                n.put("history", samples);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("serverTime", Instant.now());
        body.put("nodes", out);
        return body;
    }

    /** Every node as the API shows it, alerts included. */
    List<Map<String, Object>> views() {
        List<NodeView> all = nodes.all();
        List<String> online = new ArrayList<>();
        long interval = 1_000;
        for (NodeView v : all) {
            if (v.online()) {
                online.add(v.id());
                if (v.stats() != null) {
                    interval = Math.min(interval, v.stats().intervalMs());
                }
            }
        }
        Map<String, List<double[]>> recent = online.isEmpty() ? Map.of()
                : nodes.recent(online, alerts.samplesNeeded(interval));
        List<Map<String, Object>> out = new ArrayList<>(all.size());
        for (NodeView v : all) {
            List<Alerts.Alert> a = v.online() ? alerts.of(v.id(), recent.getOrDefault(v.id(), List.of())) : List.of();
            out.add(view(v, a));
        }
        return out;
    }

    /** {@code GET /api/nodes/{id}} */
    Object one(Request r) {
        String id = validId(r.path("id"));
        for (Map<String, Object> v : views()) {
            if (v.get("id").equals(id)) {
                v.put("history", nodes.history(id));
                return v;
            }
        }
        throw ApiException.notFound("no node \"" + id + "\"");
    }

    /** {@code POST /api/nodes/{id}/drain}: no new work; it finishes what it holds. */
    Object drain(Request r) {
        String id = known(r.path("id"));
        nodes.drain(id);
        audit.record(r, "node_drain", id, null);
        return Map.of("id", id, "drained", true);
    }

    /** {@code POST /api/nodes/{id}/resume} */
    Object resume(Request r) {
        String id = known(r.path("id"));
        nodes.resume(id);
        audit.record(r, "node_resume", id, null);
        return Map.of("id", id, "drained", false);
    }

    /** {@code DELETE /api/nodes/{id}}: forget an offline node that holds nothing. */
    Object forget(Request r) {
        String id = known(r.path("id"));
        try {
            nodes.forget(id);
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

    static Map<String, Object> view(NodeView v, List<Alerts.Alert> alerts) {
        Map<String, Object> m = new LinkedHashMap<>();
        NodeStats s = v.stats();
        m.put("id", v.id());
        m.put("status", v.online() ? "online" : "offline");
        m.put("online", v.online());
        m.put("drained", v.drained());
        m.put("saturated", alerts.stream().anyMatch(a -> !a.metric().equals("disk")));
        m.put("lastSeen", s == null ? null : Instant.ofEpochMilli(s.sampledAtMs()));
        m.put("queued", v.queued());
        m.put("running", v.running());
        m.put("done", v.done());
        m.put("alerts", alerts);
        if (s == null) {
            m.put("metrics", null);
            return m;
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("host", s.host());
        metrics.put("os", s.os());
        metrics.put("cores", s.cores());
        metrics.put("workers", s.workers());
        metrics.put("cpuPercent", s.cpuPercent());
        metrics.put("memPercent", s.memPercent());
        metrics.put("memUsedBytes", s.memUsedBytes());
        metrics.put("memTotalBytes", s.memTotalBytes());
        metrics.put("diskPercent", s.diskPercent());
        metrics.put("diskUsedBytes", s.diskUsedBytes());
        metrics.put("diskTotalBytes", s.diskTotalBytes());
        metrics.put("netRxBytesPerSec", s.netRxBytesPerSec());
        metrics.put("netTxBytesPerSec", s.netTxBytesPerSec());
        metrics.put("uptimeSeconds", s.uptimeSeconds());
        metrics.put("intervalMs", s.intervalMs());
        m.put("metrics", metrics);
        return m;
    }
}
