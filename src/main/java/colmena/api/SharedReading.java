package colmena.api;

import colmena.threads.Threads;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A value read from a slow source, such as a count over TaskHistory, shared by the requests that
 * want it instead of read by each of them.
 * <p>
 * A key's value is served as is while it is fresh: for {@code minAge} and for {@link #COST_FACTOR}
 * times as long as reading it took, whichever is longer. So a read that grows slow (a count over
 * millions of rows while a burst of results is written) is made less often, and never by every
 * request at once. Once a value is no longer fresh, the next request reads it again and waits for
 * it when the last read was quick (under {@link #WAIT_BELOW_NANOS}); when the last read was slow,
 * the old value is served at once and one background read replaces it. Concurrent requests for a
 * key share one read; a failed read is not kept and its error goes to those that waited for it.
 *
 * @param <K> what is read (for example a filter), with {@code equals} and {@code hashCode}
 * @param <V> the value read
 */
final class SharedReading<K, V> {
    /** A value stays fresh this many times as long as reading it took. */
    static final int COST_FACTOR = 10;
    /** A read quicker than this is waited for when its value is no longer fresh. */
    static final long WAIT_BELOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Keys kept at most; past it the kept values are dropped and read again as asked. */
    static final int MAX_KEYS = 256;

    /** Reads the value for a key. */
    @FunctionalInterface
    interface Source<K, V> {
        V read(K key) throws Exception;
    }

    private record Value<V>(V value, long readAtNanos, long tookNanos, long freshUntilNanos) {
    }

    private final Source<K, V> source;
    private final long minAgeNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<K, Value<V>> values = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<K, CompletableFuture<Value<V>>> reading = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor background;

    /**
     * @param name   names the background thread ({@code colmena-<name>})
     * @param minAge how long a value is served without reading again, however quick the read
     */
    SharedReading(String name, Duration minAge, Source<K, V> source) {
        this(name, minAge, source, System::nanoTime);
    }

    SharedReading(String name, Duration minAge, Source<K, V> source, LongSupplier nanoClock) {
        this.source = source;
        this.minAgeNanos = minAge.toNanos();
        this.nanoClock = nanoClock;
        this.background = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_KEYS),
                Threads.named("colmena-" + name, true), new ThreadPoolExecutor.AbortPolicy());
        background.allowCoreThreadTimeOut(true);
    }

    /** The value for {@code key}, as described above. Throws what the read threw. */
    V get(K key) throws Exception {
        Value<V> kept = values.get(key);
        if (kept != null) {
            if (nanoClock.getAsLong() - kept.freshUntilNanos() < 0) {
                return kept.value();
            }
            if (kept.tookNanos() >= WAIT_BELOW_NANOS) {
                readInBackground(key);
                return kept.value();
            }
        }
        return await(shared(key));
    }

    /**
     * The value for {@code key} without waiting for a read when one is kept, however quick the last
     * read was: a kept value no longer fresh is served, and one background read replaces it. Only
     * the first call for a key waits. For readers that must not wait, such as a page read ahead
     * for many requests, whose answer says how old the value is ({@link #ageMs}).
     */
    V getKept(K key) throws Exception {
        Value<V> kept = values.get(key);
        if (kept == null) {
            return await(shared(key));
        }
        if (nanoClock.getAsLong() - kept.freshUntilNanos() >= 0) {
            readInBackground(key);
        }
        return kept.value();
    }

    /**
     * As {@link #getKept}, but when no value is kept yet the first read runs in the background and
     * is waited for at most {@code firstWait}: null when it has not ended by then (it goes on and is
     * kept for the next call). For answers that can say "still counting" rather than keep someone
     * waiting for seconds on a count over millions of rows.
     */
    V getKeptWithin(K key, Duration firstWait) throws Exception {
        if (has(key)) {
            return getKept(key);
        }
        readInBackground(key);
        CompletableFuture<Value<V>> first = reading.get(key);
        if (first == null) { // read already, or the background refused it: as getKept
            return getKept(key);
        }
        try {
            return await(first.copy().orTimeout(Math.max(1, firstWait.toNanos()), TimeUnit.NANOSECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (java.util.concurrent.CancellationException e) {
            return getKept(key); // the background refused it after all
        }
    }

    /** Whether a value is kept for {@code key}. */
    boolean has(K key) {
        return values.containsKey(key);
    }

    /** How old the value served for {@code key} is, in milliseconds; 0 when none is kept. */
    long ageMs(K key) {
        Value<V> kept = values.get(key);
        return kept == null ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - kept.readAtNanos()));
    }

    /** Stops the background reader. */
    void close() {
        background.shutdownNow();
    }

    /** The read under way for {@code key}, or a new one made on this thread. */
    private CompletableFuture<Value<V>> shared(K key) {
        CompletableFuture<Value<V>> mine = new CompletableFuture<>();
        CompletableFuture<Value<V>> other = reading.putIfAbsent(key, mine);
        if (other != null) {
            return other;
        }
        readInto(key, mine);
        return mine;
    }

    private void readInBackground(K key) {
        CompletableFuture<Value<V>> mine = new CompletableFuture<>();
        if (reading.putIfAbsent(key, mine) != null) {
            return;
        }
        try {
            background.execute(() -> readInto(key, mine));
        } catch (RejectedExecutionException e) {
            // Closed, or more keys waiting than are kept: the old value serves until asked again.
            reading.remove(key, mine);
            mine.cancel(false);
        }
    }

    private void readInto(K key, CompletableFuture<Value<V>> future) {
        try {
            long start = nanoClock.getAsLong();
            V value = source.read(key);
            long end = nanoClock.getAsLong();
            long took = end - start;
            Value<V> read = new Value<>(value, end, took, end + Math.max(minAgeNanos, COST_FACTOR * took));
            if (values.size() >= MAX_KEYS && !values.containsKey(key)) {
                values.clear();
            }
            values.put(key, read);
            future.complete(read);
        } catch (Throwable e) {
            future.completeExceptionally(e);
        } finally {
            reading.remove(key, future);
        }
    }

    private static <V> V await(CompletableFuture<Value<V>> future) throws Exception {
        try {
            return future.get().value();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            throw (Error) cause;
        }
    }
}
