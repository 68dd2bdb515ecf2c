package colmena.bench;

import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code colmena bench latency}: at a steady rate, one {@code sleep ms=0} task at a time, the time
 * from submission to its TaskHistory row stored DONE ({@code Timestamp - SubmittedAt}, both in
 * milliseconds, both taken on this machine).
 */
final class BenchLatency {
    static final List<Option> OPTIONS = List.of(
            Option.value("rate", null, "500", "R", "tasks submitted a second"),
            Option.value("seconds", null, "20", "S", "how long to measure"),
            Option.value("warmup", null, "5", "S", "seconds at the same rate before measuring (the JVMs compile the hot paths)"));
    static final double TARGET_P50_MS = 2;
    static final double TARGET_P99_MS = 10;

    private BenchLatency() {
    }

    static int run(Flags flags) throws Exception {
        int rate = flags.integer("rate", 1, 100_000);
        int seconds = flags.integer("seconds", 1, 3_600);
        int warmup = flags.integer("warmup", 0, 600);
        try (Pipeline p = Pipeline.start("latency", 2)) {
            TaskQueue queue = new TaskQueue(p.lab.redis);
            int n = rate * (seconds + warmup);
            int measured = rate * seconds;
            long period = 1_000_000_000L / rate;
            long t0 = System.nanoTime();
            java.sql.Timestamp measureFrom = new java.sql.Timestamp(System.currentTimeMillis() + warmup * 1_000L);
            for (int i = 0; i < n; i++) {
                long due = t0 + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                queue.submitNew("sleep", Map.of("ms", 0), 1, null);
            }
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (p.rows("Status = 'DONE'") < n && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<Long> latencies = new ArrayList<>(n);
            try (Connection c = p.lab.db.connect(); java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT SubmittedAt, [Timestamp] FROM TaskHistory WHERE Status = 'DONE' AND SubmittedAt >= ?")) {
                ps.setTimestamp(1, measureFrom);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        latencies.add(rs.getTimestamp(2).getTime() - rs.getTimestamp(1).getTime());
                    }
                }
            }
            Collections.sort(latencies);
            double p50 = pct(latencies, 50);
            double p99 = pct(latencies, 99);
            System.out.printf(Locale.ROOT, "Latency: %d tasks/s, sleep(ms=0), 2 agents; %d s of warm-up, then %d s measured: %,d tasks%n",
                    rate, warmup, seconds, latencies.size());
            System.out.printf(Locale.ROOT, "  submission to row stored: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms%n",
                    p50, pct(latencies, 90), p99, pct(latencies, 99.9), pct(latencies, 100));
            System.out.printf(Locale.ROOT, "  (BullMQ, add to completed, on this kind of machine: p50 1.4 ms, p99 15 ms)%n");
            boolean met = latencies.size() >= measured * 0.99 && p50 <= TARGET_P50_MS && p99 <= TARGET_P99_MS;
            System.out.printf(Locale.ROOT, "Target: p50 within %.0f ms and p99 within %.0f ms: %s%n", TARGET_P50_MS, TARGET_P99_MS,
                    met ? "met" : "NOT met");
            return met ? 0 : 1;
        }
    }

    private static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(p / 100.0 * sorted.size()) - 1));
        return sorted.get(i);
    }
}
