package colmena.api;

/** A TLS keystore that cannot be used or made; the message says which and why. */
public final class TlsException extends RuntimeException {
    TlsException(String message) {
        super(message);
    }
}
