package colmena.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Serves the dashboard from the {@code web/} folder packed in the jar. A path never leaves that
 * folder: only plain names of letters, digits, '-', '_' and '.' in sub-folders are looked up, no
 * hidden files, no {@code ..}; anything else is 404.
 */
final class StaticFiles implements HttpHandler {
    private static final String ROOT = "/web/";
    private static final Pattern SAFE = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8",
            "txt", "text/plain; charset=utf-8");

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                Exchange.send(ex, 405, "text/plain; charset=utf-8", "Method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = ex.getRequestURI().getPath();
            String name = path.equals("/") ? "index.html" : path.substring(1);
            byte[] body = SAFE.matcher(name).matches() && !name.contains("..") ? read(name) : null;
            if (body == null) {
                Exchange.send(ex, 404, "text/plain; charset=utf-8", ("Not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            Exchange.send(ex, 200, contentType(name), body);
        }
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = StaticFiles.class.getResourceAsStream(ROOT + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase();
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
