package colmena.bench;

import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.UsageException;
import colmena.coordinator.Coordinator;
import colmena.coordinator.Placement;
import colmena.store.DbTime;
import colmena.bench.BenchSql.Rows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code colmena bench placement}: how close each policy comes to the best possible makespan when
 * one node shares its CPU with another program. Two agents are pinned with {@code taskset} to CPU 0
 * and CPU 1, and a CPU hog runs on CPU 1 beside the second. Each policy, with a coordinator of its
 * own started fresh, places the same batch of CPU-bound tasks ({@code spin}: a fixed amount of CPU
 * time each); its makespan, from submission to the last task finished, is compared with the lower
 * bound: the batch's work over both nodes' capacity, each node's capacity being one task per mean
 * task time there during the same batch, while the hog runs (or, for a node the policy left idle,
 * during a probe of a few tasks on each node just before). Measuring the capacity in the same run
 * keeps the ratio fair when other programs on the machine come and go; a run whose task times
 * differ much from the probe's is marked disturbed.
 */
final class BenchPlacement {
    static final List<Option> OPTIONS = List.of(
            Option.value("tasks", null, "200", "N", "tasks in the batch each policy places"),
            Option.value("task-ms", null, "50", "MS", "CPU time each task uses (the spin task type)"),
            Option.value("probe", null, "20", "N", "tasks run on each node to measure its capacity before each policy's batch"),
            Option.value("rounds", null, "1", "N", "times to run every policy; the verdict takes each policy's median"),
            Option.value("policies", null, String.join(",", Placement.NAMES), "LIST",
                    "the policies to compare, the first against the others"));
    static final double TARGET_RATIO = 1.15;
    static final List<String> AGENT_JVM = List.of("-XX:+UseSerialGC", "-Xmx128m");
    private static final String FREE = "nodo1";
    private static final String SHARED = "nodo2";
    private static final long WAIT_MS = 600_000;

    /**
     * A node's tasks in a probe or a batch: their mean task time (so the node's capacity is one task
     * per that time), and how often it started one while it had work waiting (the task time plus
     * Colmena's own time between two tasks); NaN when it ran none.
     */
    private record Times(int count, double taskMs, double everyMs) {
        /** Colmena's own time between two tasks: result sent, next task taken. */
        double gapMs() {
            return everyMs - taskMs;
        }
    }

    /**
     * What one policy did with the batch. Each node's capacity is one task per mean task time during
     * the batch, or during the probe just before for a node given fewer than {@link #MIN_TASKS}.
     */
    private record Run(String policy, int round, double makespanS, int tasks, Times probeFree, Times probeShared,
                       Times free, Times shared, long moved) {
        static final int MIN_TASKS = 5;

        double freeMs() {
            return free.count() >= MIN_TASKS ? free.taskMs() : probeFree.taskMs();
        }

        double sharedMs() {
            return shared.count() >= MIN_TASKS ? shared.taskMs() : probeShared.taskMs();
        }

        /** The batch's work over both nodes' capacity. */
        double boundS() {
            return tasks / (1000 / freeMs() + 1000 / sharedMs());
        }

        /** The same with Colmena's own time between tasks (from the probe) counted as capacity too. */
        double fedBoundS() {
            return tasks / (1000 / (freeMs() + probeFree.gapMs()) + 1000 / (sharedMs() + probeShared.gapMs()));
        }

        double ratio() {
            return makespanS / boundS();
        }

        /** Whether a node's tasks took a fifth longer, or shorter, than in the probe: other work came or went. */
        boolean disturbed() {
            return Math.abs(freeMs() / probeFree.taskMs() - 1) > 0.2 || Math.abs(sharedMs() / probeShared.taskMs() - 1) > 0.2;
        }
    }

    private BenchPlacement() {
    }

    static int run(Flags flags) throws Exception {
        int tasks = flags.integer("tasks", 10, 100_000);
        int taskMs = flags.integer("task-ms", 1, 10_000);
        int probe = flags.integer("probe", 3, 1_000);
        int rounds = flags.integer("rounds", 1, 100);
        List<String> policies = new ArrayList<>();
        for (String policy : flags.string("policies").split(",")) {
            try {
                policies.add(Placement.named(policy.trim()).name());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--policies: " + e.getMessage());
            }
        }
        String unfit = unfitMachine();
        if (unfit != null) {
            System.out.println("bench placement cannot run here: " + unfit);
            return 2;
        }
        // The coordinators run in this process: their placement lines would drown the figures, but
        // each move of queued tasks is worth seeing.
        System.setProperty("org.slf4j.simpleLogger.log.colmena.coordinator", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.colmena.coordinator.Rebalancer", "info");
        System.setProperty("org.slf4j.simpleLogger.log.colmena.coordinator.Placer", "error"); // "no live nodes" as each starts
        System.out.printf(Locale.ROOT, "Placement: %d spin(ms=%d) tasks per policy; %s pinned to CPU 0, %s to CPU 1 "
                + "beside a CPU hog (taskset)%n", tasks, taskMs, FREE, SHARED);
        System.out.println("Machine: " + machine());
        List<Run> runs = new ArrayList<>();
        try (Lab lab = Lab.start("placement")) {
            List<Process> started = new ArrayList<>();
            try {
                started.add(Launcher.startPinned(lab.log(FREE), "0", AGENT_JVM, "agent", "--id", FREE, "--redis", lab.redisUrl()));
                started.add(Launcher.startPinned(lab.log(SHARED), "1", AGENT_JVM, "agent", "--id", SHARED, "--redis", lab.redisUrl()));
                waitFor(60_000, "both agents online", () -> online(lab, FREE) && online(lab, SHARED));
                started.add(new ProcessBuilder("taskset", "-c", "1", "sh", "-c", "while :; do :; done")
                        .redirectErrorStream(true).redirectOutput(lab.log("hog").toFile()).start());
                measure(lab, probe, taskMs); // a warm-up: the agents' JVMs compile their task path
                for (int round = 1; round <= rounds; round++) {
                    for (String policy : policies) {
                        runs.add(once(lab, policy, round, tasks, taskMs, probe));
                    }
                }
            } finally {
                for (Process p : started) {
                    Launcher.stop(p, 15);
                }
            }
        }
        return report(runs, policies, taskMs);
    }

    private static Run once(Lab lab, String policy, int round, int tasks, int taskMs, int probe) throws Exception {
        Times[] p = measure(lab, probe, taskMs);
        Coordinator coordinator = start(lab, policy);
        try {
            Instant from = Instant.now();
            long t0 = System.currentTimeMillis();
            new TaskQueue(lab.redis).submitNew("spin", Map.of("ms", taskMs), tasks, null);
            waitFor(WAIT_MS, policy + ": the batch DONE", () -> count(lab, Rows.DONE, from) == tasks);
            double makespan = (lastFinishedMs(lab, from) - t0) / 1000.0;
            Run run = new Run(policy, round, makespan, tasks, p[0], p[1], times(lab, FREE, from), times(lab, SHARED, from),
                    count(lab, Rows.MOVED, from));
            System.out.printf(Locale.ROOT, "  %-13s makespan %.2f s, lower bound %.2f s: %.2f×%s%n", policy, makespan,
                    run.boundS(), run.ratio(), run.disturbed() ? " (disturbed: tasks took much longer or shorter than in the probe)" : "");
            return run;
        } finally {
            coordinator.stop();
        }
    }

    /**
     * Runs {@code probe} tasks on each node at once (a round-robin coordinator of its own), with the
     * hog running: {free, shared}.
     */
    private static Times[] measure(Lab lab, int probe, int taskMs) throws Exception {
        Coordinator coordinator = start(lab, "round-robin");
        try {
            Instant from = Instant.now();
            new TaskQueue(lab.redis).submitNew("spin", Map.of("ms", taskMs), 2 * probe, null);
            waitFor(WAIT_MS, "the probe tasks DONE", () -> count(lab, Rows.DONE, from) == 2L * probe);
            Times[] t = {times(lab, FREE, from), times(lab, SHARED, from)};
            if (t[0].count() < 2 || t[1].count() < 2) {
                throw new IllegalStateException("the probe did not reach both nodes: " + t[0].count() + " and " + t[1].count() + " tasks");
            }
            return t;
        } finally {
            coordinator.stop();
        }
    }

    /** A fresh coordinator with {@code policy}, once it leads and has read the nodes. */
    private static Coordinator start(Lab lab, String policy) throws Exception {
        Coordinator c = new Coordinator(new Coordinator.Config(lab.redisUrl(), lab.dbUrl, null, null,
                Placement.named(policy), 0, 3), lab.redis, lab.db);
        c.start();
        waitFor(30_000, "the coordinator leading", c::isLeader);
        Thread.sleep(750); // its node monitor has read every node a few times
        return c;
    }

    private static int report(List<Run> runs, List<String> policies, int taskMs) {
        System.out.println();
        System.out.printf("policy        round  makespan  lower bound  ratio  %s / %s tasks  moved  task time %s / %s (probe)%n",
                FREE, SHARED, FREE, SHARED);
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "%-13s %5d %7.2f s %10.2f s %5.2f× %9d / %-9d %5d  %.1f / %.1f ms (%.1f / %.1f)%s%n",
                    r.policy(), r.round(), r.makespanS(), r.boundS(), r.ratio(), r.free().count(), r.shared().count(),
                    r.moved(), r.freeMs(), r.sharedMs(), r.probeFree().taskMs(), r.probeShared().taskMs(),
                    r.disturbed() ? "  disturbed" : "");
        }
        Map<String, Run> median = new LinkedHashMap<>();
        for (String policy : policies) {
            List<Run> mine = new ArrayList<>(runs.stream().filter(r -> r.policy().equals(policy)).toList());
            mine.sort(Comparator.comparingDouble(Run::ratio));
            median.put(policy, mine.get(mine.size() / 2));
        }
        Run best = median.get(policies.get(0));
        System.out.printf(Locale.ROOT, "Lower bound: the batch's %d × %d ms of CPU over both nodes' capacity in the same run, "
                + "one task per mean task time: %s alone on CPU 0, %s beside the hog (it gets about %.0f%% of CPU 1)%n",
                best.tasks(), taskMs, FREE, SHARED, 100.0 * taskMs / best.sharedMs());
        System.out.printf(Locale.ROOT, "Colmena's own time between two tasks on a node (result sent, next task taken), "
                + "from the probe: %.1f ms on %s, %.1f ms on %s; counted as capacity too, %s's bound is %.2f s, ratio %.2f×%n",
                best.probeFree().gapMs(), FREE, best.probeShared().gapMs(), SHARED, best.policy(), best.fedBoundS(),
                best.makespanS() / best.fedBoundS());
        if (runs.stream().anyMatch(Run::disturbed)) {
            System.out.println("Disturbed runs: tasks took a fifth longer or shorter than in the probe before them; other "
                    + "programs on this machine came or went, and figures from different runs compare badly");
        }
        boolean within = best.ratio() <= TARGET_RATIO;
        boolean ahead = median.values().stream().allMatch(r -> r == best || best.ratio() < r.ratio());
        String of = runs.size() > policies.size() ? ", medians of " + runs.size() / policies.size() + " rounds" : "";
        List<String> others = policies.subList(1, policies.size());
        System.out.printf(Locale.ROOT, "Target: %s within %.2f× of the lower bound%s: %s (%.2f×%s%s)%n", best.policy(),
                TARGET_RATIO, others.isEmpty() ? "" : " and ahead of " + String.join(" and ", others),
                within && ahead ? "met" : "NOT met", best.ratio(),
                others.stream().map(p -> String.format(Locale.ROOT, "; %s %.2f×", p, median.get(p).ratio()))
                        .collect(Collectors.joining()), of);
        return within && ahead ? 0 : 1;
    }

    /** Why this machine cannot run the benchmark, or null when it can. */
    static String unfitMachine() {
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return "it pins processes to CPUs with taskset, which needs Linux";
        }
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return "it needs CPUs 0 and 1; this process may use " + Runtime.getRuntime().availableProcessors();
        }
        try {
            Process p = new ProcessBuilder("taskset", "-c", "0", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                return "taskset -c 0 failed (exit code " + p.exitValue() + ")";
            }
        } catch (IOException e) {
            return "taskset was not found on the PATH; it is in util-linux (Debian, Ubuntu: apt-get install util-linux)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        return null;
    }

    /** {@code 2 CPUs (Intel Xeon ...), Linux 6.1, Java 17.0.15; load average 0.52 before the start}. */
    static String machine() {
        String model = "";
        String load = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = " (" + line.substring(line.indexOf(':') + 1).trim() + ")";
                    break;
                }
            }
            load = "; load average " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " before the start";
        } catch (IOException | RuntimeException e) {
            // The figures that could be read are printed; these two are only context.
        }
        return String.format("%d CPUs%s, %s %s, Java %s%s", Runtime.getRuntime().availableProcessors(), model,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"), load);
    }

    private static boolean online(Lab lab, String id) {
        return lab.redis.call(j -> j.exists(RedisKeys.nodeStats(id)));
    }

    private static long count(Lab lab, Rows which, Instant from) throws Exception {
        try (Connection c = lab.db.connect(); PreparedStatement ps = c.prepareStatement(
                lab.sql.countRowsSubmittedSince(which))) {
            DbTime.set(ps, 1, from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long lastFinishedMs(Lab lab, Instant from) throws Exception {
        try (Connection c = lab.db.connect(); PreparedStatement ps = c.prepareStatement(lab.sql.lastFinishedSince())) {
            DbTime.set(ps, 1, from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return DbTime.get(rs, 1).toEpochMilli();
            }
        }
    }

    private static Times times(Lab lab, String node, Instant from) throws Exception {
        long sumMs = 0;
        int n = 0;
        long firstStart = Long.MAX_VALUE;
        long lastStart = Long.MIN_VALUE;
        try (Connection c = lab.db.connect(); PreparedStatement ps = c.prepareStatement(lab.sql.doneTimesSince())) {
            DbTime.set(ps, 1, from);
            ps.setString(2, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sumMs += rs.getLong(1);
                    n++;
                    long started = DbTime.get(rs, 2).toEpochMilli();
                    firstStart = Math.min(firstStart, started);
                    lastStart = Math.max(lastStart, started);
                }
            }
        }
        return n == 0 ? new Times(0, Double.NaN, Double.NaN)
                : new Times(n, sumMs / (double) n, n < 2 ? Double.NaN : (lastStart - firstStart) / (double) (n - 1));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(long timeoutMs, String what, Check check) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeoutMs / 1000 + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
