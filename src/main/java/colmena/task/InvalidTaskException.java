package colmena.task;

/** A task that cannot run as asked: an unknown type or a parameter outside its bounds. */
public final class InvalidTaskException extends Exception {
    public InvalidTaskException(String message) {
        super(message);
    }
}
