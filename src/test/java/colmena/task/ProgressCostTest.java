package colmena.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reporting progress costs a task next to nothing: the same hashing work, once calling
 * {@link TaskContext#progress} after every hash and once not at all, while another thread reads
 * the progress far more often than an agent's heartbeat does, takes about the same time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProgressCostTest {
    private static final int HASHES = 1_000_000;
    private static final int RUNS = 7;

    @Test
    void aTaskCallingProgressAfterEveryStepIsNotSlowedMuch() throws Exception {
        TaskContext.Progress progress = new TaskContext.Progress();
        TaskContext context = new TaskContext(600_000, BlobSource.NONE, progress);
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        Thread reader = new Thread(() -> { // a heartbeat reads once per interval; this reads every millisecond
            while (reading.get()) {
                if (progress.percent() >= 0 && progress.text() != null) {
                    reads.incrementAndGet();
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "progress-reader");
        reader.start();
        try {
            hash(null); // warm up both paths
            hash(context);
            long bestWithout = Long.MAX_VALUE;
            long bestWith = Long.MAX_VALUE;
            for (int i = 0; i < RUNS; i++) { // interleaved, so a busy moment of the machine hits both alike
                bestWithout = Math.min(bestWithout, timed(null));
                bestWith = Math.min(bestWith, timed(context));
            }
            double ratio = (double) bestWith / bestWithout;
            System.out.printf("%,d SHA-256 steps: %.1f ms without progress calls, %.1f ms with one after every step "
                    + "(ratio %.3f, best of %d)%n", HASHES, bestWithout / 1e6, bestWith / 1e6, ratio, RUNS);
            assertEquals(99, progress.percent(), "the last call's figures are what a reader sees");
            assertTrue(reads.get() > 0, "the progress was read while the task ran");
            // The figure is printed; the bound is loose enough for a busy machine (a shared build
            // server measured 1.28) yet catches a report that costs like a lock or a write to
            // Redis per call, many times the 60 ns step.
            assertTrue(ratio < 1.6, "reporting progress after every step slowed the work by " + ratio + "x");
        } finally {
            reading.set(false);
            reader.join();
        }
    }

    private static long timed(TaskContext context) throws Exception {
        long t0 = System.nanoTime();
        hash(context);
        return System.nanoTime() - t0;
    }

    /** The work of {@code sha256-chain}; with a context, a progress report after every hash. */
    private static byte[] hash(TaskContext context) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] h = new byte[32];
        for (int i = 0; i < HASHES; i++) {
            h = sha.digest(h);
            if (context != null) {
                context.progress((int) (i * 100L / HASHES), "hashing");
            }
        }
        return h;
    }
}
