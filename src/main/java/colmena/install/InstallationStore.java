package colmena.install;

import colmena.store.DbTime;
import colmena.store.SqlDialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import java.time.Instant;

/** The one row of table {@code Installation}: which Colmena this database belongs to. */
public final class InstallationStore {
    private InstallationStore() {
    }

    /** The installation this database belongs to, or null when it has none yet. */
    public static Installation read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.of(c).installation());
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Installation(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
        }
    }

    /**
     * Records {@code wanted} as this database's installation unless it already has one.
     *
     * @return the installation the database holds afterwards (another process may have been first)
     */
    public static Installation create(Connection c, Installation wanted) throws SQLException {
        Installation held = read(c);
        if (held != null) {
            return held;
        }
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.of(c).insertInstallation())) {
            ps.setString(1, wanted.id());
            ps.setString(2, wanted.name());
            ps.setString(3, wanted.namespace());
            DbTime.set(ps, 4, Instant.now());
            ps.executeUpdate();
            return wanted;
        } catch (SQLException e) {
            Installation now = read(c); // a process that inserted first wins; anything else is a real failure
            if (now == null) {
                throw e;
            }
            return now;
        }
    }

    /**
     * Gives the installation a new name; the working coordinator carries it to Redis.
     *
     * @return the renamed installation, or null when the database has none yet
     * @throws IllegalArgumentException when the name is not valid (nothing is changed)
     */
    public static Installation rename(Connection c, String newName) throws SQLException {
        String name = Installation.validName(newName);
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.of(c).renameInstallation())) {
            ps.setString(1, name);
            if (ps.executeUpdate() == 0) {
                return null;
            }
        }
        return read(c);
    }
}
