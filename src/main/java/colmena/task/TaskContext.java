package colmena.task;

import java.util.concurrent.TimeoutException;

/** What a running task may ask of its runner: whether to stop. */
public final class TaskContext {
    private final long deadlineNanos;
    private final long timeoutMs;

    public TaskContext(long timeoutMs) {
        this.timeoutMs = timeoutMs;
        this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
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
