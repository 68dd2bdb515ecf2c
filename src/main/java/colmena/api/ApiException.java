package colmena.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that cannot be answered as asked: its HTTP status and a message saying why, sent as
 * {@code {"error": "..."}} plus any {@link #details}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, Object> details;

    public ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    public ApiException(int status, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.details = details;
    }

    public int status() {
        return status;
    }

    /** The JSON body: the error first, then the details. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", getMessage());
        body.putAll(details);
        return body;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /** A 400 naming the body field at fault ({@code "field": "count"}), for the form to mark. */
    public static ApiException badField(String message, String field) {
        return new ApiException(400, message, Map.of("field", field));
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }
}
