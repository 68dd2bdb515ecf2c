package colmena.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {

    @Test
    void everyValueFallsInTheBucketWhoseBoundsHoldIt() {
        Random r = new Random(3);
        for (int k = 0; k < 100_000; k++) {
            long v = r.nextInt(4) == 0 ? r.nextInt(100) : Math.abs(r.nextLong() >>> r.nextInt(63));
            int i = LatencyHistogram.index(v);
            assertTrue(i >= 0 && i < LatencyHistogram.BUCKETS);
            assertTrue(v <= LatencyHistogram.upperBound(i), v + " above its bucket");
            assertTrue(i == 0 || v > LatencyHistogram.upperBound(i - 1), v + " below its bucket");
            assertEquals(i, LatencyHistogram.index(LatencyHistogram.upperBound(i)));
        }
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.index(Long.MAX_VALUE));
    }

    @Test
    void percentilesAreNeverBelowTheTruthAndAtMostASixteenthAbove() {
        LatencyHistogram h = new LatencyHistogram();
        for (long us = 1; us <= 1_000; us++) {
            h.record(us * 1_000);
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(1_000, s.count());
        for (double p : new double[]{0.5, 0.9, 0.99, 1.0}) {
            double truth = Math.ceil(p * 1_000) * 1_000;
            long got = s.percentileNs(p);
            assertTrue(got >= truth && got <= truth * (1 + 1 / 16.0), p + ": " + got + " for " + truth);
        }
        assertEquals(500.5, s.meanMs() * 1_000, 1e-9);
    }

    @Test
    void twoSnapshotsGiveWhatHappenedBetweenThem() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 100; i++) {
            h.record(50_000_000); // 50 ms, before
        }
        LatencyHistogram.Snapshot before = h.snapshot();
        for (int i = 0; i < 10; i++) {
            h.record(2_000);
        }
        LatencyHistogram.Snapshot between = h.snapshot().minus(before);
        assertEquals(10, between.count());
        assertEquals(0.002, between.percentileMs(0.99), 0.002 / 16);
        assertEquals(20_000, between.sumNs());
        assertEquals(0, LatencyHistogram.Snapshot.empty().percentileNs(0.5));
    }

    @Test
    void bucketsReadBackAsTheSameCounts() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v : new long[]{0, 7, 15, 16, 17, 1_000, 1_001, 123_456_789, -5}) {
            h.record(v);
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        List<long[]> buckets = s.buckets();
        LatencyHistogram.Snapshot back = LatencyHistogram.Snapshot.of(buckets, s.sumNs());
        assertEquals(s.count(), back.count());
        for (double p = 0.05; p <= 1.0; p += 0.05) {
            assertEquals(s.percentileNs(p), back.percentileNs(p));
        }
        assertEquals(2, buckets.get(0)[1], "0 and a negative value, counted as 0");
    }
}
