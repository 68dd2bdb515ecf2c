package colmena.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadCpuTest {
    @Test
    void readsANamesSpacesAndParenthesesAndTheUserAndSystemTicks() {
        // A line laid out as /proc/<pid>/task/<tid>/stat's (proc(5)), with a thread name holding a space and a ')'.
        String stat = "4242 (C2 Compiler) x) S 4200 4200 4200 0 -1 1077936192 12 0 0 0 731 58 0 0 20 0 23 0 "
                + "9000 300000 100 18446744073709551615 1 1 0 0 0 0 0 2 0 0 0 0 17 1 0 0 0 0 0\n";
        ThreadCpu.Line line = ThreadCpu.Line.parse(stat);
        assertEquals("C2 Compiler) x", line.name());
        assertEquals(731 + 58, line.ticks());
        assertFalse(line.compiler(), "JVM names its compiler threads \"C2 CompilerThre\" (15 characters and a number)");
        assertTrue(new ThreadCpu.Line("C2 CompilerThre", 1).compiler());
    }

    @Test
    void aDifferenceCountsEachThreadByItsIdAndAThreadStartedSinceWhole() {
        ThreadCpu before = new ThreadCpu(java.util.Map.of(1L, new ThreadCpu.Line("main", 100),
                2L, new ThreadCpu.Line("C2 CompilerThre", 50), 3L, new ThreadCpu.Line("C1 CompilerThre", 70)));
        // Thread 3 ended; thread 4, a new compiler thread, started.
        ThreadCpu now = new ThreadCpu(java.util.Map.of(1L, new ThreadCpu.Line("main", 130),
                2L, new ThreadCpu.Line("C2 CompilerThre", 60), 4L, new ThreadCpu.Line("C2 CompilerThre", 5)));
        ThreadCpu spent = now.minus(before);
        assertEquals(30 + 10 + 5, spent.ticks());
        assertEquals(10 + 5, spent.compilerTicks());
    }

    @Test
    void theCompilersShareIsOfAllThePartsAndUnknownWhereNothingWasRead() {
        ThreadCpu coordinator = new ThreadCpu(java.util.Map.of(1L, new ThreadCpu.Line("main", 90),
                2L, new ThreadCpu.Line("C2 CompilerThre", 10)));
        ThreadCpu agent = new ThreadCpu(java.util.Map.of(1L, new ThreadCpu.Line("main", 100)));
        assertEquals(10.0 / 200, ThreadCpu.compilerShare(java.util.List.of(coordinator, agent)));
        assertTrue(Double.isNaN(ThreadCpu.compilerShare(java.util.List.of(ThreadCpu.NONE))));
        // Spent since: a part read before counts its difference, one not read then counts whole.
        java.util.Map<String, ThreadCpu> spent = ThreadCpu.spentSince(
                java.util.Map.of("coordinator", coordinator, "nodo1", agent),
                java.util.Map.of("coordinator", new ThreadCpu(java.util.Map.of(1L, new ThreadCpu.Line("main", 40)))));
        assertEquals(50 + 10, spent.get("coordinator").ticks());
        assertEquals(100, spent.get("nodo1").ticks());

        assertEquals("until the JIT compilers took under 5% of the coordinator's and agents' processor time "
                + "(3.6% in the last 50,000)", ThreadCpu.settling(0.036, "batch", "50,000"));
        assertEquals("until the JIT compilers took still over 5% of the coordinator's and agents' processor time "
                + "(7.0% in the last 10 s)", ThreadCpu.settling(0.07, "window", "10 s"));
        assertEquals("one batch (the JIT compilers' share is read from /proc, which is not here)",
                ThreadCpu.settling(Double.NaN, "batch", "50,000"));
    }

    @Test
    void thisJvmsCompilersAreCountedApartFromItsWork() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        long pid = ProcessHandle.current().pid();
        ThreadCpu before = ThreadCpu.of(pid);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sink = 0;
        long cpuUntil = mx.getCurrentThreadCpuTime() + 300_000_000L;
        long giveUp = System.nanoTime() + 30_000_000_000L;
        while (mx.getCurrentThreadCpuTime() < cpuUntil && System.nanoTime() < giveUp) { // 0.3 s of this thread's CPU
            sink += Long.toString(sink).hashCode();
        }
        ThreadCpu spent = ThreadCpu.of(pid).minus(before);
        assertTrue(sink != 42);
        assertTrue(spent.ticks() >= 20, () -> "0.3 s of this thread's CPU shows as " + spent.ticks() + " ticks");
        assertTrue(spent.compilerTicks() < spent.ticks(), () -> "the spinning was counted as compiling: " + spent);
        // The loop above was compiled while it ran (on-stack replacement), as much else before it.
        assertTrue(ThreadCpu.of(pid).compilerTicks() > 0, "no compiler thread found, or none has worked");
    }
}
