package colmena.config;

/** A command line or environment setting that cannot be used; the message names the setting. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
