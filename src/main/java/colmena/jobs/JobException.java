package colmena.jobs;

/** A job that cannot be made as asked: {@code field} names what was wrong ({@code photos[2]}, {@code cascade}). */
public final class JobException extends Exception {
    private final String field;

    public JobException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
