package colmena.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.sql.SQLException;

/**
 * The one place a handler's outcome becomes an HTTP answer: a value is 200 JSON, an
 * {@link ApiException} its status with {@code {"error": "..."}}, Redis or the database down 503,
 * anything else 500 for this request only (logged, never shown with a stack trace).
 */
abstract class ApiHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    /** The part of the path after the context, without leading slash ("" for the context itself). */
    static String rest(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        String base = ex.getHttpContext().getPath();
        String rest = path.length() > base.length() ? path.substring(base.length()) : "";
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        return rest;
    }

    /** Answers a GET; {@code rest} is the path below the context. */
    abstract Object get(HttpExchange ex, String rest) throws Exception;

    @Override
    public final void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                String method = ex.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    ex.getResponseHeaders().set("Allow", "GET, HEAD");
                    throw new ApiException(405, method + " is not allowed on " + ex.getRequestURI().getPath()
                            + "; use GET");
                }
                Exchange.sendJson(ex, 200, get(ex, rest(ex)));
            } catch (ApiException e) {
                Exchange.sendJson(ex, e.status(), e.body());
            } catch (JedisException e) {
                Exchange.sendJson(ex, 503, new ErrorBody("Redis is unreachable; try again shortly"));
            } catch (SQLException e) {
                Exchange.sendJson(ex, 503, new ErrorBody("the TaskHistory database is unreachable; try again shortly"));
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                Exchange.sendJson(ex, 500, new ErrorBody("internal error; the API log has the details"));
            }
        }
    }

    record ErrorBody(String error) {
    }
}
