package colmena.bench;

import colmena.api.ApiServer;
import colmena.broker.Nodes;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.metrics.NodeStats;
import colmena.task.TaskIds;
import colmena.threads.Threads;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code colmena bench api}: the latency of {@code GET /api/nodes} and {@code GET /api/tasks?limit=50}
 * under a steady {@link OpenLoad open-loop load}, optionally while TaskHistory is written as a
 * coordinator under a burst of submissions writes it ({@code --write-rate}).
 * Exit code 0 when both endpoints answer every request with 200 and their p99 is within the target.
 */
final class BenchApi {
    static final List<Option> OPTIONS = List.of(
            Option.value("nodes", null, "50", "N", "nodes with a heartbeat in Redis; a tenth of them offline"),
            Option.value("rows", null, "1000000", "N", "rows written to TaskHistory before the run"),
            Option.value("rate", null, "200", "N", "requests per second to each endpoint"),
            Option.value("seconds", null, "20", "N", "measured seconds, after a 5 s warm-up at the same rate"),
            Option.value("max-age", null, "250ms", "DURATION", "how old the shared node list and newest page of tasks may be, "
                    + "as colmena api's --nodes-max-age (whose default this is); 0 reads them for every request"),
            Option.flag("filtered", null, "also a page filtered by status, one by node and type, and GET /api/summary, "
                    + "each at the same rate"),
            Option.value("write-rate", null, "0", "N", "tasks a second written to TaskHistory meanwhile (PENDING, "
                    + "then DONE), as a coordinator under a burst writes them; 0 for none"),
            Option.value("history", null, null, "DIR", "keep TaskHistory's database in DIR and use it again in later runs "
                    + "(written with --rows rows when DIR holds none; then --rows must say how many it holds)"),
            Option.flag("api-process", null, "run the API as a process of its own, as start-all does, with start-all's "
                    + "Java options (COLMENA_JAVA_OPTS, else " + StartAllJvm.API + "), serving the H2 file; "
                    + "else it runs in this process beside the load generator"),
            Option.flag("jdk-client", null, "send the load with the JDK's HttpClient, a thread per endpoint, as this "
                    + "benchmark did before (it costs about as much CPU as the API it measures); else from one thread "
                    + "over plain kept-alive connections"));
    static final double TARGET_P99_MS = 20;
    static final int WARMUP_SECONDS = 5;
    static final int BATCH_ROWS = 5_000;
    static final long BEAT_INTERVAL_MS = 1_000;
    static final String[] TYPES = {"operation-intensive", "primes", "montecarlo-pi", "matrix-multiply", "sha256-chain", "sleep"};
    static final String[] PARAMS = {"{\"number\":5000}", "{\"n\":100000}", "{\"samples\":1000000,\"seed\":42}",
            "{\"n\":200,\"seed\":1}", "{\"rounds\":100000,\"seed\":0}", "{\"ms\":100}"};

    private BenchApi() {
    }

    static int run(Flags flags) throws Exception {
        int nodeCount = flags.integer("nodes", 1, 999);
        int rows = flags.integer("rows", 0, 100_000_000);
        int rate = flags.integer("rate", 1, 10_000);
        int seconds = flags.integer("seconds", 1, 3_600);
        int writeRate = flags.integer("write-rate", 0, 1_000_000);
        boolean filtered = flags.bool("filtered");
        java.time.Duration maxAge = flags.duration("max-age", java.time.Duration.ZERO, java.time.Duration.ofSeconds(10));

        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(Threads.named("bench-beat", true));
        ExecutorService load = Executors.newFixedThreadPool(5, Threads.named("bench-load", true));
        ApiServer api = null;
        ApiProcess apiProcess = null;
        Process writer = null;
        java.nio.file.Path historyDir = flags.string("history") == null ? null : java.nio.file.Path.of(flags.string("history"));
        boolean reuse = historyDir != null && java.nio.file.Files.exists(historyDir.resolve("colmena.mv.db"));
        Lab lab = Lab.start("api", historyDir);
        try {
            Nodes nodes = new Nodes(lab.redis);
            List<String> online = writeNodes(nodes, nodeCount);
            beats.scheduleAtFixedRate(() -> online.forEach(id -> nodes.beat(stats(id))),
                    BEAT_INTERVAL_MS, BEAT_INTERVAL_MS, TimeUnit.MILLISECONDS);
            if (reuse) {
                System.out.println("TaskHistory: the rows already in " + historyDir + " (--history)");
            } else {
                fillHistory(lab, rows, nodeCount);
            }
            // The fill can leave gigabytes of garbage in the old generation, which slows young
            // collections; an API process that never wrote those rows would not carry it.
            System.gc();

            if (writeRate > 0) {
                // The writer in a process of its own that serves the H2 file, as the coordinator does
                // beside the API; this process has closed its connections, so the API reads over TCP.
                writer = Launcher.start(lab.log("writer"), StartAllJvm.coordinator(), "bench", "history-writer",
                        "--db", lab.dbUrl, "--rate", Integer.toString(writeRate));
                awaitLine(lab.log("writer"), HistoryWriter.STARTED, writer);
            }
            String base;
            if (flags.bool("api-process")) {
                apiProcess = ApiProcess.start(lab, maxAge);
                base = apiProcess.base();
            } else {
                api = new ApiServer(ApiServer.Config.local(lab.redisUrl(), 0).withNodesMaxAge(maxAge), lab.redis, lab.db);
                api.start();
                base = "http://127.0.0.1:" + api.port();
            }
            // No executor of ours: with one, every completion goes through another thread pool. The
            // completions the JDK hands to CompletableFuture's default executor run on the common
            // pool, which Main sizes for the benchmarks (else a thread per request on 2 CPUs).
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            check(client, base, nodeCount, rows, writer != null);
            if (filtered) {
                firstAnswers(client, base, List.of("/api/tasks?status=FAILED&limit=50",
                        "/api/tasks?node=" + nodeId(1) + "&type=primes&limit=50", "/api/summary"));
            }

            System.out.printf(Locale.ROOT, "Load: %d requests/s to each endpoint, %d s warm-up + %d s measured%n",
                    rate, WARMUP_SECONDS, seconds);
            List<String> paths = filtered
                    ? List.of("/api/nodes", "/api/tasks?limit=50", "/api/tasks?status=FAILED&limit=50",
                            "/api/tasks?node=" + nodeId(1) + "&type=primes&limit=50", "/api/summary")
                    : List.of("/api/nodes", "/api/tasks?limit=50");
            Usage before = Usage.now();
            long apiCpuBefore = apiProcess == null ? 0 : apiProcess.cpuNanos();
            List<OpenLoad.Figures> all;
            if (flags.bool("jdk-client")) {
                List<CompletableFuture<OpenLoad.Figures>> runs = new ArrayList<>();
                for (String path : paths) {
                    runs.add(CompletableFuture.supplyAsync(() -> drive(client, "GET " + path, URI.create(base + path), rate, seconds), load));
                }
                all = runs.stream().map(CompletableFuture::join).toList();
            } else {
                URI server = URI.create(base);
                all = HttpLoad.drive(new java.net.InetSocketAddress(server.getHost(), server.getPort()),
                        paths.stream().map(p -> new HttpLoad.Target("GET " + p, p)).toList(), rate, WARMUP_SECONDS, seconds);
            }
            if (apiProcess != null) {
                double busy = (apiProcess.cpuNanos() - apiCpuBefore) / (double) (System.nanoTime() - before.wallNs())
                        / Runtime.getRuntime().availableProcessors();
                System.out.printf(Locale.ROOT, "The API process (%s) used %.0f%% of the CPUs during the load%n",
                        String.join(" ", apiProcess.options()), 100 * busy);
            }
            if (writer != null) {
                long written = stopWriter(writer, lab.log("writer"));
                System.out.printf(Locale.ROOT, "Concurrent writer, in a process of its own serving the H2 file: %,d tasks "
                        + "stored DONE (asked %,d/s; two transactions a batch, PENDING then DONE, every 100 ms)%n", written, writeRate);
            }
            String generator = flags.bool("jdk-client") ? "the load generator, the JDK's HttpClient"
                    : "the load generator, one thread over kept-alive connections";
            print(all, nodeCount, online.size(), rows, maxAge, before, Usage.now(),
                    apiProcess == null ? "the API and " + generator : generator);
            return all.stream().allMatch(f -> f.met(TARGET_P99_MS)) ? 0 : 1;
        } finally {
            beats.shutdownNow();
            load.shutdownNow();
            if (writer != null && writer.isAlive()) {
                Launcher.kill(writer);
            }
            try {
                if (api != null) {
                    api.stop();
                }
                if (apiProcess != null) {
                    apiProcess.close();
                }
            } finally {
                lab.close();
            }
        }
    }

    /** Waits up to a minute for {@code line} in a child's log; fails with the log's end if it exits or never says it. */
    private static void awaitLine(java.nio.file.Path log, String line, Process p) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            String text = java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log) : "";
            if (text.contains(line)) {
                return;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the writer process exited (" + p.exitValue() + "): " + text);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the writer process did not start writing within a minute; see " + log);
    }

    /** Stops the writer process (SIGTERM) and reads how many tasks it stored from its last line. */
    private static long stopWriter(Process writer, java.nio.file.Path log) throws Exception {
        writer.destroy();
        if (!writer.waitFor(30, TimeUnit.SECONDS)) {
            Launcher.kill(writer);
            throw new IllegalStateException("the writer process did not stop within 30 s; see " + log);
        }
        String text = java.nio.file.Files.readString(log);
        int at = text.lastIndexOf(HistoryWriter.WROTE);
        if (at < 0) {
            throw new IllegalStateException("the writer process said nothing of what it wrote: " + text);
        }
        String rest = text.substring(at + HistoryWriter.WROTE.length()).strip();
        if (rest.contains("failed")) {
            throw new IllegalStateException("the concurrent writer failed: " + rest);
        }
        return Long.parseLong(rest.split("\\s")[0]);
    }

    /** This process's CPU time and the machine's load average at one moment. */
    private record Usage(long cpuNs, long wallNs, double loadAverage) {
        static Usage now() {
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Usage(os.getProcessCpuTime(), System.nanoTime(), os.getSystemLoadAverage());
        }
    }

    /** Heartbeats for nodo001.. ; every tenth node then leaves, so it shows offline. Returns the online ones. */
    private static List<String> writeNodes(Nodes nodes, int count) {
        List<String> online = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String id = nodeId(i);
            nodes.beat(stats(id));
            if (i % 10 == 0) {
                nodes.leave(id);
            } else {
                online.add(id);
            }
        }
        System.out.printf(Locale.ROOT, "Nodes: %d (%d online, %d offline)%n", count, online.size(), count - online.size());
        return online;
    }

    private static String nodeId(int n) {
        return String.format(Locale.ROOT, "nodo%03d", n);
    }

    private static NodeStats stats(String id) {
        Random r = new Random(id.hashCode() ^ System.currentTimeMillis() / BEAT_INTERVAL_MS);
        long gib = 1L << 30;
        return new NodeStats(id, id + ".lab.local", "Linux 6.1", 8, 15 + r.nextInt(60) + r.nextDouble(),
                (4 + r.nextInt(10)) * gib, 16 * gib, (100 + r.nextInt(200)) * gib, 500 * gib,
                r.nextInt(5_000_000), r.nextInt(2_000_000), 86_400 + r.nextInt(1_000_000), 4, BEAT_INTERVAL_MS,
                System.currentTimeMillis());
    }

    /** Writes {@code rows} finished tasks, oldest first, over the last 30 days, in committed batches. */
    private static void fillHistory(Lab lab, int rows, int nodeCount) throws Exception {
        String[] nodeIds = new String[nodeCount];
        Arrays.setAll(nodeIds, i -> nodeId(i + 1));
        String sql = lab.sql.insertFinishedTask();
        Random r = new Random(7);
        long nowMs = System.currentTimeMillis();
        long spanMs = Duration.ofDays(30).toMillis();
        long started = System.nanoTime();
        try (Connection c = lab.db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                int type = r.nextInt(TYPES.length);
                boolean failed = r.nextInt(50) == 0;
                long submittedMs = nowMs - spanMs + spanMs * i / Math.max(1, rows);
                long startedMs = submittedMs + r.nextInt(200);
                long durationMs = 5 + r.nextInt(3_000);
                ps.setString(1, TaskIds.next());
                ps.setString(2, nodeIds[r.nextInt(nodeCount)]);
                ps.setString(3, TYPES[type]);
                ps.setString(4, PARAMS[type]);
                ps.setString(5, failed ? "FAILED" : "DONE");
                ps.setString(6, failed ? null : Integer.toString(r.nextInt(100_000)));
                ps.setString(7, failed ? "java.lang.OutOfMemoryError: Java heap space" : null);
                colmena.store.DbTime.set(ps, 8, submittedMs);
                colmena.store.DbTime.set(ps, 9, startedMs);
                colmena.store.DbTime.set(ps, 10, startedMs + durationMs);
                ps.setLong(11, durationMs);
                colmena.store.DbTime.set(ps, 12, startedMs + durationMs);
                ps.addBatch();
                if ((i + 1) % BATCH_ROWS == 0 || i + 1 == rows) {
                    ps.executeBatch();
                    c.commit();
                }
                if ((i + 1) % 100_000 == 0) {
                    System.out.printf(Locale.ROOT, "  TaskHistory: %,d rows (%.1f s)%n", i + 1, (System.nanoTime() - started) / 1e9);
                }
            }
        }
        double s = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "TaskHistory: %,d rows in %.1f s (%,.0f rows/s)%n", rows, s, rows / Math.max(s, 1e-9));
        // Rows written past the product's writes are counted as `colmena admin recount` counts them.
        long countStarted = System.nanoTime();
        try (Connection c = lab.db.connect()) {
            colmena.store.HistoryCounts.recount(c, lab.db.dialect(), System.currentTimeMillis());
        }
        System.out.printf(Locale.ROOT, "TaskCounts: counted in %.1f s%n", (System.nanoTime() - countStarted) / 1e9);
    }

    /** One request to each endpoint before the load, so a wrong setup fails loudly instead of fast. */
    /** Checks what the API shows before the run: every node, and the rows written (more, with the writer at work). */
    private static void check(HttpClient client, String base, int nodeCount, int rows, boolean writing) throws Exception {
        int shownNodes = get(client, base + "/api/nodes").getAsJsonArray("nodes").size();
        JsonObject t = withTotal(client, base + "/api/tasks?limit=50");
        long total = t.get("total").getAsLong();
        if (shownNodes != nodeCount || t.getAsJsonArray("tasks").size() != Math.min(50, total)
                || (writing ? total < rows : total != rows)) {
            throw new IllegalStateException("setup not as expected: " + shownNodes + " nodes, tasks " + t.get("total"));
        }
    }

    /**
     * Asks each path once before the load and says how long its first answer took: a filter's first
     * page waits for its first count over the whole history, which the answers after it do not.
     */
    private static void firstAnswers(HttpClient client, String base, List<String> paths) throws Exception {
        for (String path : paths) {
            long start = System.nanoTime();
            JsonObject first = get(client, base + path);
            double firstMs = (System.nanoTime() - start) / 1e6;
            if (first.has("total") && first.get("total").isJsonNull()) {
                withTotal(client, base + path);
                System.out.printf(Locale.ROOT, "  first answer to GET %s: %,.0f ms, without its total; the total counted "
                        + "after %,.0f ms%n", path, firstMs, (System.nanoTime() - start) / 1e6);
            } else {
                System.out.printf(Locale.ROOT, "  first answer to GET %s: %,.0f ms (its counts over the whole history)%n",
                        path, firstMs);
            }
        }
    }

    /** The page at {@code uri} once it has its total: a filter's first count goes on after its first page. */
    private static JsonObject withTotal(HttpClient client, String uri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        JsonObject page = get(client, uri);
        while (page.get("total").isJsonNull()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(uri + " had no total after 5 minutes");
            }
            Thread.sleep(100);
            page = get(client, uri);
        }
        return page;
    }

    private static JsonObject get(HttpClient client, String uri) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static OpenLoad.Figures drive(HttpClient client, String name, URI uri, int rate, int seconds) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
        return OpenLoad.drive(client, name, request, rate, WARMUP_SECONDS, seconds);
    }

    private static void print(List<OpenLoad.Figures> all, int nodeCount, int onlineCount, int rows, java.time.Duration maxAge,
                              Usage before, Usage after, String thisProcess) {
        int cpus = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "%nMachine: %d CPUs, %s %s, Java %s, max heap %d MiB%n", cpus,
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "Setup: %d nodes (%d online), %,d TaskHistory rows, H2 file database, bundled Redis; "
                + "node list and newest page shared for %s%n", nodeCount, onlineCount, rows,
                maxAge.isZero() ? "no time (read for each request)" : "at most " + colmena.log.Durations.format(maxAge));
        double busy = (after.cpuNs() - before.cpuNs()) / (double) (after.wallNs() - before.wallNs()) / cpus;
        System.out.printf(Locale.ROOT, "During the load (warm-up included): this process (%s) used "
                + "%.0f%% of the CPUs; load average %.1f → %.1f%n%n", thisProcess, 100 * busy, before.loadAverage(), after.loadAverage());
        System.out.printf(Locale.ROOT, "%-50s %8s %6s %8s %8s %8s %8s %8s %8s  %s%n", "endpoint", "requests", "errors",
                "sent/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "p99 ≤ " + (int) TARGET_P99_MS + " ms");
        for (OpenLoad.Figures f : all) {
            System.out.printf(Locale.ROOT, "%-50s %8d %6d %8.1f %8.2f %8.2f %8.2f %8.2f %8.2f  %s%n", f.name(),
                    f.requests(), f.errors(), f.sentPerSecond(), f.ms(0.50), f.ms(0.90), f.ms(0.99), f.ms(0.999),
                    f.ms(1.0), f.met(TARGET_P99_MS) ? "yes" : "NO");
        }
        for (OpenLoad.Figures f : all) {
            if (f.firstError() != null) {
                System.out.printf(Locale.ROOT, "  %s: first error: %s%n", f.name(), f.firstError());
            }
        }
    }
}
