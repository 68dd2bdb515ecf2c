package colmena.cli;

import colmena.config.Flags;
import colmena.config.UsageException;
import colmena.store.Retention;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The coordinator's retention flags: generous defaults, environment variables, and bad values refused. */
class RetentionFlagsTest {
    private static Retention.Policy policy(Map<String, String> env, String... args) {
        return CoordinatorCommand.config(Flags.parse("coordinator", CoordinatorCommand.OPTIONS, args, env)).retention();
    }

    @Test
    void byDefaultAYearAndFiveMillionRowsAreKeptAndNothingIsExported() {
        Retention.Policy p = policy(Map.of());
        assertEquals(365, p.keepDays());
        assertEquals(5_000_000, p.keepRows());
        assertNull(p.exportDir());
        assertTrue(p.enabled());
    }

    @Test
    void flagsAndEnvironmentSetThem() {
        Retention.Policy p = policy(Map.of("COLMENA_KEEP_ROWS", "1000"), "--keep-days", "30", "--retention-export", "old");
        assertEquals(30, p.keepDays());
        assertEquals(1_000, p.keepRows());
        assertEquals(Path.of("old"), p.exportDir());
        assertEquals(false, policy(Map.of(), "--keep-days", "0", "--keep-rows", "0").enabled());
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertEquals("--keep-days: expected a number from 0 to 36500, got \"a year\"",
                assertThrows(UsageException.class, () -> policy(Map.of(), "--keep-days", "a year")).getMessage());
        assertEquals("--keep-rows: expected a number from 0 to 9223372036854775807, got \"-5\"",
                assertThrows(UsageException.class, () -> policy(Map.of(), "--keep-rows", "-5")).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> policy(Map.of(), "--keep-days", "0", "--keep-rows", "0",
                "--retention-export", "old")).getMessage().startsWith("--retention-export: nothing is deleted"));
    }
}
