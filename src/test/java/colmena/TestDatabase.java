package colmena;

import colmena.bench.Lab;
import colmena.store.Database;

import java.nio.file.Path;
import java.sql.SQLException;

/** A fresh H2 file database, with the real schema, in a folder of its own: the benchmarks' {@link Lab}, which both share. */
public final class TestDatabase {
    private TestDatabase() {
    }

    public static Path freshDir() {
        return TempDirs.make("colmena-test-db");
    }

    public static Database fresh() {
        try {
            return Lab.freshDatabase(freshDir());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(Database db, String sql) throws SQLException {
        return Lab.count(db, sql);
    }
}
