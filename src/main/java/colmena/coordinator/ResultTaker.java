package colmena.coordinator;

import colmena.broker.TaskQueue;
import colmena.threads.Threads;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes batches of results into {@code results:storing} for the {@link ResultCollector}, and reads
 * them. While results come in large batches, the next batch is taken and read on a thread of its
 * own while the collector stores the one before, so the collector's thread spends its time in the
 * database rather than waiting for Redis. At low rates each take is made on the collector's own
 * thread, when it asks, as a hand-off to another thread would only add to each result's wait.
 *
 * <p>At most one take is under way at a time, and batches are handed to the collector in the order
 * they were taken, so {@code results:storing} holds, in order: what the collector committed, the
 * batch it is storing, then the one taken ahead. After a failure {@link #forget} waits for a take
 * under way to end and forgets its batch: that batch is in results:storing, where the collector's
 * recovery reads it.
 */
final class ResultTaker implements AutoCloseable {
    /** A batch at least this large means results are queueing: the next one is taken ahead. */
    static final int AHEAD_FROM = 100;
    /** How long {@link #forget} waits for a take under way: far longer than any take's own wait. */
    private static final Duration FORGET_WAIT = Duration.ofSeconds(10);

    /** A batch as taken: the raw messages, in results:storing, and what was read from them. */
    record Taken(List<String> raws, ResultBatch batch) {
        static final Taken NONE = new Taken(List.of(), new ResultBatch(List.of(), List.of(), java.util.Map.of()));
    }

    private final TaskQueue queue;
    private final int max;
    private final Logger log;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Threads.named("colmena-results-take", true));
    /** The take under way on {@link #thread}, or null (read by {@link #close} from another thread). */
    private volatile Future<Taken> ahead;

    ResultTaker(TaskQueue queue, int max, Logger log) {
        this.queue = queue;
        this.max = max;
        this.log = log;
    }

    /**
     * The next batch: the one taken ahead if any (waiting for it up to {@code wait}), else one taken
     * now, waiting up to {@code wait} for results to arrive.
     *
     * @param takeWait how long a take made ahead may wait for results to arrive
     * @return the batch, {@link Taken#NONE} when nothing came in time (a take ahead then goes on)
     * @throws RuntimeException what the take threw (Redis failing, the lease lost)
     */
    Taken next(Duration wait, Duration takeWait) {
        Taken taken;
        if (ahead == null) {
            taken = take(wait);
        } else {
            try {
                taken = ahead.get(wait.toMillis(), TimeUnit.MILLISECONDS);
                ahead = null;
            } catch (TimeoutException e) {
                return Taken.NONE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Taken.NONE;
            } catch (ExecutionException e) {
                ahead = null;
                throw rethrown(e.getCause());
            }
        }
        if (taken.raws().size() >= AHEAD_FROM) {
            ahead = thread.submit(() -> take(takeWait));
        }
        return taken;
    }

    private Taken take(Duration wait) {
        List<String> raws = queue.takeResults(max, wait);
        return raws.isEmpty() ? Taken.NONE : new Taken(raws, ResultBatch.read(raws, log));
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("Taking results failed: " + cause, cause);
    }

    /**
     * After a failure: waits for a take under way to end, whatever its outcome, and forgets its
     * batch, which the collector's recovery then reads from results:storing.
     */
    void forget() {
        Future<Taken> f = ahead;
        ahead = null;
        if (f == null) {
            return;
        }
        try {
            f.get(FORGET_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            // The take failed or never ran: it moved nothing, or what it moved is in results:storing.
        } catch (TimeoutException e) {
            // Only while stopping (a take is bounded by its wait): what it moves stays in results:storing.
        }
    }

    /** Whether a take is under way ahead of the collector. */
    boolean takingAhead() {
        return ahead != null;
    }

    /** Stops the taking thread; a take under way ends within its wait, what it moved stays in results:storing. */
    @Override
    public void close() {
        Future<Taken> f = ahead;
        if (f != null) {
            f.cancel(true);
        }
        thread.shutdownNow();
    }
}
