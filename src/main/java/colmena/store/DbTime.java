package colmena.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * How a time is stored: as UTC, in a DATETIME2 column (which carries no zone), on H2 and SQL
 * Server alike. Processes in different zones, or on either side of a change to or from summer
 * time, then read the same instant back.
 */
public final class DbTime {
    private DbTime() {
    }

    /** Binds {@code t} (null: SQL NULL). */
    public static void set(PreparedStatement ps, int index, Instant t) throws SQLException {
        // Not LocalDateTime.ofInstant: for a ZoneOffset it makes a new ZoneRules each call, and the
        // storing thread binds three or four times per row.
        ps.setObject(index, t == null ? null : LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC),
                java.sql.Types.TIMESTAMP);
    }

    /** Binds epoch milliseconds; 0 or less is SQL NULL (a time not known). */
    public static void set(PreparedStatement ps, int index, long epochMs) throws SQLException {
        ps.setObject(index, epochMs > 0 ? utc(epochMs) : null, java.sql.Types.TIMESTAMP);
    }

    /** Epoch milliseconds as the UTC date and time stored. */
    static LocalDateTime utc(long epochMs) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMs, 1000L), (int) Math.floorMod(epochMs, 1000L) * 1_000_000,
                ZoneOffset.UTC);
    }

    public static Instant get(ResultSet rs, int column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    public static Instant get(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }
}
