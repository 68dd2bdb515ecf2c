package colmena.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Database failures told in words, from what H2 and the file system actually say. */
class DbErrorsTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "IO Exception: \"java.io.IOException: No space left on device\";;disk full",
            "General error;No space left on device;disk full",
            "Feature not supported: \"AUTO_SERVER=TRUE && (readOnly || fileLocking != FILE)\";;data folder not writable",
            "Error opening database;/data/colmena.mv.db: Read-only file system;data folder not writable",
            "IO Exception;Permission denied;data folder not writable",
            "Connection is broken: \"java.net.ConnectException: Connection refused\";;",
    })
    void namesTheProblem(String message, String cause, String expected) {
        SQLException e = new SQLException(message);
        if (cause != null) {
            e.initCause(new IOException(cause));
        }
        assertEquals(expected, DbErrors.problem(e));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "No space left on device;cannot be written: disk full (No space left on device)",
            "Connection refused;unreachable (Connection refused)",
    })
    void describesItInOneLine(String message, String expected) {
        assertEquals(expected, DbErrors.describe(new SQLException(message)));
    }

    @org.junit.jupiter.api.Test
    void aValueTheDatabaseRefusesIsToldApartFromAnOutage() throws Exception {
        Database db = colmena.TestDatabase.fresh();
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            SQLException tooLong = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> s.execute(
                    "INSERT INTO ApiSecrets (Name, Secret) VALUES ('" + "x".repeat(65) + "', 's')"));
            assertEquals(true, DbErrors.refused(tooLong), tooLong.getMessage());
            assertEquals(DbErrors.REFUSED, DbErrors.problem(tooLong));
            s.execute("INSERT INTO ApiSecrets (Name, Secret) VALUES ('k', 's')");
            SQLException twice = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> s.execute(
                    "INSERT INTO ApiSecrets (Name, Secret) VALUES ('k', 's')"));
            assertEquals(true, DbErrors.refused(twice), twice.getMessage());
            java.sql.BatchUpdateException inBatch = new java.sql.BatchUpdateException("batch failed", new int[0]);
            inBatch.setNextException(twice);
            assertEquals(true, DbErrors.refused(inBatch), "a batch whose statement was refused");
            assertEquals(true, DbErrors.duplicateKey(twice), "a key taken");
            assertEquals(true, DbErrors.duplicateKey(inBatch), "a key taken, in a batch");
            assertEquals(false, DbErrors.duplicateKey(tooLong), "refused, but no key taken");
        }
        assertEquals(false, DbErrors.duplicateKey(new SQLException("Connection refused", "08001")));
        assertEquals(false, DbErrors.refused(new SQLException("Connection refused", "08001")));
        assertEquals(false, DbErrors.refused(new SQLException("No space left on device")));
    }
}
