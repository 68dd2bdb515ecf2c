package colmena.cli;

/** Something a process needs at start is missing; the message is the one line the user sees. */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message, null, false, false);
    }
}
