package colmena.task;

import java.util.Map;

/**
 * A task that cannot run as asked: an unknown type or a parameter outside its bounds.
 * {@link #field()} names what was wrong ({@code type}, or the parameter's name), so a form can
 * show the message beside it.
 */
public final class InvalidTaskException extends Exception {
    private final String field;
    private final String code;
    private final Map<String, Object> values;

    public InvalidTaskException(String field, String message) {
        this(field, message, null, Map.of());
    }

    /**
     * @param code   what went wrong as a stable word ({@code param_min}, {@code type_unknown}, ...), which a
     *               page turns into a sentence in its own language; null when there is none
     * @param values what that sentence needs ({@code min}, {@code got}, ...)
     */
    public InvalidTaskException(String field, String message, String code, Map<String, Object> values) {
        super(message);
        this.field = field;
        this.code = code;
        this.values = Map.copyOf(values);
    }

    public String field() {
        return field;
    }

    /** The stable code of this error, or null. */
    public String code() {
        return code;
    }

    public Map<String, Object> values() {
        return values;
    }
}
