package colmena.install;

import colmena.TestDatabase;
import colmena.store.Database;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one row of table Installation, on a real H2 database. */
class InstallationStoreTest {

    @Test
    void theFirstInstallationRecordedStaysAndARenameChangesOnlyItsName() throws Exception {
        Database db = TestDatabase.fresh();
        try (Connection c = db.connect()) {
            c.setAutoCommit(true);
            assertNull(InstallationStore.read(c));
            assertNull(InstallationStore.rename(c, "Aula 7"), "nothing to rename yet");
            Installation first = new Installation("aaaaaaaaaaaa", "aula-7", "class-a");
            assertEquals(first, InstallationStore.create(c, first));
            Installation second = new Installation("bbbbbbbbbbbb", "aula-8", "");
            assertEquals(first, InstallationStore.create(c, second), "a second installation does not replace the first");
            assertEquals(new Installation("aaaaaaaaaaaa", "Aula 7 (mañana)", "class-a"), InstallationStore.rename(c, "Aula 7 (mañana)"));
            assertThrows(IllegalArgumentException.class, () -> InstallationStore.rename(c, "<b>x</b>"));
            assertEquals("Aula 7 (mañana)", InstallationStore.read(c).name(), "a bad name changes nothing");
        }
    }
}
