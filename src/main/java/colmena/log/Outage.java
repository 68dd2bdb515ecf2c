package colmena.log;

import org.slf4j.Logger;

import java.util.Locale;
import java.util.function.Function;

/**
 * Tracks one dependency that may go away (Redis, the database): the first failure is logged once
 * with its reason, retries back off, and the recovery is logged with the downtime. No stack trace
 * per retry.
 */
public final class Outage {
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2_000;

    private final Logger log;
    private final String what;
    private long downSinceNanos = -1;
    private long backoffMs = FIRST_BACKOFF_MS;

    private final Function<Throwable, String> problem;

    /** @param what how to name the dependency in a log line, e.g. "Redis at redis://127.0.0.1:6379" */
    public Outage(Logger log, String what) {
        this(log, what, e -> "unreachable (" + reason(e) + ")");
    }

    /** @param problem says what is wrong, in words: "unreachable (Connection refused)", "cannot be written: disk full (…)" */
    public Outage(Logger log, String what, Function<Throwable, String> problem) {
        this.log = log;
        this.what = what;
        this.problem = problem;
    }

    /** Notes a failure (logging only the first of a run) and sleeps the current backoff. */
    public synchronized void failed(Throwable e) {
        if (downSinceNanos < 0) {
            downSinceNanos = System.nanoTime();
            log.warn("{} {}; retrying every {} s at most", what, problem.apply(e), MAX_BACKOFF_MS / 1000);
        }
        long sleep = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        try {
            wait(sleep);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** Notes a success, logging the recovery if there was an outage. */
    public synchronized void ok() {
        if (downSinceNanos >= 0) {
            long seconds = Math.round((System.nanoTime() - downSinceNanos) / 1e9);
            log.info("{} back after {} s", what, seconds);
            downSinceNanos = -1;
        }
        backoffMs = FIRST_BACKOFF_MS;
    }

    public synchronized boolean isDown() {
        return downSinceNanos >= 0;
    }

    /**
     * Whether Redis refused the login itself (a wrong or revoked credential): retrying cannot help.
     */
    public static boolean isLoginRefused(Throwable e) {
        String r = reason(e).toUpperCase(Locale.ROOT);
        return r.contains("WRONGPASS") || r.contains("NOAUTH") || r.contains("INVALID PASSWORD");
    }

    /** The innermost message of a failure: "Connection refused", not a stack trace. */
    public static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getMessage() != null ? e.getMessage() : t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
