package colmena.cli;

/**
 * Something a process needs at start is missing; the message is the one line the user sees, and
 * {@link #exitCode()} the code the process ends with (1 unless a command documents another).
 */
public final class StartupException extends RuntimeException {
    private final int exitCode;

    public StartupException(String message) {
        this(message, 1);
    }

    public StartupException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
