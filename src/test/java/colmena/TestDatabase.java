package colmena;

import colmena.store.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh H2 file database, with the real schema, in a folder of its own. */
public final class TestDatabase {
    private TestDatabase() {
    }

    public static Path freshDir() {
        try {
            return Files.createTempDirectory("colmena-test-db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Database fresh() {
        try {
            return Database.open(Database.defaultUrl(freshDir()), null, null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(Database db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
