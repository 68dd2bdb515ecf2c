package colmena.bench;

import colmena.broker.Nodes;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.metrics.LatencyHistogram;
import colmena.bench.BenchSql.Rows;
import colmena.threads.Threads;
import com.google.gson.JsonParser;
import redis.clients.jedis.Response;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code colmena bench scale}: the coordinator and the API with many nodes. N simulated agents in
 * one process of their own ({@code bench simulate}, {@link SimulatedNodes}) report every second and
 * complete what is placed on them; a real coordinator process and a real API process (login on)
 * run beside them, started in start-all's order. A steady stream of small tasks is submitted while
 * {@code GET /api/nodes} is asked at a steady rate (and {@code /api/health} beside it, for the
 * machine's floor), then a burst; the coordinator's own timings come from its
 * {@code coordinator:stats} key (two readings, diffed), the API's from the requests. Every task
 * must end DONE exactly once and every node stay online throughout.
 */
final class BenchScale {
    /** Long enough for the JIT compilers of all three processes to settle (they take most of the CPU for 20 s or so). */
    static final int WARMUP_SECONDS = 15;
    static final List<Option> OPTIONS = List.of(
            Option.value("simulate", null, "1000", "N", "simulated nodes, all in one process of their own (bench simulate)"),
            Option.value("rate", null, "200", "N", "sleep(ms=0) tasks submitted a second"),
            Option.value("seconds", null, "20", "N", "measured seconds, after a " + WARMUP_SECONDS + " s warm-up"),
            Option.value("burst", null, "10000", "N", "tasks submitted at once after the steady part (0: none)"),
            Option.value("api-rate", null, "10", "N", "GET /api/nodes requests a second, gzipped (as browsers ask), and as many plain, and as many GET /api/health"));
    static final long INTERVAL_MS = 1_000;
    /** "Within a few milliseconds": a placement decision and a GET /api/nodes, at the 99th percentile. */
    static final double TARGET_P99_MS = 5;
    static final List<String> JVM = List.of("-XX:+UseSerialGC", "-Xmx512m");
    static final List<String> SIM_JVM = List.of("-XX:+UseSerialGC", "-Xmx256m");

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
            try {
                // The simulated nodes in a process of their own, so their work and pauses stay out of the measuring.
                Process sims = Launcher.start(lab.log("simulated"), SIM_JVM, "bench", "simulate", "--nodes",
                        Integer.toString(n), "--redis", lab.redisUrl(), "--interval", INTERVAL_MS + "ms");
                processes.add(sims);
                waitForNodes(lab, n);
                String password = UUID.randomUUID().toString();
                int port = Lab.freePort();
                // In start-all's order: the API first, so it serves the H2 file to the coordinator, as there.
                processes.add(Launcher.start(lab.log("api"), JVM, "api", "--redis", lab.redisUrl(), "--db", lab.dbUrl,
                        "--port", Integer.toString(port), "--admin-password", password));
                ApiUser api = new ApiUser("http://127.0.0.1:" + port, password);
                api.waitUntilUp(Duration.ofSeconds(60));
                processes.add(Launcher.start(lab.log("coordinator"), JVM, "coordinator", "--redis", lab.redisUrl(),
                        "--db", lab.dbUrl));
                waitUntilReady(lab, api, n);
                System.out.printf(Locale.ROOT, "Scale: %,d simulated nodes in one process (%d kept above 90 %% CPU), stats every %d s; "
                        + "a coordinator and an API process (login on)%n", n, SimulatedNodes.hotCount(n), INTERVAL_MS / 1000);
                System.out.printf(Locale.ROOT, "Load: %d sleep(ms=0) tasks/s; %d + %d GET /api/nodes/s (gzipped, plain); %d s warm-up"
                        + " + %d s measured; then a burst of %,d tasks%n", rate, apiRate, apiRate, WARMUP_SECONDS, seconds, burst);
                return measure(lab, sims, api, n, rate, seconds, burst, apiRate);
            } finally {
                for (Process p : processes) {
                    Launcher.stop(p, 20);
                }
            }
        }
    }

    /** Waits until every simulated node has reported once. */
    private static void waitForNodes(Lab lab, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (lab.redis.call(j -> j.scard(RedisKeys.nodes())) < n) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the " + n + " simulated nodes did not all report within 60 s; see " + lab.log("simulated"));
            }
            Thread.sleep(100);
        }
    }

    private static int measure(Lab lab, Process sims, ApiUser api, int n, int rate, int seconds, int burst,
                               int apiRate) throws Exception {
        TaskQueue queue = new TaskQueue(lab.redis);
        Submitter submitter = new Submitter(queue, rate);
        Thread submitting = new Thread(submitter, "bench-submit");
        submitting.setDaemon(true);
        submitting.start();
        Watch watch = new Watch(lab, api);
        ExecutorService drivers = Executors.newFixedThreadPool(3,
                Threads.named("bench-load", true));
        CompletableFuture<OpenLoad.Figures> gzipLoad = CompletableFuture.supplyAsync(() -> OpenLoad.driveBlocking(
                "gzipped", api.uri("/api/nodes"), api.headers(true), apiRate, WARMUP_SECONDS, seconds), drivers);
        CompletableFuture<OpenLoad.Figures> plainLoad = CompletableFuture.supplyAsync(() -> OpenLoad.driveBlocking(
                "plain", api.uri("/api/nodes"), api.headers(false), apiRate, WARMUP_SECONDS, seconds), drivers);
        CompletableFuture<OpenLoad.Figures> floorLoad = CompletableFuture.supplyAsync(() -> OpenLoad.driveBlocking(
                "health", api.uri("/api/health"), api.headers(false), apiRate, WARMUP_SECONDS, seconds), drivers);
        Thread.sleep(WARMUP_SECONDS * 1_000L);
        CoordinatorReading start = CoordinatorReading.next(lab, 0);
        long doneAtStart = lab.rows(Rows.DONE);
        long t0 = System.nanoTime();
        watch.start();
        List<OpenLoad.Figures> nodesApi = List.of(gzipLoad.join(), plainLoad.join());
        OpenLoad.Figures floor = floorLoad.join();
        drivers.shutdown();
        double measuredSeconds = (System.nanoTime() - t0) / 1e9;
        long doneAtEnd = lab.rows(Rows.DONE);
        watch.stop();
        CoordinatorReading end = CoordinatorReading.next(lab, start.atMs());
        submitter.stop();
        submitting.join();
        long steadyTotal = submitter.submitted.get();
        long tLast = System.nanoTime();
        boolean drained = waitForDone(lab, steadyTotal, Duration.ofSeconds(60));
        double drainSeconds = (System.nanoTime() - tLast) / 1e9;

        double burstSeconds = 0;
        CoordinatorReading burstEnd = end;
        if (burst > 0 && drained) {
            CoordinatorReading before = CoordinatorReading.next(lab, end.atMs());
            long tb = System.nanoTime();
            for (int sent = 0; sent < burst; sent += 10_000) {
                queue.submitNew("sleep", Map.of("ms", 0), Math.min(10_000, burst - sent), null);
            }
            drained = waitForDone(lab, steadyTotal + burst, Duration.ofMinutes(5));
            burstSeconds = (System.nanoTime() - tb) / 1e9;
            burstEnd = CoordinatorReading.next(lab, before.atMs()).minus(before);
        }
        long total = steadyTotal + (burst > 0 ? burst : 0);
        long[] size = api.size("/api/nodes");
        long[] historySize = api.size("/api/nodes?history=true");
        CoordinatorReading steady = end.minus(start);
        String checked = check(lab, n, total);
        boolean countsOk = checked.endsWith(CHECK_OK);

        System.out.printf(Locale.ROOT, "%nPlacement decisions (the coordinator's own timing of Placement.choose, %,d live nodes):%n",
                end.liveNodes());
        System.out.printf(Locale.ROOT, "  per task:   %s%n", describe(steady.placement(), "decisions", 3));
        System.out.printf(Locale.ROOT, "  per batch:  %s; %.1f tasks a batch%n", describe(steady.batch(), "batches", 3),
                steady.batchTasks() / (double) Math.max(1, steady.batch().count()));
        if (burst > 0) {
            System.out.printf(Locale.ROOT, "  burst of %,d: per task %s%n", burst, describe(burstEnd.placement(), "decisions", 3));
            System.out.printf(Locale.ROOT, "              per batch %s; %.0f tasks a batch%n",
                    describe(burstEnd.batch(), "batches", 2), burstEnd.batchTasks() / (double) Math.max(1, burstEnd.batch().count()));
        }
        System.out.printf(Locale.ROOT, "Reading every node (NodeMonitor, every 250 ms): %s%n", describe(steady.nodesRead(), "reads", 2));
        System.out.printf(Locale.ROOT, "GET /api/nodes as admin (Basic auth), %d requests a second of each, "
                + "and GET /api/health beside them (the machine's floor for any answer):%n", apiRate);
        for (OpenLoad.Figures f : List.of(nodesApi.get(0), nodesApi.get(1), floor)) {
            System.out.printf(Locale.ROOT, "  %-8s %d requests, %d errors, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    f.name(), f.requests(), f.errors(), f.ms(0.5), f.ms(0.9), f.ms(0.99), f.ms(1.0));
        }
        System.out.printf(Locale.ROOT, "  answer: %s, gzipped %s; with ?history=true (the dashboard's every 4th poll; "
                        + "up to 5 minutes of samples a node, %d so far): %s, gzipped %s, %.0f ms%n", bytes(size[0]),
                bytes(size[1]), historySize[3], bytes(historySize[0]), bytes(historySize[1]), historySize[2] / 1e6);
        long offlineLines = offlineLines(lab);
        Launcher.stop(sims, 20);
        Map<String, String> simulated = simulatorFigures(lab);
        System.out.printf(Locale.ROOT, "Online: the coordinator saw %,d to %,d live nodes, the API %,d to %,d online, of %,d; "
                        + "%d 'offline' lines in the coordinator log; longest gap between two beats of a node %s ms "
                        + "(the stats key lives %d ms); %s beats, %s failed%n",
                watch.minLive.get(), watch.maxLive.get(), watch.minOnline.get(), watch.maxOnline.get(), n, offlineLines,
                simulated.getOrDefault("worstGapMs", "?"), Nodes.statsTtlMs(INTERVAL_MS),
                simulated.getOrDefault("beats", "?"), simulated.getOrDefault("failed", "?"));
        double steadyRate = (doneAtEnd - doneAtStart) / measuredSeconds;
        System.out.printf(Locale.ROOT, "Tasks: %,.0f tasks/s stored DONE during the measured %.0f s (%d/s submitted); "
                + "the last of %,d DONE %.2f s after the last submission%n", steadyRate, measuredSeconds, rate, steadyTotal, drainSeconds);
        if (burst > 0) {
            System.out.printf(Locale.ROOT, "  burst: %,d tasks from submission to the last row stored in %.2f s: %,.0f tasks/s%n",
                    burst, burstSeconds, burst / Math.max(1e-9, burstSeconds));
        }

        System.out.println(checked);
        boolean online = watch.minLive.get() == n && watch.minOnline.get() == n && offlineLines == 0;
        double decisionP99 = steady.placement().percentileMs(0.99);
        double apiP99 = nodesApi.stream().mapToDouble(f -> f.ms(0.99)).max().orElse(Double.NaN);
        boolean decisionFast = steady.placement().count() > 0 && decisionP99 <= TARGET_P99_MS;
        boolean apiFast = nodesApi.stream().allMatch(f -> f.met(TARGET_P99_MS));
        System.out.printf(Locale.ROOT, "Targets, at the 99th percentile with %,d nodes: a placement decision within %.0f ms: %s "
                        + "(%.3f ms); GET /api/nodes within %.0f ms: %s (%.2f ms; GET /api/health beside it %.2f ms)%n", n,
                TARGET_P99_MS, decisionFast ? "met" : "NOT met", decisionP99, TARGET_P99_MS, apiFast ? "met" : "NOT met",
                apiP99, floor.ms(0.99));
        boolean fast = decisionFast && apiFast;
        if (!online) {
            System.out.println("Some nodes were seen offline: see above");
        }
        System.out.printf("Machine: %d CPUs, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("java.version"));
        return countsOk && online && fast && drained ? 0 : 1;
    }

    /** Waits until the API answers, the coordinator leads, and it has seen every node live. */
    private static void waitUntilReady(Lab lab, ApiUser api, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            CoordinatorReading r = CoordinatorReading.now(lab);
            boolean apiUp;
            try {
                apiUp = api.get("/api/health").statusCode() == 200;
            } catch (IOException e) {
                apiUp = false;
            }
            if (apiUp && r != null && r.liveNodes() == n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the coordinator and the API were not ready with " + n
                        + " live nodes within 90 s (coordinator sees " + (r == null ? "nothing yet" : r.liveNodes())
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
                Threads.sleep(10);
            }
        }

        void stop() {
            running = false;
        }
    }

    /** Once a second during the measured window: the coordinator's live count and the API's online count. */
    private static final class Watch {
        final Lab lab;
        final ApiUser api;
        final AtomicInteger minLive = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicInteger maxLive = new AtomicInteger();
        final AtomicInteger minOnline = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicInteger maxOnline = new AtomicInteger();
        volatile boolean running = true;
        Thread thread;

        Watch(Lab lab, ApiUser api) {
            this.lab = lab;
            this.api = api;
        }

        void start() {
            thread = Threads.start("bench-watch", () -> {
                while (running) {
                    try {
                        CoordinatorReading r = CoordinatorReading.now(lab);
                        int live = r == null ? 0 : r.liveNodes();
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
                    Threads.sleep(1_000);
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    private static boolean waitForDone(Lab lab, long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lab.rows(Rows.FINISHED) < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Every task DONE exactly once: one row each, all DONE, each finished once on a node, nothing left in a list. */
    private static String check(Lab lab, int n, long total) throws Exception {
        long rows = lab.rows(Rows.ALL);
        long distinct = lab.count(lab.sql.countDistinctTaskIds());
        long done = lab.rows(Rows.DONE);
        long failed = lab.rows(Rows.FAILED);
        List<String> ids = SimulatedNodes.ids(n);
        long finishedOnNodes = 0;
        for (String v : lab.redis.call(j -> j.mget(ids.stream().map(RedisKeys::nodeDone).toArray(String[]::new)))) {
            finishedOnNodes += v == null ? 0 : Long.parseLong(v);
        }
        List<String> lists = new ArrayList<>(List.of(RedisKeys.submitted(), RedisKeys.placing(), RedisKeys.resultsQueue(),
                RedisKeys.storing(), RedisKeys.deadLetter()));
        for (String id : ids) {
            lists.add(RedisKeys.nodeTasks(id));
            lists.add(RedisKeys.nodeInflight(id));
        }
        long left = lab.redis.call(j -> {
            var p = j.pipelined();
            List<Response<Long>> lengths = lists.stream().map(p::llen).toList();
            p.sync();
            return lengths.stream().mapToLong(Response::get).sum();
        });
        boolean ok = rows == total && distinct == total && done == total && failed == 0 && finishedOnNodes == total && left == 0;
        return String.format(Locale.ROOT, "Check: submitted %,d, rows %,d (distinct task ids %,d), DONE %,d, FAILED %,d, "
                        + "finished on the nodes %,d, left in Redis lists %,d: %s", total, rows, distinct, done, failed,
                finishedOnNodes, left, ok ? CHECK_OK : "NOT OK");
    }

    private static final String CHECK_OK = "OK, every task DONE exactly once";

    /** The figures the simulator printed as it stopped ({@link BenchSimulate#DONE}), by name. */
    private static Map<String, String> simulatorFigures(Lab lab) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (var lines = Files.lines(lab.log("simulated"))) {
            lines.filter(l -> l.startsWith(BenchSimulate.DONE)).reduce((a, b) -> b).ifPresent(line -> {
                String[] words = line.substring(BenchSimulate.DONE.length()).trim().split(" ");
                for (int i = 0; i + 1 < words.length; i += 2) {
                    out.put(words[i], words[i + 1]);
                }
            });
        }
        return out;
    }

    private static long offlineLines(Lab lab) throws IOException {
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
