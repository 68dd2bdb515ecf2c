package colmena.api;

import colmena.broker.NodeView;
import colmena.coordinator.CoordinatorReport;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.metrics.LatencyHistogram;
import colmena.metrics.NodeStats;
import colmena.store.ConnectionPool;
import colmena.store.TaskHistoryStore;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: what the dashboard shows, in the Prometheus text format, for a Prometheus
 * server or Grafana Agent to scrape as it is. Per node: resources, tasks queued, running and done,
 * online; TaskHistory's rows by type and status; the working coordinator (present, its lag behind
 * the queues, the time tasks wait to be placed and results wait to be stored, its decisions); this
 * API's requests and their durations. Names follow Prometheus's conventions: the {@code colmena_}
 * prefix, base units (seconds, bytes, ratios 0–1), {@code _total} on counters.
 */
final class MetricsApi {
    /** Counting TaskHistory's rows by type is a scan of the table: at most this often. */
    static final long TYPE_COUNTS_CACHE_MS = 10_000;

    private final NodesApi nodes;
    private final Redis redis;
    private final ConnectionPool db;
    private final TaskHistoryStore store;
    private final RequestMetrics requests;
    /** Rows by type and status, shared by the scrapes of {@link #TYPE_COUNTS_CACHE_MS} (or longer, while counting is slow). */
    private final SharedReading<Boolean, Map<String, Map<String, Long>>> typeCounts;

    MetricsApi(NodesApi nodes, Redis redis, ConnectionPool db, TaskHistoryStore store, RequestMetrics requests) {
        this.nodes = nodes;
        this.redis = redis;
        this.db = db;
        this.store = store;
        this.requests = requests;
        this.typeCounts = new SharedReading<>("type-counts", java.time.Duration.ofMillis(TYPE_COUNTS_CACHE_MS),
                all -> db.use(store::countByTypeAndStatus));
    }

    /** {@code GET /metrics} */
    Object metrics(Request r) throws Exception {
        PromText out = new PromText();
        nodeMetrics(out, nodes.nodeViews());
        taskMetrics(out);
        coordinatorMetrics(out);
        requestMetrics(out);
        byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
        return new Response(200, "text/plain; version=0.0.4; charset=utf-8", null, body, null, null);
    }

    private static void nodeMetrics(PromText out, List<NodeView> views) {
        PromText.Family online = out.family("colmena_node_online", "gauge", "1 while the node reports, 0 once it is lost or left");
        for (NodeView v : views) {
            online.sample(v.online() ? 1 : 0, "node", v.id());
        }
        PromText.Family drained = out.family("colmena_node_drained", "gauge", "1 while the node is drained (takes no new tasks)");
        for (NodeView v : views) {
            drained.sample(v.drained() ? 1 : 0, "node", v.id());
        }
        gauge(out, views, "colmena_node_cpu_ratio", "CPU in use on the node's CPUs, 0 to 1", s -> s.cpuPercent() / 100);
        gauge(out, views, "colmena_node_cores", "logical CPUs the agent may use", s -> s.cores());
        gauge(out, views, "colmena_node_workers", "task threads the agent runs", s -> s.workers());
        gauge(out, views, "colmena_node_workers_held", "workers held by a task running a second or more", s -> s.longRunning());
        gauge(out, views, "colmena_node_memory_used_bytes", "memory in use", s -> s.memUsedBytes());
        gauge(out, views, "colmena_node_memory_total_bytes", "memory in all", s -> s.memTotalBytes());
        gauge(out, views, "colmena_node_disk_used_bytes", "disk space in use where the agent runs", s -> s.diskUsedBytes());
        gauge(out, views, "colmena_node_disk_total_bytes", "disk space in all where the agent runs", s -> s.diskTotalBytes());
        gauge(out, views, "colmena_node_network_receive_bytes_per_second", "bytes received a second, over the last interval",
                s -> s.netRxBytesPerSec());
        gauge(out, views, "colmena_node_network_transmit_bytes_per_second", "bytes sent a second, over the last interval",
                s -> s.netTxBytesPerSec());
        gauge(out, views, "colmena_node_uptime_seconds", "how long the machine has been up", s -> s.uptimeSeconds());
        gauge(out, views, "colmena_node_clock_offset_seconds", "how far the node's clock is ahead of Redis's (negative: behind)",
                s -> s.clockOffsetMs() / 1000.0);
        // A family's samples follow its own header: each is written whole before the next begins.
        PromText.Family queued = out.family("colmena_node_tasks_queued", "gauge", "tasks waiting in the node's queue");
        for (NodeView v : views) {
            queued.sample(v.queued(), "node", v.id());
        }
        PromText.Family running = out.family("colmena_node_tasks_running", "gauge", "tasks the node has taken and not finished");
        for (NodeView v : views) {
            running.sample(v.running(), "node", v.id());
        }
        PromText.Family done = out.family("colmena_node_tasks_done_total", "counter", "tasks the node has finished");
        for (NodeView v : views) {
            done.sample(v.done(), "node", v.id());
        }
    }

    private static void gauge(PromText out, List<NodeView> views, String name, String help,
                              ToDoubleFunction<NodeStats> value) {
        PromText.Family f = out.family(name, "gauge", help);
        for (NodeView v : views) {
            if (v.stats() != null) {
                f.sample(value.applyAsDouble(v.stats()), "node", v.id());
            }
        }
    }

    private void taskMetrics(PromText out) throws Exception {
        PromText.Family tasks = out.family("colmena_tasks", "gauge", "tasks in TaskHistory by type and status");
        for (var byType : typeCounts().entrySet()) {
            for (var byStatus : byType.getValue().entrySet()) {
                tasks.sample(byStatus.getValue(), "type", byType.getKey(), "status", byStatus.getKey());
            }
        }
        PromText.Family lists = out.family("colmena_queue_length", "gauge",
                "messages waiting in Colmena's shared Redis lists: submitted (one list per priority), results to store, dead letters");
        List<String> keys = new ArrayList<>(RedisKeys.submittedInOrder());
        keys.addAll(List.of(RedisKeys.resultsQueue(), RedisKeys.deadLetter()));
        for (String key : keys) {
            lists.sample(TaskQueue.messagesIn(redis, key), "queue", key);
        }
    }

    private Map<String, Map<String, Long>> typeCounts() throws Exception {
        return typeCounts.get(Boolean.TRUE);
    }

    private void coordinatorMetrics(PromText out) {
        CoordinatorReport report = CoordinatorReport.read(redis);
        out.family("colmena_coordinator_working", "gauge", "1 while a coordinator holds the lease and reports")
                .sample(report != null ? 1 : 0);
        if (report == null) {
            return;
        }
        out.family("colmena_coordinator_report_age_seconds", "gauge", "how old the working coordinator's last report is")
                .sample(Math.max(0, redis.clock().now() - report.atMs()) / 1000.0);
        out.family("colmena_coordinator_live_nodes", "gauge", "nodes the coordinator places on")
                .sample(report.liveNodes());
        out.family("colmena_coordinator_duplicate_runs_total", "counter",
                "results from a node that had lost its task, after it was done elsewhere (since the coordinator started)")
                .sample(report.duplicateRuns());
        out.family("colmena_coordinator_pending_rows_written_total", "counter",
                "placements written to TaskHistory as PENDING because their task had not ended a moment after it was "
                        + "placed (a task that ends sooner costs one row write; since the coordinator started)")
                .sample(report.placementsWritten());
        if (report.database() != null) {
            out.family("colmena_coordinator_database_writable", "gauge", "1 while the coordinator's writes to TaskHistory work")
                    .sample(report.database().writable() ? 1 : 0);
        }
        CoordinatorReport.SinceStart since = report.sinceStart();
        if (since != null) {
            histogram(out, since.waitedToPlaceNs(), "colmena_task_wait_to_place_seconds",
                    "from a task's submission to its placement on a node (since the coordinator started)");
            histogram(out, since.storeDelayNs(), "colmena_result_store_delay_seconds",
                    "from a task's finish on its node to its result's commit in TaskHistory (since the coordinator started)");
            histogram(out, since.placementNs(), "colmena_placement_decision_seconds",
                    "the time to choose a node for one task (since the coordinator started)");
        }
    }

    private static void histogram(PromText out, CoordinatorReport.Histogram h, String name, String help) {
        if (h == null || h.buckets() == null) {
            return;
        }
        out.family(name, "histogram", help).histogram(PromText.cumulative(h.buckets()), h.sumNs() / 1e9);
    }

    private void requestMetrics(PromText out) {
        PromText.Family count = out.family("colmena_api_requests_total", "counter",
                "requests this API has answered, by method, route and status code");
        var sorted = new TreeMap<RequestMetrics.Key, LongAdder>(
                Comparator.comparing((RequestMetrics.Key k) -> k.route()).thenComparing(RequestMetrics.Key::method)
                        .thenComparingInt(RequestMetrics.Key::status));
        sorted.putAll(requests.counts());
        for (Map.Entry<RequestMetrics.Key, LongAdder> e : sorted.entrySet()) {
            count.sample(e.getValue().sum(), "method", e.getKey().method(), "route", e.getKey().route(),
                    "code", Integer.toString(e.getKey().status()));
        }
        PromText.Family durations = out.family("colmena_api_request_duration_seconds", "histogram",
                "how long this API took to answer, by route");
        for (Map.Entry<String, LatencyHistogram> e : new TreeMap<>(requests.durations()).entrySet()) {
            LatencyHistogram.Snapshot s = e.getValue().snapshot();
            durations.histogram(PromText.cumulative(s.buckets()), s.sumNs() / 1e9, "route", e.getKey());
        }
    }
}
