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
        if (refused(e)) {
            return REFUSED;
        }
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
        String reason = colmena.log.Outage.reason(e);
        if (reason.length() > 200) {
            reason = reason.substring(0, 200) + "…";
        }
        return problem == null ? "unreachable (" + reason + ")" : "cannot be written: " + problem + " (" + reason + ")";
    }

    /** What {@link #problem} says of a value the database refuses. */
    public static final String REFUSED = "a value refused";

    /** SQL Server's codes for a refused value: truncation, a constraint, a NULL, an overflow, a conversion. */
    private static final java.util.Set<Integer> SQL_SERVER_REFUSALS = java.util.Set.of(8152, 2628, 547, 2627, 2601, 515,
            8115, 245, 8114, 241);

    /** SQL Server's codes for a row whose key is taken: a unique constraint, a unique index. */
    private static final java.util.Set<Integer> SQL_SERVER_DUPLICATE_KEY = java.util.Set.of(2627, 2601);

    /**
     * Whether the statement failed because a row with the same unique key exists (SQLState 23505,
     * H2's and the standard's; SQL Server's 2627 and 2601), here or in a batch's chained errors.
     */
    public static boolean duplicateKey(Throwable e) {
        return anySqlError(e, s -> "23505".equals(s.getSQLState()) || (SQL_SERVER_DUPLICATE_KEY.contains(s.getErrorCode()) && fromSqlServer(s)));
    }

    /**
     * Whether the database refused the statement's values (too long, a constraint, a NULL where
     * none may be, a number out of range): the same write fails the same way again, however long
     * one waits, unlike an outage. Standard SQLState classes 22 and 23, or SQL Server's codes.
     */
    public static boolean refused(Throwable e) {
        return anySqlError(e, s -> {
            String state = s.getSQLState();
            return (state != null && (state.startsWith("22") || state.startsWith("23")))
                    || (SQL_SERVER_REFUSALS.contains(s.getErrorCode()) && fromSqlServer(s));
        });
    }

    /** H2's code for a lock not granted within LOCK_TIMEOUT. */
    static final int H2_LOCK_TIMEOUT = 50200;
    /** SQL Server's code for a lock not granted within SET LOCK_TIMEOUT. */
    static final int SQL_SERVER_LOCK_TIMEOUT = 1222;

    /** Whether the statement gave up waiting for a lock another connection holds (H2's 50200, SQL Server's 1222). */
    public static boolean lockTimeout(Throwable e) {
        return anySqlError(e, s -> fromSqlServer(s) ? s.getErrorCode() == SQL_SERVER_LOCK_TIMEOUT
                : s.getErrorCode() == H2_LOCK_TIMEOUT);
    }

    /** Whether the error comes from mssql-jdbc, whose vendor codes are SQL Server's. */
    private static boolean fromSqlServer(java.sql.SQLException s) {
        return s.getClass().getName().contains("sqlserver");
    }

    /** Whether {@code test} holds for an SQL error in {@code e}'s causes or in a batch's chained errors. */
    private static boolean anySqlError(Throwable e, java.util.function.Predicate<java.sql.SQLException> test) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException s) {
                if (test.test(s)) {
                    return true;
                }
                if (s.getNextException() != null && s.getNextException() != s && anySqlError(s.getNextException(), test)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** H2's code for writing to a database opened read-only. */
    static final int H2_DATABASE_IS_READ_ONLY = 90097;
}
