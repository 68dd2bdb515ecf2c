package colmena.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secrets from files or the environment instead of the command line, where {@code ps} shows them. */
class SecretFlagsTest {
    private static final List<Option> TABLE = List.of(
            Option.value("redis-password", "COLMENA_REDIS_PASSWORD", null, Flags.SECRET, "a password"),
            Option.value("redis", "COLMENA_REDIS_URL", "redis://127.0.0.1:6379", "URL", "a URL"),
            Option.value("port", "COLMENA_PORT", "1", "N", "a number"));

    @TempDir
    Path dir;

    @Test
    void aSecretIsReadFromTheFileGivenWithTheFileFlagOrTheFileVariable() throws Exception {
        Path file = Files.createFile(dir.resolve("secret.txt"));
        Files.writeString(file, "  s3cret-from-file\n");
        Flags viaFlag = Flags.parse("redis", TABLE, new String[] {"--redis-password-file", file.toString()}, Map.of());
        assertEquals("s3cret-from-file", viaFlag.string("redis-password"));
        assertEquals("--redis-password-file", viaFlag.source("redis-password"));
        Flags viaEnv = Flags.parse("redis", TABLE, new String[0], Map.of("COLMENA_REDIS_PASSWORD_FILE", file.toString()));
        assertEquals("s3cret-from-file", viaEnv.string("redis-password"));
        Files.writeString(file, "redis://:pw@teacher:6379\n");
        assertEquals("redis://:pw@teacher:6379",
                Flags.parse("agent", TABLE, new String[0], Map.of("COLMENA_REDIS_URL_FILE", file.toString())).string("redis"),
                "any variable may come from a file");
        assertEquals("direct", Flags.parse("redis", TABLE, new String[0],
                Map.of("COLMENA_REDIS_PASSWORD", "direct", "COLMENA_REDIS_PASSWORD_FILE", file.toString())).string("redis-password"),
                "the variable itself wins over its _FILE form");
    }

    @Test
    void aMissingOrEmptySecretFileOrAFileFlagForAPlainOptionIsAClearError() throws Exception {
        UsageException missing = assertThrows(UsageException.class,
                () -> Flags.parse("redis", TABLE, new String[] {"--redis-password-file", "/nonexistent/pw"}, Map.of()));
        assertTrue(missing.getMessage().startsWith("--redis-password-file: cannot read /nonexistent/pw"), missing.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        UsageException blank = assertThrows(UsageException.class,
                () -> Flags.parse("redis", TABLE, new String[0], Map.of("COLMENA_REDIS_PASSWORD_FILE", empty.toString())));
        assertEquals("COLMENA_REDIS_PASSWORD_FILE: " + empty + " is empty", blank.getMessage());
        UsageException notSecret = assertThrows(UsageException.class,
                () -> Flags.parse("redis", TABLE, new String[] {"--port-file", empty.toString()}, Map.of()));
        assertTrue(notSecret.getMessage().startsWith("unknown flag --port-file"), notSecret.getMessage());
        Path file = Files.createFile(dir.resolve("pw.txt"));
        Files.writeString(file, "x");
        UsageException twice = assertThrows(UsageException.class, () -> Flags.parse("redis", TABLE,
                new String[] {"--redis-password", "a", "--redis-password-file", file.toString()}, Map.of()));
        assertTrue(twice.getMessage().contains("given more than once"), twice.getMessage());
    }

    @Test
    void theHelpSaysASecretMayComeFromAFile() {
        String usage = Flags.usage("redis", "Runs Redis.", TABLE);
        assertTrue(usage.contains("env COLMENA_REDIS_PASSWORD or COLMENA_REDIS_PASSWORD_FILE, or --redis-password-file FILE"), usage);
    }
}
