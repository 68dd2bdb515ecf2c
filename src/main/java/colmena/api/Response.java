package colmena.api;

import colmena.broker.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An answer that is not plain 200 JSON: another status, another type, or a body written as a
 * stream (a CSV export of any size). {@code bytes} is the whole body when it is known, and then
 * it is sent with its length; otherwise {@code stream} writes it, chunked. {@code encoding} is the
 * body's {@code Content-Encoding} ({@code gzip}), or null.
 */
record Response(int status, String contentType, String disposition, byte[] bytes, BodyWriter stream, String encoding) {

    interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    static Response json(int status, Object value) {
        byte[] bytes = Json.API.toJson(value).getBytes(StandardCharsets.UTF_8);
        return new Response(status, "application/json; charset=utf-8", null, bytes, null, null);
    }

    /** JSON already written, as UTF-8, and gzipped when {@code gzipped}. */
    static Response json(byte[] utf8, boolean gzipped) {
        return new Response(200, "application/json; charset=utf-8", null, utf8, null, gzipped ? "gzip" : null);
    }

    /** JSON written once for many requests: its text, and the same {@link #gzip gzipped}. */
    record Written(byte[] json, byte[] gzip) {
        static Written of(byte[] json) {
            return new Written(json, Response.gzip(json));
        }

        /** The answer to {@code r}: gzipped when its {@code Accept-Encoding} allows it. */
        Response to(Request r) {
            boolean gzipped = acceptsGzip(r.exchange().getRequestHeaders().getFirst("Accept-Encoding"));
            return Response.json(gzipped ? gzip : json, gzipped);
        }
    }

    /** Gzipped quickly, for answers written a few times a second whose text repeats itself anyway. */
    static byte[] gzip(byte[] bytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length / 8 + 64);
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out, 8_192) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            z.write(bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not from memory
        }
        return out.toByteArray();
    }

    /** Bodies shorter than this are sent as they are: gzip would save next to nothing. */
    static final int GZIP_MIN_BYTES = 1024;

    /**
     * This answer gzipped when {@code acceptEncoding} allows it and its whole body is known, not yet
     * encoded and at least {@link #GZIP_MIN_BYTES} long; else this answer.
     */
    Response gzippedFor(String acceptEncoding) {
        if (bytes == null || encoding != null || bytes.length < GZIP_MIN_BYTES || !acceptsGzip(acceptEncoding)) {
            return this;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length / 4 + 64);
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            return this; // a stream in memory does not fail; sent as it is if it ever does
        }
        return new Response(status, contentType, disposition, out.toByteArray(), null, "gzip");
    }

    /**
     * Whether an {@code Accept-Encoding} header lets the answer be gzipped: it names {@code gzip}
     * (or {@code *}) without {@code q=0}.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.split(";");
            String name = pieces[0].trim().toLowerCase(Locale.ROOT);
            if (!name.equals("gzip") && !name.equals("*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < pieces.length; i++) {
                String param = pieces[i].trim().toLowerCase(Locale.ROOT);
                if (param.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(param.substring(2).trim()) <= 0;
                    } catch (NumberFormatException e) {
                        refused = true;
                    }
                }
            }
            return !refused;
        }
        return false;
    }

    /** A body of unknown length, sent chunked as it is produced. */
    static Response stream(String contentType, String fileName, BodyWriter body) {
        return new Response(200, contentType, "attachment; filename=\"" + fileName + "\"", null, body, null);
    }
}
