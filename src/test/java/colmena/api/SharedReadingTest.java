package colmena.api;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedReadingTest {
    /** A clock the test moves; each read "takes" {@link #cost} on it. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong cost = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(2));
    private final AtomicInteger reads = new AtomicInteger();

    private SharedReading<String, Integer> counting(Duration minAge) {
        return new SharedReading<>("test-counts", minAge, key -> {
            now.addAndGet(cost.get());
            return reads.incrementAndGet();
        }, now::get);
    }

    @Test
    void aQuickReadIsServedWhileFreshAndReadAgainAfter() throws Exception {
        SharedReading<String, Integer> r = counting(Duration.ZERO);
        assertEquals(1, r.get("all"));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(19)); // fresh for 10 × 2 ms
        assertEquals(1, r.get("all"), "still fresh");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
        assertEquals(2, r.get("all"), "read again, and waited for: the last read was quick");
        assertEquals(3, r.get("other"), "each key its own value");
    }

    @Test
    void theMinimumAgeHoldsHoweverQuickTheRead() throws Exception {
        SharedReading<String, Integer> r = counting(Duration.ofSeconds(1));
        assertEquals(1, r.get("all"));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(900));
        assertEquals(1, r.get("all"));
        assertEquals(900, r.ageMs("all"));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        assertEquals(2, r.get("all"));
    }

    @Test
    void aSlowReadIsServedStaleWhileOneBackgroundReadReplacesIt() throws Exception {
        SharedReading<String, Integer> r = counting(Duration.ZERO);
        cost.set(TimeUnit.MILLISECONDS.toNanos(300));
        assertEquals(1, r.get("all"));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(2_999));
        assertEquals(1, r.get("all"), "fresh for ten times 300 ms");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
        assertEquals(1, r.get("all"), "stale, served at once");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reads.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(2, reads.get(), "one background read");
        Thread.sleep(50);
        assertEquals(2, r.get("all"), "the background read's value served next");
        assertEquals(2, reads.get());
    }

    @Test
    void aKeptValueIsServedWithoutWaitingHoweverQuickTheLastRead() throws Exception {
        SharedReading<String, Integer> r = counting(Duration.ZERO);
        assertEquals(1, r.getKept("all"), "the first read is waited for");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(21)); // past ten times its 2 ms
        assertEquals(1, r.getKept("all"), "stale, served at once");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reads.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(2, reads.get(), "one background read replaces it");
        colmena.support.Eventually.within(Duration.ofSeconds(10), "the background read's value served",
                () -> get(r, "all") == 2);
        assertEquals(2, reads.get(), "and no other read");
    }

    @Test
    void concurrentRequestsShareOneRead() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SharedReading<String, Integer> r = new SharedReading<>("test-counts", Duration.ZERO, key -> {
            started.countDown();
            release.await();
            return reads.incrementAndGet();
        });
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> waiting = new ArrayList<>();
            waiting.add(CompletableFuture.supplyAsync(() -> get(r), threads));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 7; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> get(r), threads));
            }
            Thread.sleep(200);
            assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "all eight wait for the one read");
            release.countDown();
            for (CompletableFuture<Integer> f : waiting) {
                assertEquals(1, f.get(10, TimeUnit.SECONDS), "the shared read's value");
            }
            assertEquals(1, reads.get(), "eight requests, one read");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aFailedReadIsNotKeptAndItsErrorReachesTheCaller() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SharedReading<String, Integer> r = new SharedReading<>("test-counts", Duration.ofSeconds(60), key -> {
            if (calls.incrementAndGet() == 1) {
                throw new SQLException("database unreachable");
            }
            return 42;
        });
        SQLException e = assertThrows(SQLException.class, () -> r.get("all"));
        assertEquals("database unreachable", e.getMessage());
        assertEquals(42, r.get("all"), "read again: the failure was not kept");
    }

    private static int get(SharedReading<String, Integer> r, String key) {
        try {
            return r.getKept(key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int get(SharedReading<String, Integer> r) {
        try {
            return r.get("all");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFirstReadThatTakesLongIsNotWaitedForPastTheGivenTimeAndIsKeptWhenItEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowReads = new AtomicInteger();
        SharedReading<String, Integer> r = new SharedReading<>("test-counts", Duration.ZERO, key -> {
            release.await(10, TimeUnit.SECONDS);
            return 40 + slowReads.incrementAndGet();
        });
        try {
            long t0 = System.nanoTime();
            assertEquals(null, r.getKeptWithin("all", Duration.ofMillis(100)), "not counted yet");
            assertEquals(null, r.getKeptWithin("all", Duration.ofMillis(50)), "the same read, still under way");
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waitedMs >= 140 && waitedMs < 5_000, "waited " + waitedMs + " ms for two calls of 100 and 50 ms");
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!r.has("all") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(41, r.getKeptWithin("all", Duration.ofMillis(100)), "kept once the background read ended");
            assertEquals(1, slowReads.get(), "one read for all three calls");
        } finally {
            release.countDown();
            r.close();
        }
    }

    @Test
    void aQuickFirstReadIsWaitedFor() throws Exception {
        SharedReading<String, Integer> r = counting(Duration.ZERO);
        assertEquals(1, r.getKeptWithin("all", Duration.ofSeconds(5)));
        assertTrue(r.has("all"));
        assertEquals(1, reads.get());
    }
}
