package colmena.vision;

/** Bytes that are not an image this system reads, or one too large to decode. */
public final class InvalidImageException extends RuntimeException {

    /** @param message what is wrong with the input, for a user to read */
    public InvalidImageException(String message) {
        super(message);
    }
}
