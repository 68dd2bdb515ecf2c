package colmena.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady open-loop load on one endpoint. Each request is sent at its scheduled time whether or
 * not earlier ones have answered, and its latency runs from that scheduled time to the end of the
 * answer, so a stall shows in the figures instead of slowing the load (no coordinated omission).
 */
final class OpenLoad {
    private OpenLoad() {
    }

    /** The nearest-rank percentile {@code p} (0 to 1) of sorted nanoseconds, in milliseconds; NaN when empty. */
    static double nearestRankMs(long[] sortedNs, double p) {
        return sortedNs.length == 0 ? Double.NaN : nearestRank(sortedNs, p) / 1e6;
    }

    /** The nearest-rank percentile {@code p} (0 to 1) of a sorted, non-empty array, in its own unit. */
    static long nearestRank(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** The figures of one endpoint; {@code latenciesNs} holds one entry per 200 answer of the measured window, sorted. */
    record Figures(String name, int requests, int errors, double sentPerSecond, long[] latenciesNs, String firstError) {
        /** The nearest-rank percentile {@code p} (0 to 1) in milliseconds; NaN when nothing answered. */
        double ms(double p) {
            return nearestRankMs(latenciesNs, p);
        }

        /** Every request answered 200 and the p99 is within {@code targetMs}. */
        boolean met(double targetMs) {
            return errors == 0 && latenciesNs.length > 0 && ms(0.99) <= targetMs;
        }
    }

    /**
     * Sends {@code rate} requests a second for the warm-up and then the measured window, on the
     * calling thread; returns once every measured request has answered or failed.
     */
    static Figures drive(HttpClient client, String name, HttpRequest request, int rate, int warmupSeconds, int seconds) {
        long periodNs = 1_000_000_000L / rate;
        int warmup = warmupSeconds * rate;
        int measured = seconds * rate;
        long[] latencies = new long[measured]; // each slot written once, read after every answer is in
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        List<CompletableFuture<?>> pending = new ArrayList<>(measured);
        long t0 = System.nanoTime() + 50_000_000L;
        long firstSent = 0;
        long lastSent = 0;
        for (int k = 0; k < warmup + measured; k++) {
            long scheduled = waitForSlot(t0 + k * periodNs);
            CompletableFuture<HttpResponse<Void>> sent = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
            if (k < warmup) {
                continue;
            }
            lastSent = System.nanoTime();
            firstSent = k == warmup ? lastSent : firstSent;
            pending.add(sent.whenComplete((response, failure) -> {
                long latency = System.nanoTime() - scheduled;
                if (failure == null && response.statusCode() == 200) {
                    latencies[ok.getAndIncrement()] = latency;
                } else {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, failure != null ? String.valueOf(failure)
                            : "HTTP " + response.statusCode());
                }
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        return figures(name, rate, measured, errors.get(), latencies, ok.get(), firstSent, lastSent, firstError.get());
    }

    /**
     * The same load sent from one thread with a plain blocking connection (kept alive between
     * requests): no thread hand-offs in the measuring process, whose own scheduling would
     * otherwise show in the figures on a busy machine. A request that comes due while the one
     * before has not answered is sent as soon as it has, and its latency still counts from when
     * it was due.
     */
    static Figures driveBlocking(String name, URI uri, Map<String, String> headers, int rate, int warmupSeconds, int seconds) {
        long periodNs = 1_000_000_000L / rate;
        int warmup = warmupSeconds * rate;
        int measured = seconds * rate;
        long[] latencies = new long[measured];
        int ok = 0;
        int errors = 0;
        String firstError = null;
        byte[] sink = new byte[64 * 1024];
        long t0 = System.nanoTime() + 50_000_000L;
        long firstSent = 0;
        long lastSent = 0;
        for (int k = 0; k < warmup + measured; k++) {
            long scheduled = waitForSlot(t0 + k * periodNs);
            if (k == warmup) {
                firstSent = System.nanoTime();
            }
            lastSent = System.nanoTime();
            boolean answered = false;
            try {
                HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
                c.setConnectTimeout(30_000);
                c.setReadTimeout(30_000);
                headers.forEach(c::setRequestProperty);
                int status = c.getResponseCode();
                answered = status == 200;
                if (!answered && k >= warmup && firstError == null) {
                    firstError = "HTTP " + status;
                }
                try (InputStream in = answered ? c.getInputStream() : c.getErrorStream()) {
                    while (in != null && in.read(sink) >= 0) {
                        // read to the end, so the connection is kept for the next request
                    }
                }
            } catch (IOException e) {
                answered = false;
                if (k >= warmup && firstError == null) {
                    firstError = e.toString();
                }
            }
            long latency = System.nanoTime() - scheduled;
            if (k >= warmup) {
                if (answered) {
                    latencies[ok++] = latency;
                } else {
                    errors++;
                }
            }
        }
        return figures(name, rate, measured, errors, latencies, ok, firstSent, lastSent, firstError);
    }

    /** Waits until {@code scheduled} (System.nanoTime) and returns it. */
    static long waitForSlot(long scheduled) {
        for (long wait = scheduled - System.nanoTime(); wait > 0; wait = scheduled - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        return scheduled;
    }

    /** The figures of a measured window: the first {@code ok} latencies sorted, and the rate actually sent. */
    static Figures figures(String name, int rate, int measured, int errors, long[] latencies, int ok,
                                   long firstSent, long lastSent, String firstError) {
        long[] done = Arrays.copyOf(latencies, ok);
        Arrays.sort(done);
        double sentPerSecond = measured < 2 ? rate : (measured - 1) / ((lastSent - firstSent) / 1e9);
        return new Figures(name, measured, errors, sentPerSecond, done, firstError);
    }
}
