package colmena.task;

import java.util.concurrent.TimeoutException;

/**
 * What a running task may ask of its runner: whether to stop, the blobs it works on, and where to
 * say how far it has got.
 */
public final class TaskContext {
    private final long deadlineNanos;
    private final long timeoutMs;
    private final BlobSource blobs;
    private final Progress progress;

    public TaskContext(long timeoutMs) {
        this(timeoutMs, BlobSource.NONE);
    }

    public TaskContext(long timeoutMs, BlobSource blobs) {
        this(timeoutMs, blobs, new Progress());
    }

    /** @param progress where {@link #progress(int, String)} is kept, for the agent to read */
    public TaskContext(long timeoutMs, BlobSource blobs, Progress progress) {
        this.timeoutMs = timeoutMs;
        this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
        this.blobs = blobs;
        this.progress = progress;
    }

    /**
     * Says how far the task has got: a percentage (0–100, clamped) and a short text ("row 300 of
     * 1200"; null for none). Cheap enough to call after every step of a tight loop: it only keeps
     * the latest figures, a call repeating the previous one's (the same percentage and the same
     * text object) only compares them, and the agent sends the latest once per heartbeat interval,
     * whatever the number of calls.
     */
    public void progress(int percent, String text) {
        progress.set(Math.max(0, Math.min(100, percent)), text);
    }

    /**
     * The latest progress a task reported: written by the task's thread, read by the agent's
     * heartbeat. The two fields are read without a lock: a reading may pair one call's
     * percentage with the next call's text, never anything a task did not say.
     */
    public static final class Progress {
        /** Texts longer than this are cut when read. */
        public static final int MAX_TEXT = 80;
        private volatile int percent = -1;
        private volatile String text;
        /** What the task's thread last set, so a repeat costs no volatile write (plain: the writer's own). */
        private int setPercent = -1;
        private String setText;

        void set(int percent, String text) {
            if (percent == setPercent && text == setText) {
                return;
            }
            setPercent = percent;
            setText = text;
            this.text = text;
            this.percent = percent;
        }

        /** The percentage, or -1 while the task has reported none. */
        public int percent() {
            return percent;
        }

        /** The text, at most {@link #MAX_TEXT} characters, or null. */
        public String text() {
            String t = text;
            return t == null || t.length() <= MAX_TEXT ? t : t.substring(0, MAX_TEXT - 1) + "…";
        }
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
