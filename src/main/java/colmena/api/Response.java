package colmena.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An answer that is not plain 200 JSON: another status, another type, or a body written as a
 * stream (a CSV export of any size). {@code bytes} is the whole body when it is known, and then
 * it is sent with its length; otherwise {@code stream} writes it, chunked.
 */
record Response(int status, String contentType, String disposition, byte[] bytes, BodyWriter stream) {

    interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    static Response json(int status, Object value) {
        byte[] bytes = colmena.broker.Json.API.toJson(value).getBytes(StandardCharsets.UTF_8);
        return new Response(status, "application/json; charset=utf-8", null, bytes, null);
    }

    /** A body of unknown length, sent chunked as it is produced. */
    static Response stream(String contentType, String fileName, BodyWriter body) {
        return new Response(200, contentType, "attachment; filename=\"" + fileName + "\"", null, body);
    }
}
