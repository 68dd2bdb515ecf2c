package colmena.cli;

import colmena.process.BundledRedis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps a redis-server child running: when it exits without being asked to, it is started again
 * (it reloads its append-only file) after a back-off that doubles from {@link #FIRST_BACKOFF_MS},
 * each restart logged; after {@link #MAX_RESTARTS} restarts within {@link #WINDOW_MS} it gives up,
 * so that the process exits non-zero where a person or a process manager sees it.
 */
final class RedisSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSupervisor.class);
    static final long FIRST_BACKOFF_MS = 500;
    static final long MAX_BACKOFF_MS = 8_000;
    static final int MAX_RESTARTS = 5;
    static final long WINDOW_MS = 60_000;

    /** Starts one redis-server and waits until it answers. */
    interface Starter {
        BundledRedis start() throws IOException;
    }

    private final Starter starter;
    private final long firstBackoffMs;
    private final Deque<Long> restarts = new ArrayDeque<>();
    private volatile BundledRedis current;
    private volatile boolean stopping;

    RedisSupervisor(Starter starter, BundledRedis first) {
        this(starter, first, FIRST_BACKOFF_MS);
    }

    /** @param firstBackoffMs the first wait before a restart (tests shorten it) */
    RedisSupervisor(Starter starter, BundledRedis first, long firstBackoffMs) {
        this.starter = starter;
        this.current = first;
        this.firstBackoffMs = firstBackoffMs;
    }

    /**
     * Waits on the child, restarting it as needed, until {@link #stop()} is called (returns 0) or
     * it keeps failing (returns 1).
     */
    int run() throws InterruptedException {
        long backoffMs = firstBackoffMs;
        while (true) {
            int code = current.waitForExit();
            if (stopping) {
                return 0;
            }
            long now = System.currentTimeMillis();
            while (!restarts.isEmpty() && now - restarts.peekFirst() > WINDOW_MS) {
                restarts.pollFirst();
                backoffMs = firstBackoffMs;
            }
            if (restarts.size() >= MAX_RESTARTS) {
                LOG.error("redis-server exited (code {}) for the {}th time within {} s; giving up", code,
                        restarts.size() + 1, WINDOW_MS / 1000);
                return 1;
            }
            restarts.addLast(now);
            LOG.warn("redis-server exited unexpectedly (code {}); starting it again in {} ms (restart {} of at most {} a minute)",
                    code, backoffMs, restarts.size(), MAX_RESTARTS);
            Thread.sleep(backoffMs);
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            if (stopping) {
                return 0;
            }
            try {
                current = starter.start();
                LOG.info("redis-server running again on port {}, its data reloaded from {}", current.port(), current.dir().toAbsolutePath());
            } catch (IOException e) {
                LOG.warn("redis-server did not start again: {}", e.getMessage());
                current = BundledRedis.exited(current);
            }
        }
    }

    /** Stops the child and the supervision (from the shutdown hook). */
    void stop() {
        stopping = true;
        current.stop();
    }
}
