package colmena.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A value read at most {@code maxAge} ago, shared by every request — or, when reading it took
 * long, at most {@link #COST_FACTOR} times as long as the read took, so a read that grows slow (a
 * page of a long history the cache no longer holds) is made less often instead of by every
 * request in turn. Once the current reading is half that old, the next request starts a new read
 * in the background and is answered from the current one, so readers arriving steadily never wait
 * for a read; a reader that finds it older than that (or {@link #invalidate invalidated}) reads at
 * once, and readers arriving meanwhile wait for that one read instead of starting their own —
 * unless the current reading took long to read: then it is served once more while one background
 * read replaces it, so a slow read never holds up every request (a page of millions of rows that
 * nobody asked for in a while). With
 * {@code maxAge} zero every call gets a value read after it was made: callers that arrive while a
 * read is under way share the one read that starts when it ends, so reads never run side by side
 * however many ask.
 */
final class ReadAhead<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadAhead.class);

    private record Reading<T>(T value, long atNanos, long generation, long servedForNanos) {
    }

    /** A reading that took long is served for this many times as long as it took, if that is longer than {@code maxAge}. */
    static final int COST_FACTOR = 10;

    private final Supplier<T> read;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    private final Executor background;
    private final Object reading = new Object();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicLong generation = new AtomicLong();
    private volatile Reading<T> current;

    /**
     * @param read       makes a fresh value; its exceptions reach the caller of {@link #get} that waited for it
     * @param nanoClock  {@link System#nanoTime} but for tests
     * @param background where reads ahead run
     */
    ReadAhead(Supplier<T> read, long maxAgeNanos, LongSupplier nanoClock, Executor background) {
        this.read = read;
        this.maxAgeNanos = maxAgeNanos;
        this.nanoClock = nanoClock;
        this.background = background;
    }

    /** A value read at most {@code maxAge} ago (or just now). */
    T get() {
        Reading<T> r = current;
        long now = nanoClock.getAsLong();
        if (isFresh(r, now)) {
            if (now - r.atNanos() > r.servedForNanos() / 2) {
                readInBackground();
            }
            return r.value();
        }
        if (tookLong(r)) {
            // Too old, but reading it again takes long (a page of millions of rows): every handler
            // would wait for that read. It is served once more while one background read replaces it.
            readInBackground();
            return r.value();
        }
        synchronized (reading) {
            r = current;
            if (isFresh(r, nanoClock.getAsLong()) || startedSince(r, now)) {
                return r.value(); // read by whoever held the lock before
            }
            return readNow();
        }
    }

    /** Whether {@code r} was read, still valid, from a moment after {@code askedNanos}: as fresh as the caller asked. */
    private boolean startedSince(Reading<T> r, long askedNanos) {
        return r != null && r.generation() == generation.get() && r.atNanos() - askedNanos > 0;
    }

    /** The next {@link #get} reads again (after a change this process made itself). */
    void invalidate() {
        generation.incrementAndGet();
    }

    /** Whether {@code r}, still valid, took longer to read than {@code maxAge} allows for ({@link #COST_FACTOR}). */
    private boolean tookLong(Reading<T> r) {
        return r != null && maxAgeNanos > 0 && r.generation() == generation.get() && r.servedForNanos() > maxAgeNanos;
    }

    private boolean isFresh(Reading<T> r, long now) {
        return r != null && maxAgeNanos > 0 && r.generation() == generation.get() && now - r.atNanos() <= r.servedForNanos();
    }

    /** Reads, and keeps the value unless it was invalidated meanwhile; call holding {@link #reading}. */
    private T readNow() {
        long gen = generation.get();
        long at = nanoClock.getAsLong(); // the age counts from before the read: a value is never younger than it says
        T value = read.get();
        Reading<T> before = current;
        if (gen == generation.get() && (before == null || before.atNanos() <= at)) {
            long took = nanoClock.getAsLong() - at;
            current = new Reading<>(value, at, gen, Math.max(maxAgeNanos, COST_FACTOR * took));
        }
        return value;
    }

    private void readInBackground() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    synchronized (reading) {
                        Reading<T> r = current;
                        long now = nanoClock.getAsLong();
                        if (!isFresh(r, now) || now - r.atNanos() > r.servedForNanos() / 2) {
                            readNow();
                        }
                    }
                } catch (RuntimeException e) {
                    // The current reading is served until it is too old; then a request reads and says what failed.
                    LOG.debug("Reading ahead failed: {}", e.toString());
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.set(false);
        }
    }
}
