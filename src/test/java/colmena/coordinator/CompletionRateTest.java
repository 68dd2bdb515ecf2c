package colmena.coordinator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionRateTest {

    /** Readings every 250 ms while the node finishes {@code perSecond} tasks a second. */
    private static long feed(CompletionRate rate, long fromMs, long toMs, long done, double perSecond, boolean busy) {
        long d = done;
        for (long t = fromMs; t <= toMs; t += 250) {
            rate.observe(t, d, busy);
            if (busy) {
                d += Math.round(perSecond / 4);
            }
        }
        return d;
    }

    @Test
    void theRateIsTheTasksFinishedOverTheTimeSpentWithWorkWaiting() {
        CompletionRate rate = new CompletionRate();
        feed(rate, 0, 3_000, 100, 20, true);
        assertEquals(20, rate.perSecond(), 1e-9);
    }

    @Test
    void thereIsNoRateUntilEnoughTasksOverEnoughTimeWereSeen() {
        CompletionRate rate = new CompletionRate();
        rate.observe(0, 0, true);
        assertTrue(Double.isNaN(rate.perSecond()));
        rate.observe(250, 10, true);
        assertTrue(Double.isNaN(rate.perSecond()), "10 tasks, but in a quarter of a second");
        CompletionRate slow = new CompletionRate();
        feed(slow, 0, 5_000, 0, 1, true); // 1 a second: 4 readings before one more task
        assertTrue(Double.isNaN(slow.perSecond()), "too few tasks to say");
    }

    @Test
    void timeWithoutWorkWaitingDoesNotLowerTheRate() {
        CompletionRate rate = new CompletionRate();
        long done = feed(rate, 0, 2_000, 0, 20, true);
        done = feed(rate, 2_250, 10_000, done, 0, false); // idle for 8 s, nothing finished
        feed(rate, 10_250, 11_000, done, 20, true);
        assertEquals(20, rate.perSecond(), 1e-9);
    }

    @Test
    void theRateFollowsAChangeWithinAFewSeconds() {
        CompletionRate rate = new CompletionRate();
        long done = feed(rate, 0, 10_000, 0, 20, true);
        assertEquals(20, rate.perSecond(), 1e-9);
        feed(rate, 10_250, 14_000, done, 8, true); // another program now takes more than half the core
        assertEquals(8, rate.perSecond(), 1e-9);
    }

    @Test
    void aCounterThatGoesBackStartsAfresh() {
        CompletionRate rate = new CompletionRate();
        feed(rate, 0, 3_000, 500, 20, true);
        rate.observe(3_250, 0, true); // the node was forgotten and came back
        assertTrue(Double.isNaN(rate.perSecond()));
        feed(rate, 3_500, 6_000, 0, 12, true);
        assertEquals(12, rate.perSecond(), 1e-9);
    }

    @Test
    void oldObservationsAreForgotten() {
        CompletionRate rate = new CompletionRate();
        long done = feed(rate, 0, 3_000, 0, 20, true);
        rate.observe(3_000 + CompletionRate.FORGET_AFTER_MS + 1_000, done, false);
        assertTrue(Double.isNaN(rate.perSecond()));
    }
}
