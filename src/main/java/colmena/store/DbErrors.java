package colmena.store;

import java.util.Locale;

/**
 * What a database failure means, in words a person acts on: "disk full", "data folder not
 * writable", or the driver's own message when it is none of those. H2 wraps the file system's
 * error in its own ("IO Exception", "Feature not supported: AUTO_SERVER=TRUE && (readOnly …)"),
 * so the whole chain of causes is read.
 */
public final class DbErrors {
    public static final String DISK_FULL = "disk full";
    public static final String NOT_WRITABLE = "data folder not writable";

    private DbErrors() {
    }

    /** The problem in words, for a log line and for health: {@code "disk full"}, or null if not recognised. */
    public static String problem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk full") || m.contains("not enough space")) {
                return DISK_FULL;
            }
            if (m.contains("read-only file system") || m.contains("readonly") || m.contains("read only")
                    || m.contains("permission denied") || m.contains("operation not permitted")
                    || t instanceof java.nio.file.AccessDeniedException
                    || t instanceof java.nio.file.ReadOnlyFileSystemException) {
                return NOT_WRITABLE;
            }
            if (t instanceof java.sql.SQLException s && s.getErrorCode() == H2_DATABASE_IS_READ_ONLY) {
                return NOT_WRITABLE;
            }
        }
        return null;
    }

    /** A whole sentence for a log line: the problem in words when known, then the driver's first line. */
    public static String describe(Throwable e) {
        String problem = problem(e);
        String reason = colmena.support.Outage.reason(e);
        if (reason.length() > 200) {
            reason = reason.substring(0, 200) + "…";
        }
        return problem == null ? "unreachable (" + reason + ")" : "cannot be written: " + problem + " (" + reason + ")";
    }

    /** H2's code for writing to a database opened read-only. */
    static final int H2_DATABASE_IS_READ_ONLY = 90097;
}
