package colmena.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A process's CPU so far as its threads spent it (Linux's {@code /proc/<pid>/task/<tid>/stat}, in
 * clock ticks), so a benchmark can say how much of a part's CPU went to its JIT compiler threads
 * ({@code C1 CompilerThread…}, {@code C2 CompilerThread…}) rather than to its work. The JVM starts
 * and ends compiler threads as the work asks, so a difference of two readings counts each thread
 * by its id: one that ended in between is missing from it. Elsewhere, or for a process gone, it is
 * empty.
 */
record ThreadCpu(Map<Long, Line> threads) {
    static final ThreadCpu NONE = new ThreadCpu(Map.of());
    /**
     * The JIT compilers' share of the coordinator's and agents' processor time under which their
     * code is taken as settled ({@code bench throughput} and {@code bench latency} run until it is).
     */
    static final double SETTLED = 0.05;

    static ThreadCpu of(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return NONE;
        }
        Map<Long, Line> threads = new HashMap<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(tasks)) {
            for (Path t : all) {
                try {
                    threads.put(Long.parseLong(t.getFileName().toString()), Line.parse(Files.readString(t.resolve("stat"))));
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
        return new ThreadCpu(threads);
    }

    /** What each thread spent since {@code before} (all of it for a thread started since). */
    ThreadCpu minus(ThreadCpu before) {
        Map<Long, Line> spent = new HashMap<>();
        threads.forEach((tid, now) -> {
            Line then = before.threads.get(tid);
            // A thread id used again by a thread started since counts whole.
            long earlier = then == null || then.ticks() > now.ticks() ? 0 : then.ticks();
            spent.put(tid, new Line(now.name(), now.ticks() - earlier));
        });
        return new ThreadCpu(spent);
    }

    /** What each part spent since {@code before}, by name (all of it for a part not read then). */
    static Map<String, ThreadCpu> spentSince(Map<String, ThreadCpu> now, Map<String, ThreadCpu> before) {
        Map<String, ThreadCpu> spent = new java.util.LinkedHashMap<>();
        now.forEach((part, cpu) -> spent.put(part, cpu.minus(before.getOrDefault(part, NONE))));
        return spent;
    }

    /** The share of these parts' processor time their JIT compilers took; NaN where none was read (no /proc). */
    static double compilerShare(java.util.Collection<ThreadCpu> parts) {
        long ticks = 0;
        long compiler = 0;
        for (ThreadCpu part : parts) {
            ticks += part.ticks();
            compiler += part.compilerTicks();
        }
        return ticks > 0 ? (double) compiler / ticks : Double.NaN;
    }

    /**
     * How a benchmark's settling ended, for its line: whether the compilers' {@code share} of the
     * last {@code step} (its size, {@code last}) fell under {@link #SETTLED}, or that /proc was not
     * there to tell.
     */
    static String settling(double share, String step, String last) {
        if (Double.isNaN(share)) {
            return "one " + step + " (the JIT compilers' share is read from /proc, which is not here)";
        }
        return String.format(java.util.Locale.ROOT, "until the JIT compilers took %s %d%% of the coordinator's and agents' "
                + "processor time (%.1f%% in the last %s)", share < SETTLED ? "under" : "still over",
                Math.round(100 * SETTLED), 100 * share, last);
    }

    long ticks() {
        return threads.values().stream().mapToLong(Line::ticks).sum();
    }

    long compilerTicks() {
        return threads.values().stream().filter(Line::compiler).mapToLong(Line::ticks).sum();
    }

    /** One thread's stat line: its name (which may hold spaces and parentheses) and its user + system ticks. */
    record Line(String name, long ticks) {
        static Line parse(String stat) {
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String[] after = stat.substring(close + 2).trim().split(" ");
            // After the name: the state (the line's field 3); utime is field 14 and stime field 15.
            return new Line(stat.substring(open + 1, close), Long.parseLong(after[11]) + Long.parseLong(after[12]));
        }

        boolean compiler() {
            return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        }
    }
}
