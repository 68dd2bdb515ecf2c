package colmena.coordinator;

import java.util.ArrayDeque;

/**
 * How fast one node finishes our tasks, from its done counter ({@code node:<id>:done}) read at
 * every check: tasks finished over time, counted only between two checks that both found it with
 * work waiting, so time it spent idle does not count against it. Whatever slows it, a program
 * sharing its CPU, a slower CPU, fewer workers, shows in this figure, even when its CPU reading
 * cannot tell our work from the other program's.
 *
 * <p>The newest such intervals are kept until they hold {@link #ENOUGH_DONE} tasks (so a fast node's
 * figure follows changes within a few seconds) or {@link #WINDOW_MAX_MS} of busy time (so a node with
 * long tasks still gets a figure); none older than {@link #FORGET_AFTER_MS}. Times are monotonic
 * milliseconds.
 */
final class CompletionRate {
    static final int ENOUGH_DONE = 30;
    static final int MIN_DONE = 8;
    static final long MIN_BUSY_MS = 1_000;
    static final long WINDOW_MAX_MS = 60_000;
    static final long FORGET_AFTER_MS = 120_000;

    private record Span(long endMs, long busyMs, long done) {
    }

    private final ArrayDeque<Span> spans = new ArrayDeque<>();
    private long busyMs;
    private long done;
    private long lastAtMs = -1;
    private long lastDone;
    private boolean lastBusy;

    /**
     * Notes one reading of the node.
     *
     * @param atMs      when it was read, monotonic milliseconds
     * @param doneTotal its done counter
     * @param busy      whether it had work waiting: tasks queued, or every worker taken
     */
    void observe(long atMs, long doneTotal, boolean busy) {
        if (lastAtMs >= 0 && doneTotal < lastDone) {
            clear(); // the counter went back: the node was forgotten and came again
        } else if (lastAtMs >= 0 && lastBusy && busy && atMs > lastAtMs) {
            add(new Span(atMs, atMs - lastAtMs, doneTotal - lastDone));
        }
        lastAtMs = atMs;
        lastDone = doneTotal;
        lastBusy = busy;
        while (!spans.isEmpty() && (spans.peekFirst().endMs() < atMs - FORGET_AFTER_MS || busyMs > WINDOW_MAX_MS
                || (done - spans.peekFirst().done() >= ENOUGH_DONE && busyMs - spans.peekFirst().busyMs() >= MIN_BUSY_MS))) {
            Span old = spans.removeFirst();
            busyMs -= old.busyMs();
            done -= old.done();
        }
    }

    /** Tasks a second, or NaN until at least {@link #MIN_DONE} tasks over {@link #MIN_BUSY_MS} were seen. */
    double perSecond() {
        return done >= MIN_DONE && busyMs >= MIN_BUSY_MS ? done * 1000.0 / busyMs : Double.NaN;
    }

    private void add(Span s) {
        spans.addLast(s);
        busyMs += s.busyMs();
        done += s.done();
    }

    private void clear() {
        spans.clear();
        busyMs = 0;
        done = 0;
    }
}
