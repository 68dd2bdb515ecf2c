package colmena.log;

import org.slf4j.Logger;

/**
 * Console lines that would flood at high rates: up to {@link #perSecond} lines a second are
 * printed, the rest are counted and summed up in one line a second later.
 */
public final class ThrottledLog {
    private final Logger log;
    private final int perSecond;
    private final String what;
    private long windowStartNanos = System.nanoTime();
    private int printed;
    private long skipped;

    /** @param what what a skipped line is, for the summary ("task lines") */
    public ThrottledLog(Logger log, int perSecond, String what) {
        this.log = log;
        this.perSecond = perSecond;
        this.what = what;
    }

    public void info(String format, Object... args) {
        if (take()) {
            log.info(format, args);
        }
    }

    /**
     * Whether the next line may be printed, counted as printed or skipped (with the summary of
     * the last second's skipped lines printed first): a caller whose arguments cost something to
     * make makes them only when this says yes, and then logs the line itself.
     */
    public boolean take() {
        boolean print;
        long summary = 0;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - windowStartNanos >= 1_000_000_000L) {
                summary = skipped;
                skipped = 0;
                printed = 0;
                windowStartNanos = now;
            }
            print = printed < perSecond;
            if (print) {
                printed++;
            } else {
                skipped++;
            }
        }
        if (summary > 0) {
            log.info("… and {} more {} in the last second", summary, what);
        }
        return print;
    }
}
