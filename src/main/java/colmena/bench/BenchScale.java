package colmena.bench;

import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.support.LatencyHistogram;
import colmena.support.Launcher;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code colmena bench scale}: the coordinator and the API with many nodes. N simulated agents in
 * this process ({@link SimulatedNodes}) report every second and complete what is placed on them;
 * a real coordinator process and a real API process (with login on) run beside them. A steady
 * stream of small tasks is submitted while {@code GET /api/nodes} is asked at a steady rate, then
 * a burst; the coordinator's own timings come from its {@code coordinator:stats} key (two readings,
 * diffed), the API's from the requests. Every task must end DONE exactly once and every node stay
 * online throughout.
 */
final class BenchScale {
    static final List<Option> OPTIONS = List.of(
            Option.value("simulate", null, "1000", "N", "simulated nodes, in this process"),
            Option.value("rate", null, "200", "N", "sleep(ms=0) tasks submitted a second"),
            Option.value("seconds", null, "20", "N", "measured seconds, after a 5 s warm-up"),
            Option.value("burst", null, "10000", "N", "tasks submitted at once after the steady part (0: none)"),
            Option.value("api-rate", null, "10", "N", "GET /api/nodes requests a second, gzipped (as browsers ask) and again plain"));
    static final int WARMUP_SECONDS = 5;
    static final long INTERVAL_MS = 1_000;
    /** "Within a few milliseconds": a placement decision and a GET /api/nodes, at the 99th percentile. */
    static final double TARGET_P99_MS = 5;
    static final List<String> JVM = List.of("-XX:+UseSerialGC", "-Xmx512m");

    private BenchScale() {
    }

    static int run(Flags flags) throws Exception {
        int n = flags.integer("simulate", 1, 10_000);
        int rate = flags.integer("rate", 1, 20_000);
        int seconds = flags.integer("seconds", 1, 3_600);
        int burst = flags.integer("burst", 0, 1_000_000);
        int apiRate = flags.integer("api-rate", 1, 1_000);
        List<Process> processes = new ArrayList<>();
        try (Lab lab = Lab.start("scale")) {
            SimulatedNodes sims = new SimulatedNodes(lab.redisUrl(), n, INTERVAL_MS);
            try {
                sims.start();
                String password = UUID.randomUUID().toString();
                int port = Lab.freePort();
                // In start-all's order: the API first, so it serves the H2 file to the coordinator, as there.
                processes.add(Launcher.start(lab.log("api"), JVM, "api", "--redis", lab.redisUrl(), "--db", lab.dbUrl,
                        "--port", Integer.toString(port), "--admin-password", password));
                Api api = new Api("http://127.0.0.1:" + port, password);
                api.waitUntilUp(Duration.ofSeconds(60));
                processes.add(Launcher.start(lab.log("coordinator"), JVM, "coordinator", "--redis", lab.redisUrl(),
                        "--db", lab.dbUrl));
                waitUntilReady(lab, api, n);
                System.out.printf(Locale.ROOT, "Scale: %,d simulated nodes in this process (%d kept above 90 %% CPU), stats every %d s; "
                                + "a coordinator and an API process (login on)%n", n, sims.hotCount(), INTERVAL_MS / 1000);
                System.out.printf(Locale.ROOT, "Load: %d sleep(ms=0) tasks/s and %d + %d GET /api/nodes/s (gzipped, plain), %d s warm-up + %d s measured; "
                        + "then a burst of %,d tasks%n", rate, apiRate, apiRate, WARMUP_SECONDS, seconds, burst);
                return measure(lab, sims, api, n, rate, seconds, burst, apiRate);
            } finally {
                for (Process p : processes) {
                    Launcher.stop(p, 20);
                }
                sims.close();
            }
        }
    }

    private static int measure(Lab lab, SimulatedNodes sims, Api api, int n, int rate, int seconds, int burst,
                               int apiRate) throws Exception {
        TaskQueue queue = new TaskQueue(lab.redis);
        Submitter submitter = new Submitter(queue, rate);
        Thread submitting = new Thread(submitter, "bench-submit");
        submitting.setDaemon(true);
        submitting.start();
        Watch watch = new Watch(lab, api);
        CompletableFuture<OpenLoad.Figures> gzipLoad = CompletableFuture.supplyAsync(() -> OpenLoad.drive(api.client,
                "gzipped", api.request("/api/nodes", true), apiRate, WARMUP_SECONDS, seconds));
        CompletableFuture<OpenLoad.Figures> plainLoad = CompletableFuture.supplyAsync(() -> OpenLoad.drive(api.client,
                "plain", api.request("/api/nodes", false), apiRate, WARMUP_SECONDS, seconds));
        Thread.sleep(WARMUP_SECONDS * 1_000L);
        Reading start = Reading.next(lab, 0);
        long doneAtStart = count(lab, "Status = 'DONE'");
        long t0 = System.nanoTime();
        watch.start();
        List<OpenLoad.Figures> nodesApi = List.of(gzipLoad.join(), plainLoad.join());
        double measuredSeconds = (System.nanoTime() - t0) / 1e9;
        long doneAtEnd = count(lab, "Status = 'DONE'");
        watch.stop();
        Reading end = Reading.next(lab, start.atMs);
        submitter.stop();
        submitting.join();
        long steadyTotal = submitter.submitted.get();
        long tLast = System.nanoTime();
        boolean drained = waitForDone(lab, steadyTotal, Duration.ofSeconds(60));
        double drainSeconds = (System.nanoTime() - tLast) / 1e9;

        double burstSeconds = 0;
        Reading burstEnd = end;
        if (burst > 0 && drained) {
            Reading before = Reading.next(lab, end.atMs);
            long tb = System.nanoTime();
            for (int sent = 0; sent < burst; sent += 10_000) {
                queue.submitNew("sleep", Map.of("ms", 0), Math.min(10_000, burst - sent), null);
            }
            drained = waitForDone(lab, steadyTotal + burst, Duration.ofMinutes(5));
            burstSeconds = (System.nanoTime() - tb) / 1e9;
            burstEnd = Reading.next(lab, before.atMs).minus(before);
        }
        long total = steadyTotal + (burst > 0 ? burst : 0);
        long[] size = api.size("/api/nodes");
        long[] historySize = api.size("/api/nodes?history=true");
        Reading steady = end.minus(start);

        System.out.printf(Locale.ROOT, "%nPlacement decisions (the coordinator's own timing of Placement.choose, %,d live nodes):%n",
                end.liveNodes);
        System.out.printf(Locale.ROOT, "  per task:   %s%n", describe(steady.placement, "decisions", 3));
        System.out.printf(Locale.ROOT, "  per batch:  %s; %.1f tasks a batch%n", describe(steady.batch, "batches", 3),
                steady.batchTasks / (double) Math.max(1, steady.batch.count()));
        if (burst > 0) {
            System.out.printf(Locale.ROOT, "  burst of %,d: per task %s%n", burst, describe(burstEnd.placement, "decisions", 3));
            System.out.printf(Locale.ROOT, "              per batch %s; %.0f tasks a batch%n",
                    describe(burstEnd.batch, "batches", 2), burstEnd.batchTasks / (double) Math.max(1, burstEnd.batch.count()));
        }
        System.out.printf(Locale.ROOT, "Reading every node (NodeMonitor, every 250 ms): %s%n", describe(steady.nodesRead, "reads", 2));
        System.out.printf(Locale.ROOT, "GET /api/nodes as admin (Basic auth), %d requests a second of each:%n", apiRate);
        for (OpenLoad.Figures f : nodesApi) {
            System.out.printf(Locale.ROOT, "  %-8s %d requests, %d errors, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    f.name(), f.requests(), f.errors(), f.ms(0.5), f.ms(0.9), f.ms(0.99), f.ms(1.0));
        }
        System.out.printf(Locale.ROOT, "  answer: %s, gzipped %s; with ?history=true (5 minutes of samples a node, every 4th "
                        + "dashboard poll): %s, gzipped %s%n", bytes(size[0]), bytes(size[1]), bytes(historySize[0]),
                bytes(historySize[1]));
        long offlineLines = offlineLines(lab);
        System.out.printf(Locale.ROOT, "Online: the coordinator saw %,d to %,d live nodes, the API %,d to %,d online, of %,d; "
                        + "%d 'offline' lines in the coordinator log; longest gap between two beats of a node %d ms "
                        + "(the stats key lives %d ms); %,d beats, %d failed%n",
                watch.minLive.get(), watch.maxLive.get(), watch.minOnline.get(), watch.maxOnline.get(), n, offlineLines,
                sims.worstGap().toMillis(), colmena.broker.Nodes.statsTtlMs(INTERVAL_MS), sims.beats(), sims.beatFailures());
        double steadyRate = (doneAtEnd - doneAtStart) / measuredSeconds;
        System.out.printf(Locale.ROOT, "Tasks: %,.0f tasks/s stored DONE during the measured %.0f s (%d/s submitted); "
                + "the last of %,d DONE %.2f s after the last submission%n", steadyRate, measuredSeconds, rate, steadyTotal, drainSeconds);
        if (burst > 0) {
            System.out.printf(Locale.ROOT, "  burst: %,d tasks from submission to the last row stored in %.2f s: %,.0f tasks/s%n",
                    burst, burstSeconds, burst / Math.max(1e-9, burstSeconds));
        }
        boolean countsOk = check(lab, sims, total);
        boolean online = watch.minLive.get() == n && watch.minOnline.get() == n && offlineLines == 0;
        double apiP99 = nodesApi.stream().mapToDouble(f -> f.ms(0.99)).max().orElse(Double.NaN);
        boolean fast = steady.placement.percentileMs(0.99) <= TARGET_P99_MS
                && nodesApi.stream().allMatch(f -> f.met(TARGET_P99_MS));
        System.out.printf(Locale.ROOT, "Target: a placement decision and GET /api/nodes within %.0f ms at the 99th percentile "
                        + "with %,d nodes: %s (decision p99 %.3f ms, GET /api/nodes p99 %.2f ms)%n", TARGET_P99_MS, n,
                fast ? "met" : "NOT met", steady.placement.percentileMs(0.99), apiP99);
        if (!online) {
            System.out.println("Some nodes were seen offline: see above");
        }
        System.out.printf("Machine: %d CPUs, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("java.version"));
        return countsOk && online && fast && drained ? 0 : 1;
    }

    /** Waits until the API answers, the coordinator leads, and it has seen every node live. */
    private static void waitUntilReady(Lab lab, Api api, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            Reading r = Reading.now(lab);
            boolean apiUp;
            try {
                apiUp = api.get("/api/health").statusCode() == 200;
            } catch (java.io.IOException e) {
                apiUp = false;
            }
            if (apiUp && r != null && r.liveNodes == n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new java.io.IOException("the coordinator and the API were not ready with " + n
                        + " live nodes within 90 s (coordinator sees " + (r == null ? "nothing yet" : r.liveNodes)
                        + "); see " + lab.dir);
            }
            Thread.sleep(200);
        }
    }

    /** Submits {@code rate} tasks a second, a few every 10 ms, until stopped. */
    private static final class Submitter implements Runnable {
        final TaskQueue queue;
        final int rate;
        final AtomicLong submitted = new AtomicLong();
        volatile boolean running = true;

        Submitter(TaskQueue queue, int rate) {
            this.queue = queue;
            this.rate = rate;
        }

        @Override
        public void run() {
            long t0 = System.nanoTime();
            while (running) {
                long due = Math.round((System.nanoTime() - t0) / 1e9 * rate);
                int now = (int) (due - submitted.get());
                if (now > 0) {
                    queue.submitNew("sleep", Map.of("ms", 0), now, null);
                    submitted.addAndGet(now);
                }
                colmena.support.Threads.sleep(10);
            }
        }

        void stop() {
            running = false;
        }
    }

    /** Once a second during the measured window: the coordinator's live count and the API's online count. */
    private static final class Watch {
        final Lab lab;
        final Api api;
        final AtomicInteger minLive = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicInteger maxLive = new AtomicInteger();
        final AtomicInteger minOnline = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicInteger maxOnline = new AtomicInteger();
        volatile boolean running = true;
        Thread thread;

        Watch(Lab lab, Api api) {
            this.lab = lab;
            this.api = api;
        }

        void start() {
            thread = colmena.support.Threads.start("bench-watch", () -> {
                while (running) {
                    try {
                        Reading r = Reading.now(lab);
                        int live = r == null ? 0 : r.liveNodes;
                        minLive.accumulateAndGet(live, Math::min);
                        maxLive.accumulateAndGet(live, Math::max);
                        HttpResponse<String> s = api.get("/api/summary");
                        int online = s.statusCode() != 200 ? 0 : JsonParser.parseString(s.body()).getAsJsonObject()
                                .getAsJsonObject("nodes").get("online").getAsInt();
                        minOnline.accumulateAndGet(online, Math::min);
                        maxOnline.accumulateAndGet(online, Math::max);
                    } catch (Exception e) {
                        minOnline.set(0);
                    }
                    colmena.support.Threads.sleep(1_000);
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** The coordinator's histograms as written to {@code coordinator:stats}, or the difference of two readings. */
    private record Reading(long atMs, int liveNodes, LatencyHistogram.Snapshot placement, LatencyHistogram.Snapshot batch,
                           LatencyHistogram.Snapshot nodesRead, long batchTasks) {
        static Reading now(Lab lab) {
            String raw = lab.redis.call(j -> j.get(RedisKeys.COORDINATOR_STATS));
            if (raw == null) {
                return null;
            }
            JsonObject o = JsonParser.parseString(raw).getAsJsonObject();
            JsonObject since = o.getAsJsonObject("sinceStart");
            return new Reading(o.get("atMs").getAsLong(), o.get("liveNodes").getAsInt(), histogram(since, "placementNs"),
                    histogram(since, "batchNs"), histogram(since, "nodesReadNs"), since.get("batchTasks").getAsLong());
        }

        /** The first reading written after {@code afterMs} (the coordinator writes one a second). */
        static Reading next(Lab lab, long afterMs) throws InterruptedException {
            long after = Math.max(afterMs, System.currentTimeMillis());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                Reading r = now(lab);
                if (r != null && r.atMs > after) {
                    return r;
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("the coordinator wrote no " + RedisKeys.COORDINATOR_STATS + " for 10 s");
        }

        private static LatencyHistogram.Snapshot histogram(JsonObject since, String name) {
            JsonObject h = since.getAsJsonObject(name);
            List<long[]> buckets = new ArrayList<>();
            for (JsonElement b : h.getAsJsonArray("buckets")) {
                JsonArray pair = b.getAsJsonArray();
                buckets.add(new long[]{pair.get(0).getAsLong(), pair.get(1).getAsLong()});
            }
            return LatencyHistogram.Snapshot.of(buckets, h.get("sumNs").getAsLong());
        }

        Reading minus(Reading earlier) {
            return new Reading(atMs, liveNodes, placement.minus(earlier.placement), batch.minus(earlier.batch),
                    nodesRead.minus(earlier.nodesRead), batchTasks - earlier.batchTasks);
        }
    }

    /** The API as a logged-in admin would use it: HTTP/1.1, Basic credentials on every request. */
    private static final class Api {
        final String base;
        final String authorization;
        // No executor of ours: with one, every completion goes through another thread pool.
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        Api(String base, String password) {
            this.base = base;
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        }

        HttpRequest request(String path) {
            return request(path, false);
        }

        HttpRequest request(String path, boolean gzip) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", authorization);
            return (gzip ? b.header("Accept-Encoding", "gzip") : b).build();
        }

        void waitUntilUp(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                try {
                    if (get("/api/health").statusCode() == 200) {
                        return;
                    }
                } catch (java.io.IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new java.io.IOException("the API did not answer within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(200);
            }
        }

        HttpResponse<String> get(String path) throws Exception {
            return client.send(request(path), HttpResponse.BodyHandlers.ofString());
        }

        /** The bytes of one answer, plain and gzipped: as the API sends it when asked, or as it would gzip. */
        long[] size(String path) throws Exception {
            byte[] plain = client.send(request(path), HttpResponse.BodyHandlers.ofByteArray()).body();
            HttpResponse<byte[]> gz = client.send(request(path, true), HttpResponse.BodyHandlers.ofByteArray());
            boolean compressed = gz.headers().firstValue("Content-Encoding").orElse("").equals("gzip");
            return new long[]{plain.length, compressed ? gz.body().length : gzipped(plain)};
        }

        private static long gzipped(byte[] bytes) throws java.io.IOException {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
                z.write(bytes);
            }
            return out.size();
        }
    }

    private static boolean waitForDone(Lab lab, long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(lab, "Status IN ('DONE', 'FAILED')") < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static long count(Lab lab, String where) throws Exception {
        try (Connection c = lab.db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM TaskHistory" + (where.isEmpty() ? "" : " WHERE " + where))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every task DONE exactly once: one row each, all DONE, each finished once on a node, nothing left in a list. */
    private static boolean check(Lab lab, SimulatedNodes sims, long total) throws Exception {
        long rows = count(lab, "");
        long distinct;
        try (Connection c = lab.db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT TaskId) FROM TaskHistory")) {
            rs.next();
            distinct = rs.getLong(1);
        }
        long done = count(lab, "Status = 'DONE'");
        long failed = count(lab, "Status = 'FAILED'");
        long finishedOnNodes = sims.doneCounters();
        List<String> lists = new ArrayList<>(List.of(RedisKeys.SUBMITTED, TaskQueue.PLACING, RedisKeys.RESULTS_QUEUE,
                TaskQueue.STORING, RedisKeys.DEAD_LETTER));
        for (String id : sims.ids()) {
            lists.add(RedisKeys.nodeTasks(id));
            lists.add(RedisKeys.nodeInflight(id));
        }
        long left = lab.redis.call(j -> {
            var p = j.pipelined();
            List<redis.clients.jedis.Response<Long>> lengths = lists.stream().map(p::llen).toList();
            p.sync();
            return lengths.stream().mapToLong(redis.clients.jedis.Response::get).sum();
        });
        boolean ok = rows == total && distinct == total && done == total && failed == 0 && finishedOnNodes == total && left == 0;
        System.out.printf(Locale.ROOT, "Check: submitted %,d, rows %,d (distinct task ids %,d), DONE %,d, FAILED %,d, "
                        + "finished on the nodes %,d, left in Redis lists %,d: %s%n", total, rows, distinct, done, failed,
                finishedOnNodes, left, ok ? "OK, every task DONE exactly once" : "NOT OK");
        return ok;
    }

    private static long offlineLines(Lab lab) throws java.io.IOException {
        try (var lines = Files.lines(lab.log("coordinator"))) {
            return lines.filter(l -> l.contains(" offline")).count();
        }
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MB", n / 1048576.0)
                : String.format(Locale.ROOT, "%.0f KB", n / 1024.0);
    }

    /** How a histogram of a window reads in one line. */
    private static String describe(LatencyHistogram.Snapshot s, String what, int decimals) {
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, "%,d %s, p50 " + f + " ms, p99 " + f + " ms, max " + f + " ms", s.count(), what,
                s.percentileMs(0.5), s.percentileMs(0.99), s.maxMs());
    }
}
