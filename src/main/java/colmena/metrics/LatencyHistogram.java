package colmena.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted in fixed logarithmic buckets, cheap enough to record on every task: one
 * array increment, no allocation, no lock. Each power of two is split into 16 buckets, so a
 * percentile read back is at most 1/16 (6.25 %) above the true value, never below it. Two
 * {@link Snapshot}s taken some time apart give the percentiles of what happened in between.
 */
public final class LatencyHistogram {
    /** Buckets per power of two, as a power of two itself. */
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    /** Enough buckets for any non-negative long. */
    static final int BUCKETS = SUB + (63 - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder sumNs = new LongAdder();

    /** Counts one duration, in nanoseconds; a negative one counts as 0. */
    public void record(long ns) {
        long v = Math.max(0, ns);
        counts.incrementAndGet(index(v));
        sumNs.add(v);
    }

    /** The counts so far (other threads may record meanwhile; each record lands in one snapshot or the next). */
    public Snapshot snapshot() {
        long[] c = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            c[i] = counts.get(i);
        }
        return new Snapshot(c, sumNs.sum());
    }

    /** The bucket of a value: values under 16 have one each; above, 16 per power of two. */
    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int shift = exponent - SUB_BITS;
        int sub = (int) (v >>> shift) & (SUB - 1);
        return SUB + shift * SUB + sub;
    }

    /** The largest value that falls in bucket {@code i}. */
    static long upperBound(int i) {
        if (i < SUB) {
            return i;
        }
        int shift = (i - SUB) / SUB;
        int sub = (i - SUB) % SUB;
        long next = (long) (SUB + sub + 1) << shift;
        return next - 1 < 0 ? Long.MAX_VALUE : next - 1;
    }

    /** Counts at one moment. */
    public static final class Snapshot {
        private final long[] counts;
        private final long sumNs;
        private final long count;

        private Snapshot(long[] counts, long sumNs) {
            this.counts = counts;
            this.sumNs = sumNs;
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            this.count = n;
        }

        public static Snapshot empty() {
            return new Snapshot(new long[BUCKETS], 0);
        }

        public long count() {
            return count;
        }

        public long sumNs() {
            return sumNs;
        }

        /** What was recorded after {@code earlier} was taken. */
        public Snapshot minus(Snapshot earlier) {
            long[] c = new long[BUCKETS];
            for (int i = 0; i < BUCKETS; i++) {
                c[i] = Math.max(0, counts[i] - earlier.counts[i]);
            }
            return new Snapshot(c, Math.max(0, sumNs - earlier.sumNs));
        }

        /**
         * The {@code p} quantile (0 to 1) in nanoseconds: the upper bound of the bucket holding the
         * nearest-rank value; 0 when nothing was recorded.
         */
        public long percentileNs(double p) {
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(p * count));
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return upperBound(i);
                }
            }
            return upperBound(BUCKETS - 1);
        }

        public double percentileMs(double p) {
            return percentileNs(p) / 1e6;
        }

        public double maxMs() {
            return percentileMs(1.0);
        }

        public double meanMs() {
            return count == 0 ? 0 : sumNs / 1e6 / count;
        }

        /** The non-empty buckets as {@code [upperBoundNs, count]} pairs, smallest first: how it is written to Redis. */
        public List<long[]> buckets() {
            List<long[]> out = new ArrayList<>();
            for (int i = 0; i < BUCKETS; i++) {
                if (counts[i] > 0) {
                    out.add(new long[]{upperBound(i), counts[i]});
                }
            }
            return out;
        }

        /** Reads back what {@link #buckets()} wrote. */
        public static Snapshot of(List<long[]> buckets, long sumNs) {
            long[] c = new long[BUCKETS];
            for (long[] b : buckets) {
                c[index(b[0])] += b[1];
            }
            return new Snapshot(c, sumNs);
        }
    }
}
