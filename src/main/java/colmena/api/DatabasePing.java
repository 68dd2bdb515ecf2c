package colmena.api;

import colmena.store.ConnectionPool;
import colmena.threads.Threads;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the database answers, within {@link #WAIT_MS} whatever it does: while H2's server
 * changes hands a connection can take many seconds, and health must still answer. One ping runs
 * at a time, on a thread of its own; callers meanwhile share it (and its answer, for
 * {@link #REUSE_MS}).
 */
final class DatabasePing {
    static final long WAIT_MS = 500;
    static final long REUSE_MS = 250;
    static final String UP = "up";
    static final String DOWN = "down";
    static final String NOT_ANSWERING = "not answering";

    private final ConnectionPool db;
    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Threads.named("colmena-db-ping", true));
    private CompletableFuture<Boolean> current;
    private long startedNanos;

    DatabasePing(ConnectionPool db) {
        this.db = db;
    }

    /** {@link #UP}, {@link #DOWN}, or {@link #NOT_ANSWERING} when no answer came within {@link #WAIT_MS}. */
    String state() {
        try {
            return ping().get(WAIT_MS, TimeUnit.MILLISECONDS) ? UP : DOWN;
        } catch (TimeoutException e) {
            return NOT_ANSWERING;
        } catch (ExecutionException e) {
            return DOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOT_ANSWERING;
        }
    }

    private synchronized CompletableFuture<Boolean> ping() {
        long now = System.nanoTime();
        if (current == null || (current.isDone() && now - startedNanos > REUSE_MS * 1_000_000L)) {
            startedNanos = now;
            current = CompletableFuture.supplyAsync(db::ping, thread);
        }
        return current;
    }
}
