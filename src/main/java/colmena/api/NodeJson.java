package colmena.api;

import colmena.broker.Json;
import colmena.broker.NodeView;
import colmena.metrics.NodeStats;
import com.google.gson.annotations.JsonAdapter;

import java.time.Instant;
import java.util.List;

/**
 * One node as {@code GET /api/nodes} and {@code GET /api/nodes/{id}} show it, written by Gson as
 * it is: what Redis says of it, its alerts, and (when asked for) its samples
 * {@code [atMs, cpuPercent, memPercent, diskPercent]}, oldest first.
 *
 * @param status        {@code online} or {@code offline}
 * @param saturated     an alert other than disk is raised: placement passes it over while another node is not
 * @param lastSeen      when its latest stats were sampled; null if never seen
 * @param clockOffsetMs how far the agent's clock is from Redis's (its times are corrected, but a teacher should know)
 * @param clockOff      that offset is over {@link #CLOCK_OFF_MS}
 * @param metrics       its latest metrics, or the last ones it sent when offline; null if never seen
 * @param history       left out unless asked for
 */
record NodeJson(String id, String status, boolean online, boolean drained, boolean saturated, Instant lastSeen,
                Long clockOffsetMs, boolean clockOff, long queued, long running, long done, List<Alerts.Alert> alerts,
                Metrics metrics,
                @JsonAdapter(value = Json.LeftOutWhenNull.class, nullSafe = false) List<double[]> history) {
    /** A node whose clock is further than this from Redis's is flagged on its card. */
    static final long CLOCK_OFF_MS = 1_000;

    /** A node's resources as its card shows them. */
    record Metrics(String host, String os, int cores, int workers, int longRunning, double cpuPercent,
                   double memPercent, long memUsedBytes, long memTotalBytes, double diskPercent, long diskUsedBytes,
                   long diskTotalBytes, long netRxBytesPerSec, long netTxBytesPerSec, long uptimeSeconds,
                   long intervalMs) {
        static Metrics of(NodeStats s) {
            return new Metrics(s.host(), s.os(), s.cores(), s.workers(), s.longRunning(), s.cpuPercent(),
                    s.memPercent(), s.memUsedBytes(), s.memTotalBytes(), s.diskPercent(), s.diskUsedBytes(),
                    s.diskTotalBytes(), s.netRxBytesPerSec(), s.netTxBytesPerSec(), s.uptimeSeconds(), s.intervalMs());
        }
    }

    /** The node as read, with the alerts raised for it, without its samples. */
    static NodeJson of(NodeView v, List<Alerts.Alert> alerts) {
        NodeStats s = v.stats();
        return new NodeJson(v.id(), v.online() ? "online" : "offline", v.online(), v.drained(),
                alerts.stream().anyMatch(a -> !a.metric().equals("disk")),
                s == null ? null : Instant.ofEpochMilli(s.sampledAtMs()),
                s == null ? null : s.clockOffsetMs(), s != null && Math.abs(s.clockOffsetMs()) > CLOCK_OFF_MS,
                v.queued(), v.running(), v.done(), alerts, s == null ? null : Metrics.of(s), null);
    }

    /** The same node with these samples. */
    NodeJson withHistory(List<double[]> samples) {
        return new NodeJson(id, status, online, drained, saturated, lastSeen, clockOffsetMs, clockOff, queued, running,
                done, alerts, metrics, samples);
    }

    /** The body of {@code GET /api/nodes}: the nodes, and the time of the reading. */
    record Listing(Instant serverTime, List<NodeJson> nodes) {
    }
}
