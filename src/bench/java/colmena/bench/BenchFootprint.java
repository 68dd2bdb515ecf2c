package colmena.bench;

import colmena.broker.RedisKeys;
import colmena.config.Flags;
import colmena.config.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code colmena bench footprint}: what watching costs. An idle agent, started with the JVM
 * options {@code start-all.sh} gives agents, samples every second for a minute; its CPU time and
 * resident memory are read from {@code /proc} (Linux only).
 */
final class BenchFootprint {
    static final List<Option> OPTIONS = List.of(
            Option.value("seconds", null, "60", "S", "how long to watch the idle agent (after 10 s to settle)"));
    /** The agent JVM options of start-all.sh (or of COLMENA_AGENT_JAVA_OPTS, as start-all reads it). */
    static final List<String> AGENT_JVM = StartAllJvm.agent();
    static final double TARGET_CPU_PERCENT = 1.0;
    static final long TARGET_RSS_MB = 64;

    private BenchFootprint() {
    }

    static int run(Flags flags) throws Exception {
        int seconds = flags.integer("seconds", 5, 3_600);
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            System.out.println("bench footprint reads /proc, which this system does not have");
            return 2;
        }
        try (Lab lab = Lab.start("footprint")) {
            Process agent = Launcher.start(lab.log("agent"), AGENT_JVM, "agent", "--id", "idle", "--redis", lab.redisUrl());
            try {
                Thread.sleep(10_000);
                long ticks0 = cpuTicks(agent.pid());
                long t0 = System.nanoTime();
                long maxRssKb = 0;
                for (int i = 0; i < seconds; i++) {
                    Thread.sleep(1_000);
                    maxRssKb = Math.max(maxRssKb, rssKb(agent.pid()));
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (cpuTicks(agent.pid()) - ticks0) / (double) clockTicks() / wall * 100;
                long samples = lab.redis.call(j -> j.llen(RedisKeys.nodeHistory("idle")));
                System.out.printf(Locale.ROOT, "Footprint: an idle agent sampling every second, watched %.0f s (%d samples in Redis)%n",
                        wall, samples);
                System.out.printf(Locale.ROOT, "  JVM options: %s%n", String.join(" ", AGENT_JVM));
                System.out.printf(Locale.ROOT, "  CPU: %.2f %% of one core (target under %.0f %%)%n", cpu, TARGET_CPU_PERCENT);
                System.out.printf(Locale.ROOT, "  resident memory: %d MB at most (target under %d MB)%n", maxRssKb / 1024, TARGET_RSS_MB);
                boolean met = cpu < TARGET_CPU_PERCENT && maxRssKb / 1024 < TARGET_RSS_MB;
                System.out.println("Targets: " + (met ? "met" : "NOT met"));
                return met ? 0 : 1;
            } finally {
                Launcher.stop(agent, 20);
            }
        }
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** Clock ticks a second (USER_HZ), 100 on Linux. */
    private static long clockTicks() {
        return 100;
    }
}
