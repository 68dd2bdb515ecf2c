package colmena.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 description of every endpoint, kept as the
 * resource {@code colmena/openapi.json} and read once. It is open to anyone, as {@code /api/health}
 * is: it holds no secrets and describes only what the router already answers, and clients and
 * tools fetch it before they hold credentials. It changes only with a new build, so it may be
 * cached for {@link #MAX_AGE_SECONDS}. {@code OpenApiTest} checks it against the router's table.
 */
final class OpenApiDoc {
    static final String RESOURCE = "/colmena/openapi.json";
    static final int MAX_AGE_SECONDS = 300;

    private final Response.Written document;

    OpenApiDoc() {
        try (InputStream in = OpenApiDoc.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath; rebuild the jar");
            }
            document = Response.Written.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The document as JSON, gzipped when the client accepts it. */
    Object document(Request r) {
        r.exchange().getResponseHeaders().set("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS);
        // A shared cache must not hand the gzipped copy to a client that did not ask for it.
        r.exchange().getResponseHeaders().set("Vary", "Accept-Encoding");
        return document.to(r);
    }
}
