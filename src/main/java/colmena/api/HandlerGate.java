package colmena.api;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets at most {@code permits} requests run their handler at once. The JDK's HttpServer reads a
 * request's headers on an executor thread before any filter runs; with the executor's threads
 * many and cheap and the handlers gated here, a client that trickles its headers holds a reader
 * thread (until {@link ApiServer#REQUEST_SECONDS}), never a handler, so slow or idle connections
 * do not stop the dashboard for others.
 */
final class HandlerGate extends Filter {
    /** How long a whole request waits for a handler before it is told the server is busy. */
    static final long WAIT_SECONDS = 30;

    private final Semaphore permits;

    HandlerGate(int permits) {
        this.permits = new Semaphore(permits, true);
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        boolean got;
        try {
            got = permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            try (ex) {
                ex.getResponseHeaders().set("Retry-After", "5");
                Router.send(ex, Response.json(503, Map.of("error", "the API is busy; try again in a few seconds")));
            }
            return;
        }
        try {
            chain.doFilter(ex);
        } finally {
            permits.release();
        }
    }

    @Override
    public String description() {
        return "at most N handlers at once";
    }
}
