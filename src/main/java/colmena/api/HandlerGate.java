package colmena.api;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands each whole request to the handler pool. The JDK's HttpServer reads a request's headers
 * on its executor's thread before any filter runs; with that executor's threads many and this
 * gate handing the request on at once (as a filter, or from the {@link Router} once it has
 * matched the request's route), a client that trickles its headers holds a reader
 * thread (until {@link ApiServer#REQUEST_SECONDS}), never one of the few handler threads, so slow
 * or idle connections do not stop the dashboard for others. A full handler queue is a 503.
 * <p>
 * Requests answered without the database (the node list, health, static files) go to handlers
 * of their own, so a database that answers slowly (a count over millions of rows under a burst
 * of writes, a stalled H2 server, a lock held in SQL Server) holds up only the requests that need it.
 */
final class HandlerGate extends Filter {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerGate.class);
    private final ExecutorService quickHandlers;
    private final ExecutorService databaseHandlers;

    /** What a handler thread does with a request; it closes the exchange. */
    interface Work {
        void run() throws IOException;
    }

    /** Every request on {@code handlers}. */
    HandlerGate(ExecutorService handlers) {
        this(handlers, handlers);
    }

    /** Requests said to be quick on {@code quickHandlers}, the others on {@code databaseHandlers}. */
    HandlerGate(ExecutorService quickHandlers, ExecutorService databaseHandlers) {
        this.quickHandlers = quickHandlers;
        this.databaseHandlers = databaseHandlers;
    }

    /** As a filter: the rest of the chain, as a quick request. */
    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        hand(ex, true, () -> chain.doFilter(ex));
    }

    /**
     * Runs {@code work} for the request on a handler of its lane ({@code quick}: one answered
     * without the database); a full lane answers 503 at once.
     */
    void hand(HttpExchange ex, boolean quick, Work work) throws IOException {
        try {
            (quick ? quickHandlers : databaseHandlers).execute(() -> run(ex, work));
        } catch (RejectedExecutionException e) {
            try (ex) {
                ex.getResponseHeaders().set("Retry-After", "5");
                Router.send(ex, Response.json(503, Map.of("error", "the API is busy; try again in a few seconds")));
            }
        }
    }

    /** Does the work on a handler thread; the exchange is closed whatever happens. */
    private static void run(HttpExchange ex, Work work) {
        try {
            work.run();
        } catch (IOException e) {
            ex.close(); // the client went away mid-answer: only this exchange is affected
        } catch (RuntimeException | Error e) {
            LOG.error("{} {} failed outside its handler", ex.getRequestMethod(), ex.getRequestURI(), e);
            ex.close();
        }
    }

    @Override
    public String description() {
        return "hands whole requests to the handler pool";
    }
}
