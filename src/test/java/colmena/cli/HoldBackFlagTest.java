package colmena.cli;

import colmena.config.Flags;
import colmena.config.UsageException;
import colmena.coordinator.Coordinator;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code coordinator --hold-back-at}: its default, the environment variable, and bad values refused naming the flag. */
class HoldBackFlagTest {
    private static int holdBackAt(Map<String, String> env, String... args) {
        return CoordinatorCommand.config(Flags.parse("coordinator", CoordinatorCommand.OPTIONS, args, env)).holdBackAt();
    }

    @Test
    void twentyThousandByDefaultElseTheFlagOrTheEnvironment() {
        assertEquals(20_000, holdBackAt(Map.of()));
        assertEquals(Coordinator.HOLD_BACK_AT, holdBackAt(Map.of()));
        assertEquals(500, holdBackAt(Map.of("COLMENA_HOLD_BACK_AT", "500")));
        assertEquals(7, holdBackAt(Map.of("COLMENA_HOLD_BACK_AT", "500"), "--hold-back-at", "7"));
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertEquals("--hold-back-at: expected a number from 1 to 10000000, got \"0\"",
                assertThrows(UsageException.class, () -> holdBackAt(Map.of(), "--hold-back-at", "0")).getMessage());
        assertEquals("--hold-back-at: expected a number from 1 to 10000000, got \"lots\"",
                assertThrows(UsageException.class, () -> holdBackAt(Map.of(), "--hold-back-at", "lots")).getMessage());
    }
}
