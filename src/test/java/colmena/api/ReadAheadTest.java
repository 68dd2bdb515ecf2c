package colmena.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadAheadTest {
    private static final long MAX_AGE = 1_000;
    private final AtomicLong clock = new AtomicLong(10_000);
    private final AtomicInteger reads = new AtomicInteger();
    private final List<Runnable> background = new ArrayList<>();

    private ReadAhead<Integer> readAhead(long maxAge) {
        return readAhead(maxAge, reads::incrementAndGet);
    }

    private ReadAhead<Integer> readAhead(long maxAge, Supplier<Integer> read) {
        return new ReadAhead<>(read, maxAge, clock::get, background::add);
    }

    private void runBackground() {
        List<Runnable> due = new ArrayList<>(background);
        background.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aReadingIsSharedUntilItIsHalfItsMaximumAge() {
        ReadAhead<Integer> r = readAhead(MAX_AGE);
        assertEquals(1, r.get());
        clock.addAndGet(MAX_AGE / 2);
        assertEquals(1, r.get());
        assertEquals(1, reads.get());
        assertTrue(background.isEmpty());
    }

    @Test
    void pastHalfItsAgeTheNextReadIsMadeInTheBackgroundWhileTheCurrentOneIsServed() {
        ReadAhead<Integer> r = readAhead(MAX_AGE);
        r.get();
        clock.addAndGet(MAX_AGE * 3 / 4);
        assertEquals(1, r.get(), "served at once from the current reading");
        assertEquals(1, r.get());
        assertEquals(1, background.size(), "one read ahead, however many ask");
        runBackground();
        assertEquals(2, r.get());
        clock.addAndGet(MAX_AGE * 3 / 4);
        assertEquals(2, r.get(), "the new reading's age counts from its own read");
    }

    @Test
    void aReadingOlderThanItsMaximumAgeIsNeverServed() {
        ReadAhead<Integer> r = readAhead(MAX_AGE);
        r.get();
        clock.addAndGet(MAX_AGE + 1);
        assertEquals(2, r.get(), "read at once");
        assertTrue(background.isEmpty());
    }

    @Test
    void anInvalidatedReadingIsReadAgainAtOnce() {
        ReadAhead<Integer> r = readAhead(MAX_AGE);
        r.get();
        clock.addAndGet(MAX_AGE * 3 / 4);
        r.get(); // a read ahead is queued
        r.invalidate();
        assertEquals(2, r.get(), "read after the change");
        runBackground(); // the read ahead finds a fresh reading: nothing to do
        assertEquals(2, r.get());
        assertEquals(2, reads.get());
    }

    @Test
    void aReadAheadUnderWayWhenAChangeLandsIsNotServed() {
        java.util.concurrent.atomic.AtomicBoolean changeMeanwhile = new java.util.concurrent.atomic.AtomicBoolean();
        List<ReadAhead<Integer>> holder = new ArrayList<>();
        holder.add(readAhead(MAX_AGE, () -> {
            int v = reads.incrementAndGet();
            if (changeMeanwhile.get()) {
                holder.get(0).invalidate(); // a drain made while this read was under way
            }
            return v;
        }));
        ReadAhead<Integer> r = holder.get(0);
        assertEquals(1, r.get());
        clock.addAndGet(MAX_AGE * 3 / 4);
        r.get();
        changeMeanwhile.set(true);
        runBackground();
        changeMeanwhile.set(false);
        assertEquals(3, r.get(), "read again, not the reading from before the change");
    }

    @Test
    void withNoMaximumAgeEveryCallReads() {
        ReadAhead<Integer> r = readAhead(0);
        assertEquals(1, r.get());
        assertEquals(2, r.get());
        assertEquals(3, r.get());
        assertTrue(background.isEmpty());
    }

    @Test
    void aFailedReadReachesItsCallerAndTheNextCallTriesAgain() {
        AtomicInteger calls = new AtomicInteger();
        ReadAhead<Integer> r = readAhead(MAX_AGE, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("Redis is away");
            }
            return calls.get();
        });
        assertThrows(IllegalStateException.class, r::get);
        assertEquals(2, r.get());
    }

    @Test
    void aFailedReadAheadLeavesTheCurrentReadingUntilItIsTooOld() {
        AtomicInteger calls = new AtomicInteger();
        ReadAhead<Integer> r = readAhead(MAX_AGE, () -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("Redis is away");
            }
            return calls.get();
        });
        assertEquals(1, r.get());
        clock.addAndGet(MAX_AGE * 3 / 4);
        r.get();
        runBackground();
        assertEquals(1, r.get(), "still served");
        clock.addAndGet(MAX_AGE);
        assertEquals(3, r.get(), "too old now: read at once");
    }

    @Test
    void withNoMaximumAgeCallersArrivingDuringAReadShareTheNextOne() throws Exception {
        java.util.concurrent.Semaphore finish = new java.util.concurrent.Semaphore(0);
        ReadAhead<Integer> r = new ReadAhead<>(() -> {
            int n = reads.incrementAndGet();
            finish.acquireUninterruptibly();
            return n;
        }, 0, System::nanoTime, background::add);
        int[] got = new int[4];
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int me = i;
            callers.add(new Thread(() -> got[me] = r.get()));
        }
        callers.get(0).start();
        colmena.support.Eventually.within(java.time.Duration.ofSeconds(5), "the first read under way", () -> reads.get() == 1);
        for (Thread t : callers.subList(1, 4)) {
            t.start();
        }
        colmena.support.Eventually.within(java.time.Duration.ofSeconds(5), "the other three waiting for it",
                () -> callers.subList(1, 4).stream().allMatch(t -> t.getState() == Thread.State.BLOCKED));
        finish.release(100);
        for (Thread t : callers) {
            t.join(5_000);
        }
        assertEquals(1, got[0]);
        assertEquals(List.of(2, 2, 2), List.of(got[1], got[2], got[3]), "read after they asked, once for all three");
        assertEquals(2, reads.get(), "two reads for four callers, never two at once");
    }

    @Test
    void aSlowReadIsServedForTenTimesAsLongAsItTook() {
        long took = MAX_AGE; // each read moves the clock on by this
        ReadAhead<Integer> r = readAhead(MAX_AGE, () -> {
            clock.addAndGet(took);
            return reads.incrementAndGet();
        });
        assertEquals(1, r.get());
        clock.addAndGet(ReadAhead.COST_FACTOR * took / 2 - took); // half of ten times, counted from the read's start
        assertEquals(1, r.get(), "fresh for ten times the read's length, not its maximum age");
        assertTrue(background.isEmpty(), "not yet half that old");
        clock.addAndGet(1);
        assertEquals(1, r.get(), "past half: served, and read again in the background");
        assertEquals(1, background.size());
        clock.addAndGet(ReadAhead.COST_FACTOR * took / 2);
        assertEquals(1, r.get(), "older than ten times: served once more, as its read takes long");
        assertEquals(1, r.get());
        assertEquals(1, background.size(), "one read in the background replaces it (the one asked for at half its age)");
        assertEquals(1, reads.get(), "no caller waited for a read");
        runBackground();
        assertEquals(2, r.get(), "the background read's value");
    }

    @Test
    void aQuickReadingOlderThanItsAgeIsReadAgainWhileASlowOneIsNotWaitedFor() {
        ReadAhead<Integer> quick = readAhead(MAX_AGE);
        quick.get();
        clock.addAndGet(MAX_AGE + 1);
        assertEquals(2, quick.get(), "a quick read is made at once");
        ReadAhead<Integer> slow = readAhead(MAX_AGE, () -> {
            clock.addAndGet(MAX_AGE);
            return 100 + reads.incrementAndGet();
        });
        assertEquals(103, slow.get());
        slow.invalidate();
        assertEquals(104, slow.get(), "an invalidated reading is read at once, however slow");
    }
}
