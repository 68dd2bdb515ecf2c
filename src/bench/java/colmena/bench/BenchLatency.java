package colmena.bench;

import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.UsageException;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.RedisKeys;
import colmena.task.TaskIds;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * {@code colmena bench latency}: at a steady rate, one {@code sleep ms=0} task at a time, the time
 * from submission until the coordinator says it is stored: each task asks for a reply, which the
 * coordinator pushes only after the TaskHistory commit, and this process times each from the
 * moment it was due to be submitted to the moment the reply arrives (one clock, nanoseconds).
 */
final class BenchLatency {
    static final List<Option> OPTIONS = List.of(
            Option.value("rate", null, "500", "R", "tasks submitted a second"),
            Option.value("seconds", null, "20", "S", "how long to measure"),
            Option.value("settle", null, "240", "S", "first, at most this many seconds at the same rate, in windows of 10 s, until the "
                    + "JIT compilers take under 5 % of the coordinator's and agents' processor time (0: none)"),
            Option.value("warmup", null, "5", "S", "then seconds at the same rate before measuring, timed but not counted"),
            Option.value("spans", null, null, "FILE", "also write each measured task to FILE, a line each: its latency in µs, "
                    + "then when it was submitted, started, finished and replied to (epoch ms), to see when the slowest came"));
    static final int SETTLE_WINDOW_SECONDS = 10;
    static final double TARGET_P50_MS = 2;
    static final double TARGET_P99_MS = 10;

    private BenchLatency() {
    }

    /** What settling took: its seconds and tasks, and the compilers' share in its last window (1 where none ran). */
    private record Settled(int seconds, int tasks, double compiling, int lastWindow) {
    }

    /**
     * Submits at {@code rate} (tasks asking no reply) in windows of {@link #SETTLE_WINDOW_SECONDS}
     * until, over a window, the JIT compilers took under {@link ThreadCpu#SETTLED} of the
     * coordinator's and agents' processor time, or {@code maxSeconds} have passed. The JVMs compile
     * by C1 at once, then by C2 over a minute or two; what is measured after is the steady state.
     */
    private static Settled settle(Pipeline p, TaskQueue queue, int rate, int maxSeconds) throws Exception {
        if (maxSeconds == 0) {
            return new Settled(0, 0, 1, 0);
        }
        long period = 1_000_000_000L / rate;
        long t0 = System.nanoTime();
        int sent = 0;
        int seconds = 0;
        double compiling = 1;
        int window = 0;
        // Where /proc cannot be read the share is unknown (NaN): one window, then measured.
        while (seconds < maxSeconds && compiling >= ThreadCpu.SETTLED) {
            Map<String, ThreadCpu> before = p.threadCpu();
            window = Math.min(SETTLE_WINDOW_SECONDS, maxSeconds - seconds);
            for (int i = 0; i < rate * window; i++, sent++) {
                OpenLoad.waitForSlot(t0 + sent * period);
                queue.submit(List.of(Json.write(TaskMessage.submit(TaskIds.next(), "sleep", Map.of("ms", 0),
                        System.currentTimeMillis(), null))));
            }
            seconds += window;
            compiling = ThreadCpu.compilerShare(ThreadCpu.spentSince(p.threadCpu(), before).values());
        }
        return new Settled(seconds, sent, compiling, window);
    }

    static int run(Flags flags) throws Exception {
        int rate = flags.integer("rate", 1, 100_000);
        int seconds = flags.integer("seconds", 1, 3_600);
        int warmup = flags.integer("warmup", 0, 600);
        int settleMax = flags.integer("settle", 0, 3_600);
        Path spansFile = flags.string("spans") == null ? null : Path.of(flags.string("spans"));
        if (spansFile != null) {
            try { // a path that cannot be written is said now, not after minutes of settling
                Files.write(spansFile, List.of());
            } catch (IOException e) {
                throw new UsageException("--spans: cannot write " + spansFile + " (" + e + ")");
            }
        }
        try (Pipeline p = Pipeline.start("latency", 2)) {
            TaskQueue queue = new TaskQueue(p.lab.redis);
            Settled settled = settle(p, queue, rate, settleMax);
            int n = rate * (seconds + warmup);
            int skipped = rate * warmup;
            long period = 1_000_000_000L / rate;
            String reply = RedisKeys.newReply(UUID.randomUUID());
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            Map<String, Long> sentAtMs = new ConcurrentHashMap<>();
            List<Span> spans = Collections.synchronizedList(new ArrayList<>(n));
            List<GcPauses.Pause> ownPauses = GcPauses.watchThisJvm();
            AtomicInteger replies = new AtomicInteger();
            Thread reader = new Thread(() -> {
                while (replies.get() < n && !Thread.currentThread().isInterrupted()) {
                    // One wait for the first reply, then whatever else has arrived in the same round
                    // trip: a reader one reply behind another would time its own lag, not Colmena's.
                    List<String> first = p.lab.redis.call(j -> j.blpop(1, reply));
                    if (first == null) {
                        continue;
                    }
                    long now = System.nanoTime();
                    long nowMs = System.currentTimeMillis();
                    List<String> got = new ArrayList<>(List.of(first.get(1)));
                    List<String> more = p.lab.redis.call(j -> j.lpop(reply, 1_000));
                    if (more != null) {
                        got.addAll(more);
                    }
                    for (String raw : got) {
                        TaskResult result;
                        try {
                            result = TaskResult.read(raw);
                        } catch (MalformedMessageException e) {
                            continue;
                        }
                        Long sent = sentAt.remove(result.id());
                        Long sentMs = sentAtMs.remove(result.id());
                        if (sent != null && replies.incrementAndGet() > skipped) {
                            spans.add(new Span(now - sent, sentMs, nowMs, result.startedAtMs(), result.finishedAtMs()));
                        }
                    }
                }
            }, "latency-replies");
            reader.setDaemon(true);
            reader.start();
            CoordinatorReading before = null;
            Map<String, ThreadCpu> cpuBefore = Map.of();
            long cpuFromNs = 0;
            long t0 = System.nanoTime();
            int first = 0; // the task due at t0
            for (int i = 0; i < n; i++) {
                if (i == skipped) {
                    // Read between the last warm-up submission and the first measured one, and the
                    // schedule starts again after: the readings (a few ms of /proc and Redis) would
                    // otherwise make the first measured tasks late, and count against them.
                    before = CoordinatorReading.now(p.lab);
                    cpuBefore = p.threadCpu();
                    cpuFromNs = System.nanoTime();
                    t0 = cpuFromNs;
                    first = i;
                }
                long due = OpenLoad.waitForSlot(t0 + (i - first) * period);
                String id = TaskIds.next();
                String task = Json.write(TaskMessage.submit(id, "sleep", Map.of("ms", 0), System.currentTimeMillis(), reply));
                // Timed from when it was due, not when it went: a submission held up by a pause here
                // counts against the result (no coordinated omission).
                sentAt.put(id, due);
                sentAtMs.put(id, System.currentTimeMillis());
                queue.submit(List.of(task));
            }
            reader.join(120_000);
            reader.interrupt();
            Map<String, ThreadCpu> cpuSpent = ThreadCpu.spentSince(p.threadCpu(), cpuBefore);
            long cpuWallNs = System.nanoTime() - cpuFromNs;
            List<Span> measured;
            synchronized (spans) {
                measured = new ArrayList<>(spans);
            }
            long[] sorted = measured.stream().mapToLong(Span::latencyNs).sorted().toArray();
            long stored = p.rows(BenchSql.Rows.DONE);
            double p50 = OpenLoad.nearestRankMs(sorted, 0.50);
            double p99 = OpenLoad.nearestRankMs(sorted, 0.99);
            System.out.printf(Locale.ROOT, "Latency: %d tasks/s, sleep(ms=0), 2 agents; %d s of warm-up, then %d s measured: %,d tasks%n",
                    rate, warmup, seconds, sorted.length);
            if (settled.seconds > 0) {
                System.out.printf(Locale.ROOT, "  settled first: %d s at the same rate (%,d tasks, no reply asked), %s%n",
                        settled.seconds, settled.tasks,
                        ThreadCpu.settling(settled.compiling, "window", settled.lastWindow + " s"));
            }
            System.out.printf(Locale.ROOT, "  submission to stored (the coordinator's reply after its commit): "
                    + "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
                    p50, OpenLoad.nearestRankMs(sorted, 0.90), p99, OpenLoad.nearestRankMs(sorted, 0.999),
                    OpenLoad.nearestRankMs(sorted, 1.0));
            printStages(measured);
            printCpu(cpuSpent, cpuWallNs);
            List<GcPauses.Pause> pauses = new ArrayList<>(p.gcPauses());
            synchronized (ownPauses) {
                pauses.addAll(ownPauses);
            }
            printPauses(measured, pauses);
            if (spansFile != null) {
                writeSpans(spansFile, measured);
            }
            CoordinatorReading after = CoordinatorReading.next(p.lab, System.currentTimeMillis());
            if (before != null && after != null) {
                CoordinatorReading seen = after.minus(before);
                System.out.printf(Locale.ROOT, "  as the coordinator saw it: submission to placement p50 %.1f ms, p99 %.1f ms; "
                        + "end of a run to its commit p50 %.1f ms, p99 %.1f ms%n",
                        seen.waitedToPlace().percentileMs(0.50), seen.waitedToPlace().percentileMs(0.99),
                        seen.storeDelay().percentileMs(0.50), seen.storeDelay().percentileMs(0.99));
            }
            System.out.printf(Locale.ROOT, "  TaskHistory rows stored DONE: %,d of %,d%n", stored, n + settled.tasks);
            System.out.printf(Locale.ROOT, "  (BullMQ, add to completed, on this kind of machine: p50 1.4 ms, p99 15 ms)%n");
            boolean met = sorted.length == n - skipped && stored == n + settled.tasks && p50 <= TARGET_P50_MS && p99 <= TARGET_P99_MS;
            System.out.printf(Locale.ROOT, "Target: p50 within %.0f ms and p99 within %.0f ms: %s%n", TARGET_P50_MS, TARGET_P99_MS,
                    met ? "met" : "NOT met");
            return met ? 0 : 1;
        }
    }


    /**
     * What each part spent of the processors while the tasks were measured, and how much of it its
     * JIT compilers took: on two cores shared by five processes, a compiler at work is a core the
     * hops between submission and reply wait for. Linux only (read from {@code /proc}).
     */
    private static void printCpu(Map<String, ThreadCpu> spent, long wallNs) {
        long hz = 100; // USER_HZ, the unit of /proc's ticks on every Linux this runs on
        double seconds = wallNs / 1e9;
        if (spent.values().stream().allMatch(c -> c.ticks() == 0) || seconds <= 0) {
            return;
        }
        StringBuilder line = new StringBuilder();
        spent.forEach((part, cpu) -> line.append(line.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                "%s %.0f%% (compiling %.0f%%)", part, 100.0 * cpu.ticks() / hz / seconds,
                100.0 * cpu.compilerTicks() / hz / seconds)));
        System.out.printf(Locale.ROOT, "  CPU while measuring, in %% of one core: %s%n", line);
    }

    /**
     * The collectors' pauses during the measured tasks, and how many of the slowest 1 % were under
     * way while one of the processes was paused, beside the same share of all tasks: when the slowest
     * overlap pauses far more often than tasks at large, the pauses are the tail.
     */
    private static void printPauses(List<Span> spans, List<GcPauses.Pause> pauses) {
        if (spans.isEmpty()) {
            return;
        }
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (Span t : spans) {
            from = Math.min(from, t.submittedMs());
            to = Math.max(to, t.repliedMs());
        }
        Map<String, long[]> byProcess = new TreeMap<>(); // count, longest ms, total ms
        List<GcPauses.Pause> inWindow = new ArrayList<>();
        for (GcPauses.Pause g : pauses) {
            if (g.overlaps(from, to)) {
                inWindow.add(g);
                long[] f = byProcess.computeIfAbsent(g.process(), k -> new long[3]);
                f[0]++;
                f[1] = Math.max(f[1], g.ms());
                f[2] += g.ms();
            }
        }
        StringBuilder line = new StringBuilder();
        byProcess.forEach((name, f) -> line.append(line.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %d (longest %d ms, %d ms in all)", name, f[0], f[1], f[2])));
        System.out.printf(Locale.ROOT, "  collector pauses while measuring: %s%n", line.length() == 0 ? "none" : line);
        List<Span> slowest = new ArrayList<>(spans);
        slowest.sort((a, b) -> Long.compare(b.latencyNs(), a.latencyNs()));
        slowest = slowest.subList(0, Math.max(1, slowest.size() / 100));
        Map<String, Integer> heldBy = new TreeMap<>();
        int held = 0;
        for (Span t : slowest) {
            Set<String> paused = pausedDuring(inWindow, t);
            paused.forEach(name -> heldBy.merge(name, 1, Integer::sum));
            held += paused.isEmpty() ? 0 : 1;
        }
        int heldAll = 0;
        for (Span t : spans) {
            heldAll += pausedDuring(inWindow, t).isEmpty() ? 0 : 1;
        }
        System.out.printf(Locale.ROOT, "  the slowest 1%% (%d tasks): %d under way during a pause%s; of all tasks, %.1f%%%n",
                slowest.size(), held, heldBy.isEmpty() ? "" : " " + heldBy.toString().replace('=', ' ').replace('{', '(').replace('}', ')'),
                100.0 * heldAll / spans.size());
        long[] toStart = slowest.stream().filter(Span::timed).mapToLong(Span::toStartMs).sorted().toArray();
        long[] toReply = slowest.stream().filter(Span::timed).mapToLong(Span::toReplyMs).sorted().toArray();
        if (toStart.length > 0) {
            System.out.printf(Locale.ROOT, "  the slowest 1%%, median of each side: submitted to started %d ms, finished to reply %d ms%n",
                    OpenLoad.nearestRank(toStart, 0.5), OpenLoad.nearestRank(toReply, 0.5));
        }
    }

    /** {@code --spans}: each measured task on a line, its latency (µs) and its four times. */
    private static void writeSpans(Path file, List<Span> spans) throws IOException {
        List<String> lines = new ArrayList<>(spans.size());
        for (Span t : spans) {
            lines.add(t.latencyNs() / 1_000 + " " + t.submittedMs() + " " + t.startedMs() + " " + t.finishedMs() + " " + t.repliedMs());
        }
        Files.write(file, lines);
        System.out.printf(Locale.ROOT, "  each measured task written to %s%n", file);
    }

    /** The processes paused at some moment while {@code task} was under way. */
    private static Set<String> pausedDuring(List<GcPauses.Pause> pauses, Span task) {
        Set<String> out = new TreeSet<>();
        for (GcPauses.Pause g : pauses) {
            if (g.overlaps(task.submittedMs(), task.repliedMs())) {
                out.add(g.process());
            }
        }
        return out;
    }

    /**
     * One measured task: its latency (from when it was due, nanoseconds) and, on the wall clock (one
     * machine, one clock), when it was submitted, started, finished and its reply came.
     */
    private record Span(long latencyNs, long submittedMs, long repliedMs, long startedMs, long finishedMs) {
        /** Whether its node said when it started and finished. */
        boolean timed() {
            return startedMs > 0 && finishedMs > 0;
        }

        /** Placing, the node's queue, its take. */
        long toStartMs() {
            return startedMs - submittedMs;
        }

        long runMs() {
            return finishedMs - startedMs;
        }

        /** Sending the result, storing it, the commit and the reply. */
        long toReplyMs() {
            return repliedMs - finishedMs;
        }
    }

    /** Each task's time split in three, in whole milliseconds: to its start, its run, from its end to the reply. */
    private static void printStages(List<Span> spans) {
        List<Span> timed = spans.stream().filter(Span::timed).toList();
        if (timed.isEmpty()) {
            return;
        }
        String[] names = {"submitted to started (placing, queue, take)", "running", "finished to reply (send, store, commit)"};
        List<ToLongFunction<Span>> stages = List.of(Span::toStartMs, Span::runMs, Span::toReplyMs);
        System.out.printf(Locale.ROOT, "  where the time went (whole ms, wall clock):%n");
        for (int k = 0; k < names.length; k++) {
            long[] sorted = timed.stream().mapToLong(stages.get(k)).sorted().toArray();
            System.out.printf(Locale.ROOT, "    %-44s p50 %d ms, p99 %d ms, max %d ms%n", names[k],
                    OpenLoad.nearestRank(sorted, 0.50), OpenLoad.nearestRank(sorted, 0.99), sorted[sorted.length - 1]);
        }
    }
}
