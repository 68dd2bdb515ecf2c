package colmena.task;

import java.util.concurrent.TimeoutException;

/** What a running task may ask of its runner: whether to stop, and the blobs it works on. */
public final class TaskContext {
    private final long deadlineNanos;
    private final long timeoutMs;
    private final BlobSource blobs;

    public TaskContext(long timeoutMs) {
        this(timeoutMs, BlobSource.NONE);
    }

    public TaskContext(long timeoutMs, BlobSource blobs) {
        this.timeoutMs = timeoutMs;
        this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
        this.blobs = blobs;
    }

    /** The photos, tiles and cascade files this task may read, by hash. */
    public BlobSource blobs() {
        return blobs;
    }

    /**
     * Throws when the task should stop: its timeout has passed or its thread was interrupted
     * (the agent is shutting down).
     */
    public void checkpoint() throws TimeoutException, InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new TimeoutException("ran past its timeout of " + timeoutMs + " ms");
        }
    }

    public long remainingMs() {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }

    public long timeoutMs() {
        return timeoutMs;
    }
}
