package colmena;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Real HTTP to an API server on loopback, as the API tests call it. The port is read on every
 * request, so a helper made before the server starts (or restarts) follows it. Headers given with
 * {@link #withHeader} go on every request; a response body is read as text.
 */
public final class TestHttp {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final IntSupplier port;
    private final Map<String, String> headers;

    public TestHttp(IntSupplier port) {
        this(port, Map.of());
    }

    private TestHttp(IntSupplier port, Map<String, String> headers) {
        this.port = port;
        this.headers = headers;
    }

    /** The same server, with {@code name: value} on every request too. */
    public TestHttp withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new TestHttp(port, Map.copyOf(more));
    }

    /** {@code Basic} authorization for {@code user} and {@code password}. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port.getAsInt() + path);
    }

    /** A builder for {@code path} carrying this helper's headers, for requests the verbs below do not make. */
    public HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        headers.forEach(b::header);
        return b;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send(builder(path).build());
    }

    /** POSTs {@code json} (which may be empty) as {@code application/json}. */
    public HttpResponse<String> post(String path, String json) throws Exception {
        return send(builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> delete(String path) throws Exception {
        return send(builder(path).DELETE().build());
    }

    /**
     * Any method with {@code extra} headers; a null or empty {@code json} sends no body and no
     * content type, any other is sent as {@code application/json}.
     */
    public HttpResponse<String> request(String method, String path, String json, Map<String, String> extra) throws Exception {
        HttpRequest.Builder b = builder(path);
        extra.forEach(b::header);
        boolean body = json != null && !json.isEmpty();
        if (body) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
        return send(b.build());
    }

    public HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} through the shared client, reading the body with {@code handler}. */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws Exception {
        return HTTP.send(request, handler);
    }
}
