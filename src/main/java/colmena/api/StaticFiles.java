package colmena.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

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
            File file = file(name, body);
            // Cached by the browser, asked again each time (no-cache): an unchanged file costs a 304
            // and no body, and a new jar's files are never shown stale.
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.getResponseHeaders().set("ETag", file.etag());
            ex.getResponseHeaders().set("Vary", "Accept-Encoding");
            if (matches(ex.getRequestHeaders().getFirst("If-None-Match"), file.etag())) {
                SecurityHeaders.add(ex);
                ex.sendResponseHeaders(304, -1);
                return;
            }
            if (file.gzipped() != null && Response.acceptsGzip(ex.getRequestHeaders().getFirst("Accept-Encoding"))) {
                ex.getResponseHeaders().set("Content-Encoding", "gzip");
                Exchange.send(ex, 200, contentType(name), file.gzipped());
            } else {
                Exchange.send(ex, 200, contentType(name), file.bytes());
            }
        }
    }

    /** A file's bytes, its gzipped bytes (null when gzip does not pay: images, tiny files) and its entity tag. */
    record File(byte[] bytes, byte[] gzipped, String etag) {
    }

    private final Map<String, File> files = new ConcurrentHashMap<>();

    /** The file as served, made once per name and content: the jar's files do not change while it runs. */
    private File file(String name, byte[] body) {
        File known = files.get(name);
        if (known != null && Arrays.equals(known.bytes(), body)) {
            return known;
        }
        File made = new File(body, compressible(name) && body.length > 512 ? gzip(body) : null, etag(body));
        files.put(name, made);
        return made;
    }

    private static boolean compressible(String name) {
        String type = contentType(name);
        return type.startsWith("text/") || type.startsWith("application/json") || type.startsWith("image/svg");
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static String etag(byte[] body) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether an If-None-Match header names this tag (or is *); a weak W/ prefix is ignored, as for GET it may be. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
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
