package colmena.vision;

import java.util.Map;

/**
 * Bytes that are not an image this system reads, or one too large to decode. {@link #code()}
 * says which, as a stable word ({@code image_not_image}, {@code image_too_large}, ...) that a page
 * turns into a sentence in its own language with {@link #values()}; null when there is none.
 */
public final class InvalidImageException extends RuntimeException {
    private final String code;
    private final Map<String, Object> values;

    /** @param message what is wrong with the input, for a user to read */
    public InvalidImageException(String message) {
        this(message, null, Map.of());
    }

    /**
     * @param message what is wrong with the input, for a user to read
     * @param code    the same as a stable word, or null
     * @param values  what the sentence of {@code code} needs
     */
    public InvalidImageException(String message, String code, Map<String, Object> values) {
        super(message);
        this.code = code;
        this.values = Map.copyOf(values);
    }

    /** The stable code of this error, or null. */
    public String code() {
        return code;
    }

    public Map<String, Object> values() {
        return values;
    }
}
