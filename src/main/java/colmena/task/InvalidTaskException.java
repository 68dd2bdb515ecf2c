package colmena.task;

/**
 * A task that cannot run as asked: an unknown type or a parameter outside its bounds.
 * {@link #field()} names what was wrong ({@code type}, or the parameter's name), so a form can
 * show the message beside it.
 */
public final class InvalidTaskException extends Exception {
    private final String field;

    public InvalidTaskException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
