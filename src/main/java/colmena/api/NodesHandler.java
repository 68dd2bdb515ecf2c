package colmena.api;

import colmena.broker.NodeView;
import colmena.broker.Nodes;
import colmena.broker.RedisKeys;
import colmena.metrics.NodeStats;
import com.sun.net.httpserver.HttpExchange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/nodes}: every known node; {@code GET /api/nodes/{id}}: one, with its metric history. */
final class NodesHandler extends ApiHandler {
    private final Nodes nodes;

    NodesHandler(Nodes nodes) {
        this.nodes = nodes;
    }

    @Override
    Object get(HttpExchange ex, String rest) {
        if (rest.isEmpty()) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (NodeView v : nodes.all()) {
                out.add(view(v));
            }
            return Map.of("nodes", out);
        }
        if (!RedisKeys.isValidNodeId(rest)) {
            throw ApiException.badRequest("invalid node id \"" + rest + "\"");
        }
        for (NodeView v : nodes.all()) {
            if (v.id().equals(rest)) {
                Map<String, Object> one = view(v);
                one.put("history", nodes.history(v.id()));
                return one;
            }
        }
        throw ApiException.notFound("no node \"" + rest + "\"");
    }

    static Map<String, Object> view(NodeView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        NodeStats s = v.stats();
        m.put("id", v.id());
        m.put("status", v.online() ? "online" : "offline");
        m.put("online", v.online());
        m.put("drained", v.drained());
        m.put("lastSeen", s == null ? null : Instant.ofEpochMilli(s.sampledAtMs()));
        m.put("queued", v.queued());
        m.put("running", v.running());
        m.put("done", v.done());
        if (s != null) {
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
        } else {
            m.put("metrics", null);
        }
        return m;
    }
}
