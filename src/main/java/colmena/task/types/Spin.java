package colmena.task.types;

import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Keeps one CPU busy for ms milliseconds of its own thread's CPU time and answers with ms: a fixed
 * amount of work, whatever the CPU's speed and whatever the JIT has compiled yet, that takes longer
 * where another program shares the CPU. For benchmarks of placement.
 */
public final class Spin implements TaskType {
    /** Mixing steps between two looks at the CPU clock (about a tenth of a millisecond). */
    private static final int STEPS = 100_000;
    /** Where the mixing goes, so the compiler cannot leave it out. */
    @SuppressWarnings("unused")
    private static volatile long sink;

    @Override
    public String name() {
        return "spin";
    }

    @Override
    public String summary() {
        return "keep one CPU busy for ms milliseconds of CPU time; a program sharing the CPU makes it take longer";
    }

    @Override
    public List<Param> params() {
        return List.of(new Param("ms", 0, 600_000, 50, "milliseconds of CPU time to use"));
    }

    @Override
    public String run(TaskParams params, TaskContext context) throws Exception {
        long ms = params.get("ms");
        spin(ms * 1_000_000L, context);
        return Long.toString(ms);
    }

    /** Uses {@code cpuNanos} of this thread's CPU time (wall time where the JVM cannot tell CPU time). */
    static void spin(long cpuNanos, TaskContext context) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuClock = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
        long start = cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime();
        long x = cpuNanos;
        while ((cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime()) - start < cpuNanos) {
            for (int i = 0; i < STEPS; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                x ^= x >>> 29;
            }
            context.checkpoint();
            long used = (cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime()) - start;
            context.progress((int) Math.min(100, used * 100 / Math.max(1, cpuNanos)), null);
        }
        sink = x;
    }
}
