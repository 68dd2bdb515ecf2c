package colmena.threads;

import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** Named threads, so thread dumps and log lines say who did what. */
public final class Threads {
    private Threads() {
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, ... */
    public static ThreadFactory named(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(daemon);
            return t;
        };
    }

    /** Starts a thread that runs {@code loop}, logging its last words if it dies. */
    public static Thread start(String name, Runnable loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable e) {
                LoggerFactory.getLogger(Threads.class).error("thread {} died", name, e);
            }
        }, name);
        t.setDaemon(false);
        t.start();
        return t;
    }

    /**
     * Starts a thread the process cannot live without: if {@code loop} dies of an exception or an
     * error (an OutOfMemoryError, say), its last words are logged and {@code onDeath} is told which
     * thread died and why, so the process can stop rather than linger half alive.
     */
    public static Thread startVital(String name, Runnable loop, BiConsumer<String, Throwable> onDeath) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable e) {
                LoggerFactory.getLogger(Threads.class).error("vital thread {} died", name, e);
                onDeath.accept(name, e);
            }
        }, name);
        t.setDaemon(false);
        t.start();
        return t;
    }

    /** Sleeps, returning false if interrupted (and keeping the interrupt). */
    public static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
