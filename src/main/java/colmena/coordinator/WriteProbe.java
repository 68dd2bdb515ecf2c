package colmena.coordinator;

import colmena.store.DbSession;
import colmena.store.Durability;
import colmena.store.SqlDialect;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * After a failed write, tells when the database takes writes again even if no task needs
 * writing: rewrites one row's time stamp with the same value and has it written to the file, at
 * most every {@link #EVERY_MS}.
 */
final class WriteProbe {
    static final long EVERY_MS = 1_000;

    private final DbSession db;
    private final Durability durability;
    private long lastMs;

    WriteProbe(DbSession db, Durability durability) {
        this.db = db;
        this.durability = durability;
    }

    boolean due() {
        return System.currentTimeMillis() - lastMs >= EVERY_MS;
    }

    /** @throws SQLException when the write, or writing it to the file, fails */
    void write() throws SQLException {
        lastMs = System.currentTimeMillis();
        db.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate(SqlDialect.of(c).touchNewestRow());
            }
            return null;
        });
        durability.durableUpTo(db);
    }
}
