package colmena.bench;

import colmena.broker.RedisKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole pipeline for the pipeline benchmarks: a lab, a coordinator process and agent processes,
 * each as a user would start it; counts read from TaskHistory.
 */
final class Pipeline implements AutoCloseable {
    final Lab lab;
    private final List<Process> processes = new ArrayList<>();
    /** The name of each started process, in the order of {@link #processes}. */
    private final List<String> names = new ArrayList<>();

    private Pipeline(Lab lab) {
        this.lab = lab;
    }

    static Pipeline start(String name, int agents) throws Exception {
        Pipeline p = new Pipeline(Lab.start(name));
        p.launch("coordinator", StartAllJvm.coordinator(),
                "coordinator", "--redis", p.lab.redisUrl(), "--db", p.lab.dbUrl);
        for (int i = 1; i <= agents; i++) {
            p.launch("nodo" + i, StartAllJvm.agent(),
                    "agent", "--id", "nodo" + i, "--redis", p.lab.redisUrl());
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (p.lab.redis.call(j -> j.scard(RedisKeys.nodes())) < agents
                || !p.lab.redis.call(j -> j.exists(RedisKeys.leader()))) {
            if (System.nanoTime() > deadline) {
                p.close();
                throw new IOException("the coordinator and agents did not come up within 60 s; see " + p.lab.dir);
            }
            Thread.sleep(100);
        }
        Thread.sleep(1_500); // the coordinator has read the nodes
        return p;
    }

    /** Starts one part, its collector's pauses logged beside its log ({@link #gcPauses()}). */
    private void launch(String name, List<String> javaOptions, String... args) throws IOException {
        List<String> options = new ArrayList<>(javaOptions);
        options.add(GcPauses.logOption(gcLog(name)));
        processes.add(Launcher.start(lab.log(name), options, args));
        names.add(name);
    }

    private Path gcLog(String name) {
        return lab.log(name).resolveSibling(name + ".gc.log");
    }

    /** Every collector pause of the started parts so far, each named after its part. */
    List<GcPauses.Pause> gcPauses() throws IOException {
        List<GcPauses.Pause> all = new ArrayList<>();
        for (String name : names) {
            all.addAll(GcPauses.read(name, gcLog(name)));
        }
        return all;
    }

    /**
     * The Java options of a started process: those of the environment variable {@code name} when set
     * (the same variables {@code start-all.sh} reads), else {@code otherwise}.
     */
    static List<String> javaOptions(String name, String otherwise) {
        return javaOptions(name, List.of(otherwise.trim().split("\\s+")));
    }

    /** As {@link #javaOptions(String, String)}, with the options otherwise already split. */
    static List<String> javaOptions(String name, List<String> otherwise) {
        String set = System.getenv(name);
        return set == null || set.isBlank() ? otherwise : List.of(set.trim().split("\\s+"));
    }

    long rows(BenchSql.Rows which) throws Exception {
        return lab.rows(which);
    }

    /**
     * Tasks stored DONE or FAILED since {@code firstMinute} (epoch minutes), from the per-minute
     * counts the coordinator raises after each commit.
     */
    long storedFinal(long firstMinute) {
        long last = System.currentTimeMillis() / 60_000 + 1;
        List<String> keys = new ArrayList<>();
        for (long m = firstMinute; m <= last; m++) {
            keys.add(RedisKeys.doneInMinute(m));
            keys.add(RedisKeys.failedInMinute(m));
        }
        long total = 0;
        for (String v : lab.redis.call(j -> j.mget(keys.toArray(new String[0])))) {
            total += v == null ? 0 : Long.parseLong(v);
        }
        return total;
    }

    /**
     * Placements the coordinator has written PENDING since it started (tasks not ended a moment
     * after their placement), from its first {@code coordinator:stats} written after now.
     */
    long placementsWritten() throws InterruptedException {
        CoordinatorReading.next(lab, System.currentTimeMillis());
        String raw = lab.redis.call(j -> j.get(RedisKeys.coordinatorStats()));
        return com.google.gson.JsonParser.parseString(raw).getAsJsonObject().get("placementsWritten").getAsLong();
    }

    /** CPU time the parts have used so far, in nanoseconds. */
    record Cpu(long coordinator, long agents, long redis, long bench) {
        Cpu minus(Cpu before) {
            return new Cpu(coordinator - before.coordinator, agents - before.agents, redis - before.redis,
                    bench - before.bench);
        }

        long total() {
            return coordinator + agents + redis + bench;
        }
    }

    /** What each part has spent of the machine's processors so far (the bench's own JVM submits and counts). */
    Cpu cpu() {
        long agents = 0;
        for (int i = 1; i < processes.size(); i++) {
            agents += cpuNanos(processes.get(i).toHandle());
        }
        long redis = ProcessHandle.of(lab.redisServer.pid()).map(Pipeline::cpuNanos).orElse(0L);
        long bench = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
        return new Cpu(cpuNanos(processes.get(0).toHandle()), agents, redis, bench);
    }

    /** Each started part's CPU so far as its threads spent it, in the order they were started, by name. */
    java.util.Map<String, ThreadCpu> threadCpu() {
        java.util.Map<String, ThreadCpu> parts = new java.util.LinkedHashMap<>();
        for (int i = 0; i < processes.size(); i++) {
            parts.put(names.get(i), ThreadCpu.of(processes.get(i).pid()));
        }
        return parts;
    }

    static long cpuNanos(ProcessHandle h) {
        return h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** Redis commands served so far (the sum of INFO commandstats). */
    long redisCommands() {
        String info = lab.redis.call(j -> j.info("commandstats"));
        long total = 0;
        for (String line : info.split("\r?\n")) {
            int calls = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && calls > 0) {
                int end = line.indexOf(',', calls);
                total += Long.parseLong(line.substring(calls + 6, end < 0 ? line.length() : end));
            }
        }
        return total;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            Launcher.stop(p, 20);
        }
        lab.close();
    }
}
