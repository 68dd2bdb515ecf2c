package colmena.cli;

import colmena.log.Glyphs;

import java.time.Duration;

/**
 * Waits, within a deadline, for something a process needs at start (Redis, the database) while a
 * launcher may still be starting it: one visible line at once and then every few seconds, so a
 * person sees why nothing happens yet, and a clear end when the deadline passes.
 */
final class StartWait {
    private static final long LINE_EVERY_NANOS = 5_000_000_000L;
    private static final long MAX_PAUSE_MS = 1_000;

    private final String what;
    private final Duration limit;
    private final long startNanos = System.nanoTime();
    private long nextLineNanos = startNanos;
    private long pauseMs = 100;
    private boolean waited;

    /** @param what how to name it in a line, e.g. "Redis at 127.0.0.1:6379" */
    StartWait(String what, Duration limit) {
        this.what = what;
        this.limit = limit;
    }

    /**
     * After a failed try: prints the waiting line when due, pauses, and says whether to try again.
     *
     * @return false once the deadline has passed (nothing is then printed or paused)
     */
    boolean again(String reason) {
        long now = System.nanoTime();
        if (now - startNanos >= limit.toNanos()) {
            return false;
        }
        if (now >= nextLineNanos) {
            System.err.println("Waiting for " + what + " (" + seconds() + " s of " + limit.toSeconds() + " s; "
                    + reason + ")" + Glyphs.ellipsis());
            nextLineNanos = now + LINE_EVERY_NANOS;
        }
        waited = true;
        try {
            Thread.sleep(pauseMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
        return true;
    }

    /** After a success: says so when there was a wait. */
    void done() {
        if (waited) {
            System.err.println(what + " answered after " + seconds() + " s");
        }
    }

    /** The end of a failed wait, for the error message: "" when it did not wait at all. */
    String waitedFor() {
        return limit.isZero() ? "" : " after waiting " + limit.toSeconds() + " s";
    }

    private long seconds() {
        return Math.round((System.nanoTime() - startNanos) / 1e9);
    }
}
