package colmena.broker;

/** A queue message that is not valid JSON or not the shape its queue carries; says what is wrong. */
public final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
        super(message);
    }
}
