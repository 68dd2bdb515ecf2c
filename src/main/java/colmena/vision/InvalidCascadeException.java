package colmena.vision;

/** A cascade file that cannot be used: not XML, not an OpenCV Haar cascade, or inconsistent. */
public final class InvalidCascadeException extends RuntimeException {

    /** @param message what was wrong with the file, for a user to read */
    public InvalidCascadeException(String message) {
        super(message);
    }
}
