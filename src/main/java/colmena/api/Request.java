package colmena.api;

import colmena.auth.Principal;
import colmena.broker.Json;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One request as a handler sees it: path parameters, query parameters and a size-limited body. */
final class Request {
    /** Request bodies larger than this are refused with 413. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpExchange exchange;
    private final Map<String, String> pathParams;
    private final Principal principal;
    private Map<String, String> query;

    Request(HttpExchange exchange, Map<String, String> pathParams, Principal principal) {
        this.exchange = exchange;
        this.pathParams = pathParams;
        this.principal = principal;
    }

    /** Who is calling; null on endpoints open to anyone. */
    Principal principal() {
        return principal;
    }

    String address() {
        return Auth.address(exchange);
    }

    HttpExchange exchange() {
        return exchange;
    }

    String path(String name) {
        return pathParams.get(name);
    }

    Map<String, String> query() {
        if (query == null) {
            query = parseQuery(exchange.getRequestURI().getRawQuery());
        }
        return query;
    }

    /**
     * The body as a JSON object.
     *
     * @throws ApiException 413 when over {@link #MAX_BODY_BYTES}, 400 when not a JSON object
     */
    JsonObject jsonBody() throws IOException {
        byte[] body = bodyBytes();
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            // A plain HTML form cannot send this type, so no other site's page can post JSON here.
            throw new ApiException(415, "send the body as JSON with Content-Type: application/json (got "
                    + (type == null ? "none" : type) + "); with curl: -H 'Content-Type: application/json'");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw ApiException.badRequest("the request body is empty; send a JSON object");
        }
        try {
            JsonElement e = Json.GSON.fromJson(text, JsonElement.class);
            if (e == null || !e.isJsonObject()) {
                throw ApiException.badRequest("the request body must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private byte[] bodyBytes() throws IOException {
        return rawBody(MAX_BODY_BYTES);
    }

    /**
     * The body as bytes (an uploaded photo), refused with 413 over {@code limit}.
     *
     * @throws ApiException 413 naming the limit
     */
    byte[] rawBody(int limit) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw tooLarge(limit);
            }
            return bytes;
        }
    }

    /**
     * Refuses a body over the limit. What is left of it is read and dropped first (up to a bound),
     * so the client, still sending, gets the answer rather than a broken connection.
     */
    private ApiException tooLarge(int limit) {
        try (InputStream in = exchange.getRequestBody()) {
            // read(), not skip(): the JDK's body stream inherits a skip() that ignores the body's length.
            byte[] sink = new byte[64 * 1024];
            long left = DRAIN_LIMIT_BYTES;
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // The client went away; the answer below is then for nobody, which is fine.
        }
        exchange.getResponseHeaders().set("Connection", "close");
        return new ApiException(413, "the request body is over the limit of " + limit + " bytes");
    }

    /** How much of an oversized body is read and dropped before answering 413. */
    private static final long DRAIN_LIMIT_BYTES = 16L * 1024 * 1024;

    /**
     * A whole-number query parameter within bounds, or {@code fallback} when absent.
     *
     * @throws ApiException 400 naming the parameter and its range
     */
    static long wholeNumber(Map<String, String> query, String name, long fallback, long min, long max) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max + ", got \"" + v + "\"");
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("badly encoded query string: " + s);
        }
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
