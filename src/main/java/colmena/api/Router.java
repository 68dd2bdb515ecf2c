package colmena.api;

import colmena.auth.Principal;
import colmena.auth.Role;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every API endpoint, wired in one table: method, path template ({@code /api/nodes/{id}/drain}),
 * the role it needs (null: anyone), and its handler. Here every request is authenticated and
 * authorised (401 without credentials, 403 for a role that may not), and a state-changing request
 * that comes with the dashboard's session cookie must also carry the session's anti-forgery token
 * in {@code X-CSRF-Token}. This is also the one place a handler's outcome becomes an
 * HTTP answer: a value is 200 JSON, a {@link Response} is sent as it says, an
 * {@link ApiException} is its status with {@code {"error": "..."}}, Redis or the database down is
 * 503, and anything else is 500 for this request only (logged, never shown with a stack trace).
 */
final class Router implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");

    interface Handler {
        Object handle(Request request) throws Exception;
    }

    /**
     * @param quick whether the route answers without the database (Redis, memory, files), so it is
     *              handled on its own threads and never waits behind requests that read TaskHistory
     */
    record Route(String method, String template, Pattern pattern, List<String> names, Role role, Handler handler,
                 boolean quick) {
        Route quickly() {
            return new Route(method, template, pattern, names, role, handler, true);
        }
    }

    private final List<Route> routes = new ArrayList<>();
    private final Auth auth;
    private final RequestMetrics metrics = new RequestMetrics();
    /** Hands each matched request to the handlers of its lane; null: answered on the calling thread. */
    private HandlerGate gate;
    /** Why the API must not serve now (its database and Redis belong to different installations), or null. */
    private Supplier<String> refusal = () -> null;

    Router(Auth auth) {
        this.auth = auth;
    }

    /** Matched requests are answered on {@code gate}'s handlers, those of their lane (see {@link Route#quick()}). */
    Router handOn(HandlerGate gate) {
        this.gate = gate;
        return this;
    }

    /** Every endpoint but {@code /api/health} answers 503 with the reason while {@code refusal} gives one. */
    Router refuseWhile(Supplier<String> refusal) {
        this.refusal = refusal;
        return this;
    }

    Router get(String template, Role role, Handler handler) {
        return add("GET", template, role, handler);
    }

    Router post(String template, Role role, Handler handler) {
        return add("POST", template, role, handler);
    }

    Router delete(String template, Role role, Handler handler) {
        return add("DELETE", template, role, handler);
    }

    private Router add(String method, String template, Role role, Handler handler) {
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        routes.add(new Route(method, template, Pattern.compile(regex.toString()), names, role, handler, false));
        return this;
    }

    /** Marks the route added last as answered without the database (see {@link Route#quick()}). */
    Router withoutDatabase() {
        routes.add(routes.remove(routes.size() - 1).quickly());
        return this;
    }

    /**
     * What a request's method and path matched: the route with the path's parameters, or no route
     * and the methods the path allows (none: no such endpoint). Made once per request, as it is
     * handed to its handlers, and carried to its answer.
     */
    record Match(Route route, Map<String, String> params, Set<String> allowed) {
        /** Whether it is answered without the database; a request no route takes is answered with an error by the router alone. */
        boolean quick() {
            return route == null || route.quick();
        }
    }

    /** The first route for the method (HEAD is GET without the body) whose template matches the path. */
    Match match(String method, String path) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Matcher m = r.pattern().matcher(path);
            if (!m.matches()) {
                continue;
            }
            boolean head = method.equals("HEAD") && r.method().equals("GET");
            if (!r.method().equals(method) && !head) {
                allowed.add(r.method());
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < r.names().size(); i++) {
                params.put(r.names().get(i), m.group(i + 1));
            }
            return new Match(r, params, Set.of());
        }
        return new Match(null, Map.of(), allowed);
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The requests answered so far. */
    RequestMetrics metrics() {
        return metrics;
    }

    /** Matches the request once, then answers it on a handler thread of its lane. */
    @Override
    public void handle(HttpExchange ex) throws IOException {
        Match match = match(ex.getRequestMethod(), ex.getRequestURI().getPath());
        if (gate == null) {
            answer(ex, match);
        } else {
            gate.hand(ex, match.quick(), () -> answer(ex, match));
        }
    }

    private void answer(HttpExchange ex, Match match) throws IOException {
        long t0 = System.nanoTime();
        try (ex) {
            Response response;
            try {
                response = dispatch(ex, match);
            } catch (ApiException e) {
                if ((e.status() == 429 || e.status() == 503) && e.body().get("retryAfterSeconds") != null) {
                    ex.getResponseHeaders().set("Retry-After", e.body().get("retryAfterSeconds").toString());
                }
                response = Response.json(e.status(), e.body());
            } catch (JedisException e) {
                response = Response.json(503, Map.of("error", "Redis is unreachable; try again shortly"));
            } catch (SQLException e) {
                response = Response.json(503, Map.of("error", "the TaskHistory database is unreachable; try again shortly"));
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                response = Response.json(500, Map.of("error", "internal error; the API log has the details"));
            }
            send(ex, response);
            String route = match.route() == null ? null : match.route().template();
            metrics.record(ex.getRequestMethod(), route, response.status(), System.nanoTime() - t0);
        }
    }

    private Response dispatch(HttpExchange ex, Match match) throws Exception {
        Route r = match.route();
        if (r == null) {
            String path = ex.getRequestURI().getPath();
            if (!match.allowed().isEmpty()) {
                ex.getResponseHeaders().set("Allow", String.join(", ", match.allowed()));
                throw new ApiException(405, ex.getRequestMethod() + " is not allowed on " + path + "; use "
                        + String.join(" or ", match.allowed()));
            }
            throw ApiException.notFound("no such endpoint: " + path);
        }
        String refused = r.template().equals("/api/health") ? null : refusal.get();
        if (refused != null) {
            throw new ApiException(503, "this API refuses to serve: " + refused);
        }
        if (!r.method().equals("GET")) {
            refuseCrossSite(ex);
        }
        Principal principal = r.role() == null ? null : authorise(ex, r);
        Object result = r.handler().handle(new Request(ex, match.params(), principal));
        return result instanceof Response resp ? resp
                : Response.json(200, result).gzippedFor(ex.getRequestHeaders().getFirst("Accept-Encoding"));
    }

    /**
     * Refuses a state-changing request sent by another site's page, whoever the caller is (a
     * browser may add cached credentials by itself, and with --no-auth there are none to check):
     * browsers say where a request comes from in {@code Origin} and {@code Sec-Fetch-Site}.
     */
    static void refuseCrossSite(HttpExchange ex) {
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null) {
            // The browser's own word, which a reverse proxy does not change.
            if (!site.equals("same-origin") && !site.equals("none")) {
                throw new ApiException(403, "cross-site request refused (" + site + ")");
            }
            return;
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return; // not a browser page (curl, scripts)
        }
        if (origin.equals("null")) {
            throw new ApiException(403, "cross-site request refused: it comes from an opaque origin");
        }
        for (String host : new String[] {ex.getRequestHeaders().getFirst("Host"), ex.getRequestHeaders().getFirst("X-Forwarded-Host")}) {
            if (host != null && (origin.equals("http://" + host) || origin.equals("https://" + host))) {
                return;
            }
        }
        throw new ApiException(403, "cross-site request refused: it comes from " + origin);
    }

    private Principal authorise(HttpExchange ex, Route r) throws SQLException {
        Principal p = auth.authenticate(ex);
        if (p == null) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"colmena\"");
            throw new ApiException(401, "log in first (or send an API token: Authorization: Bearer ...)");
        }
        if (!p.role().allows(r.role())) {
            throw new ApiException(403, p.user() + " is a " + p.role().label() + "; " + r.method() + " " + r.template()
                    + " needs " + r.role().label());
        }
        if (p.bySession() && !r.method().equals("GET")) {
            String sent = ex.getRequestHeaders().getFirst("X-CSRF-Token");
            if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                    p.csrf().getBytes(StandardCharsets.UTF_8))) {
                throw new ApiException(403, "missing or wrong X-CSRF-Token: this request did not come from the dashboard");
            }
        }
        return p;
    }

    static void send(HttpExchange ex, Response r) throws IOException {
        ex.getResponseHeaders().set("Content-Type", r.contentType());
        if (!ex.getResponseHeaders().containsKey("Cache-Control") || r.status() != 200) {
            // Answers are live figures; a handler may say otherwise for its 200 (the API description).
            ex.getResponseHeaders().set("Cache-Control", "no-store");
        }
        if (r.disposition() != null) {
            ex.getResponseHeaders().set("Content-Disposition", r.disposition());
        }
        if (r.encoding() != null) {
            ex.getResponseHeaders().set("Content-Encoding", r.encoding());
        }
        SecurityHeaders.add(ex);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(r.status(), -1);
            return;
        }
        if (r.bytes() != null) {
            ex.sendResponseHeaders(r.status(), r.bytes().length == 0 ? -1 : r.bytes().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.bytes());
            }
            return;
        }
        ex.sendResponseHeaders(r.status(), 0);
        try (OutputStream out = ex.getResponseBody()) {
            r.stream().writeTo(out);
        }
    }
}
