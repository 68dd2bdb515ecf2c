package colmena.config;

import colmena.log.Durations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FlagsTest {
    private static final String COMMAND = "demo";
    private static final List<Option> TABLE = List.of(
            Option.value("port", "COLMENA_PORT", "8000", "N", "port to listen on"),
            Option.value("ratio", "COLMENA_RATIO", "0.5", "X", "a fraction"),
            Option.value("interval", "COLMENA_INTERVAL", "1s", "DURATION", "how often"),
            Option.value("name", null, null, "NAME", "a name without default"),
            Option.repeated("param", "NAME=VALUE", "a parameter"),
            Option.flag("wait", "COLMENA_WAIT", "wait for it"));

    private static Flags parse(Map<String, String> env, String... args) {
        return Flags.parse(COMMAND, TABLE, args, env);
    }

    private static String[] args(String line) {
        return line.isEmpty() ? new String[0] : line.split(" ");
    }

    // ---- where a value comes from: flag, then environment, then default ----

    static Stream<Arguments> precedence() {
        return Stream.of(
                arguments("", Map.of(), 8000, "--port"),
                arguments("", Map.of("COLMENA_PORT", "9000"), 9000, "COLMENA_PORT"),
                arguments("", Map.of("COLMENA_PORT", " 9001 "), 9001, "COLMENA_PORT"),
                arguments("", Map.of("COLMENA_PORT", "   "), 8000, "--port"),
                arguments("", Map.of("COLMENA_PORT", ""), 8000, "--port"),
                arguments("--port 7000", Map.of(), 7000, "--port"),
                arguments("--port 7000", Map.of("COLMENA_PORT", "9000"), 7000, "--port"),
                arguments("--port=7001", Map.of("COLMENA_PORT", "9000"), 7001, "--port"),
                arguments("--ratio 0.1 --port 7003", Map.of(), 7003, "--port"));
    }

    @ParameterizedTest(name = "args \"{0}\", env {1} -> {2} from {3}")
    @MethodSource("precedence")
    void flagBeatsEnvironmentWhichBeatsDefault(String line, Map<String, String> env, int expected, String source) {
        Flags flags = parse(env, args(line));
        assertEquals(expected, flags.integer("port", 1, 65_535));
        assertEquals(source, flags.source("port"));
    }

    // ---- whole numbers ----

    static Stream<Arguments> badIntegers() {
        return Stream.of(
                arguments("--port abc", Map.of(), "--port: expected a number from 1 to 65535, got \"abc\""),
                arguments("--port 0", Map.of(), "--port: expected a number from 1 to 65535, got \"0\""),
                arguments("--port 65536", Map.of(), "--port: expected a number from 1 to 65535, got \"65536\""),
                arguments("--port -1", Map.of(), "--port: expected a number from 1 to 65535, got \"-1\""),
                arguments("--port 1.5", Map.of(), "--port: expected a number from 1 to 65535, got \"1.5\""),
                arguments("--port 99999999999999999999", Map.of(),
                        "--port: expected a number from 1 to 65535, got \"99999999999999999999\""),
                arguments("--port=", Map.of(), "--port: expected a number from 1 to 65535, got \"\""),
                arguments("", Map.of("COLMENA_PORT", "abc"),
                        "COLMENA_PORT: expected a number from 1 to 65535, got \"abc\""),
                arguments("", Map.of("COLMENA_PORT", "70000"),
                        "COLMENA_PORT: expected a number from 1 to 65535, got \"70000\""));
    }

    @ParameterizedTest(name = "args \"{0}\", env {1}")
    @MethodSource("badIntegers")
    void rejectsAnIntegerOutsideItsRangeNamingWhereItCameFrom(String line, Map<String, String> env, String message) {
        Flags flags = parse(env, args(line));
        UsageException e = assertThrows(UsageException.class, () -> flags.integer("port", 1, 65_535));
        assertEquals(message, e.getMessage());
    }

    @Test
    void longNumbersUseTheWholeLongRange() {
        Flags flags = parse(Map.of(), "--name", "9000000000");
        assertEquals(9_000_000_000L, flags.number("name", 0, Long.MAX_VALUE));
    }

    @Test
    void aFlagWithNeitherValueNorDefaultIsReportedAsMissingNumber() {
        Flags flags = parse(Map.of());
        UsageException e = assertThrows(UsageException.class, () -> flags.number("name", 1, 10));
        assertEquals("--name: expected a number from 1 to 10, got \"null\"", e.getMessage());
    }

    // ---- decimals ----

    static Stream<Arguments> decimals() {
        return Stream.of(
                arguments("--ratio 0.25", Map.of(), 0.25),
                arguments("--ratio 0", Map.of(), 0.0),
                arguments("--ratio 1", Map.of(), 1.0),
                arguments("", Map.of("COLMENA_RATIO", "0.75"), 0.75),
                arguments("", Map.of(), 0.5));
    }

    @ParameterizedTest(name = "args \"{0}\", env {1} -> {2}")
    @MethodSource("decimals")
    void readsADecimalWithinItsRange(String line, Map<String, String> env, double expected) {
        assertEquals(expected, parse(env, args(line)).decimal("ratio", 0, 1));
    }

    static Stream<Arguments> badDecimals() {
        return Stream.of(
                arguments("--ratio abc", Map.of(), "--ratio: expected a number from 0.0 to 1.0, got \"abc\""),
                arguments("--ratio 1.5", Map.of(), "--ratio: expected a number from 0.0 to 1.0, got \"1.5\""),
                arguments("--ratio -0.1", Map.of(), "--ratio: expected a number from 0.0 to 1.0, got \"-0.1\""),
                arguments("--ratio NaN", Map.of(), "--ratio: expected a number from 0.0 to 1.0, got \"NaN\""),
                arguments("", Map.of("COLMENA_RATIO", "half"),
                        "COLMENA_RATIO: expected a number from 0.0 to 1.0, got \"half\""));
    }

    @ParameterizedTest(name = "args \"{0}\", env {1}")
    @MethodSource("badDecimals")
    void rejectsADecimalOutsideItsRange(String line, Map<String, String> env, String message) {
        Flags flags = parse(env, args(line));
        UsageException e = assertThrows(UsageException.class, () -> flags.decimal("ratio", 0, 1));
        assertEquals(message, e.getMessage());
    }

    // ---- durations ----

    static Stream<Arguments> durations() {
        return Stream.of(
                arguments("500ms", Duration.ofMillis(500)),
                arguments("2s", Duration.ofSeconds(2)),
                arguments("1.5s", Duration.ofMillis(1500)),
                arguments("2S", Duration.ofSeconds(2)),
                arguments("1m", Duration.ofMinutes(1)),
                arguments("1h", Duration.ofHours(1)),
                arguments("3", Duration.ofSeconds(3)),
                arguments("0.25", Duration.ofMillis(250)),
                arguments("250 ms", Duration.ofMillis(250)));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @MethodSource("durations")
    void readsDurationsWithOrWithoutAUnit(String text, Duration expected) {
        Flags flags = parse(Map.of(), "--interval=" + text);
        assertEquals(expected, flags.duration("interval", Duration.ofMillis(100), Duration.ofHours(1)));
    }

    static Stream<Arguments> badDurations() {
        String range = "expected a duration from 100ms to 1h (like 500ms, 2s, 1m), got ";
        return Stream.of(
                arguments("--interval abc", Map.of(), "--interval: " + range + "\"abc\""),
                arguments("--interval 50ms", Map.of(), "--interval: " + range + "\"50ms\""),
                arguments("--interval 2h", Map.of(), "--interval: " + range + "\"2h\""),
                arguments("--interval -1s", Map.of(), "--interval: " + range + "\"-1s\""),
                arguments("--interval 1.5m", Map.of(), "--interval: " + range + "\"1.5m\""),
                arguments("--interval ms", Map.of(), "--interval: " + range + "\"ms\""),
                arguments("", Map.of("COLMENA_INTERVAL", "fast"), "COLMENA_INTERVAL: " + range + "\"fast\""));
    }

    @ParameterizedTest(name = "args \"{0}\", env {1}")
    @MethodSource("badDurations")
    void rejectsADurationOutsideItsRangeOrWithoutMeaning(String line, Map<String, String> env, String message) {
        Flags flags = parse(env, args(line));
        UsageException e = assertThrows(UsageException.class,
                () -> flags.duration("interval", Duration.ofMillis(100), Duration.ofHours(1)));
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> formattedDurations() {
        return Stream.of(
                arguments(Duration.ofMillis(500), "500ms"),
                arguments(Duration.ofMillis(1500), "1500ms"),
                arguments(Duration.ofSeconds(2), "2s"),
                arguments(Duration.ofSeconds(90), "90s"),
                arguments(Duration.ofSeconds(60), "1m"),
                arguments(Duration.ofMinutes(90), "90m"),
                arguments(Duration.ofHours(1), "1h"),
                arguments(Duration.ofDays(7), "168h"),
                arguments(Duration.ZERO, "0s"));
    }

    @ParameterizedTest(name = "{0} -> \"{1}\"")
    @MethodSource("formattedDurations")
    void formatsDurationsInTheLargestWholeUnitAndReadsThemBack(Duration duration, String text) {
        assertEquals(text, Durations.format(duration));
        assertEquals(duration, Flags.parseDuration(text));
    }

    @Test
    void theSharedIntervalDefaultReadsAsOneSecond() {
        Flags flags = Flags.parse("agent", List.of(Settings.INTERVAL), new String[0], Map.of());
        assertEquals(Settings.DEFAULT_INTERVAL, flags.duration("interval", Duration.ofMillis(100), Duration.ofMinutes(1)));
    }

    // ---- switches ----

    static Stream<Arguments> switches() {
        return Stream.of(
                arguments("", Map.of(), false),
                arguments("--wait", Map.of(), true),
                arguments("--wait=true", Map.of(), true),
                arguments("--wait=TRUE", Map.of(), true),
                arguments("--wait=yes", Map.of(), true),
                arguments("--wait=on", Map.of(), true),
                arguments("--wait=1", Map.of(), true),
                arguments("--wait=false", Map.of(), false),
                arguments("--wait=no", Map.of(), false),
                arguments("--wait=off", Map.of(), false),
                arguments("--wait=0", Map.of(), false),
                arguments("", Map.of("COLMENA_WAIT", "yes"), true),
                arguments("", Map.of("COLMENA_WAIT", "0"), false),
                arguments("--wait=false", Map.of("COLMENA_WAIT", "true"), false));
    }

    @ParameterizedTest(name = "args \"{0}\", env {1} -> {2}")
    @MethodSource("switches")
    void readsASwitchFromFlagOrEnvironment(String line, Map<String, String> env, boolean expected) {
        assertEquals(expected, parse(env, args(line)).bool("wait"));
    }

    static Stream<Arguments> badSwitches() {
        return Stream.of(
                arguments("--wait=maybe", Map.of(), "--wait: expected true or false, got \"maybe\""),
                arguments("", Map.of("COLMENA_WAIT", "maybe"), "COLMENA_WAIT: expected true or false, got \"maybe\""));
    }

    @ParameterizedTest(name = "args \"{0}\", env {1}")
    @MethodSource("badSwitches")
    void rejectsASwitchThatIsNeitherTrueNorFalse(String line, Map<String, String> env, String message) {
        Flags flags = parse(env, args(line));
        UsageException e = assertThrows(UsageException.class, () -> flags.bool("wait"));
        assertEquals(message, e.getMessage());
    }

    // ---- the command line itself ----

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                arguments("--nope 1", "unknown flag --nope for \"demo\""),
                arguments("--nope=1", "unknown flag --nope for \"demo\""),
                arguments("--port", "--port: expected a value (N)"),
                arguments("--ratio 0.1 --port", "--port: expected a value (N)"),
                arguments("--port 1 --port 2", "--port: given more than once"),
                arguments("--port 1 --port=2", "--port: given more than once"),
                arguments("--wait --wait", "--wait: given more than once"),
                arguments("port 80", "unexpected argument \"port\"; flags start with --"),
                arguments("-p 80", "unexpected argument \"-p\"; flags start with --"),
                arguments("--", "unexpected argument \"--\"; flags start with --"),
                arguments("--wait 3", "unexpected argument \"3\"; flags start with --"));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @MethodSource("badCommandLines")
    void rejectsACommandLineNamingTheFlagAtFault(String line, String message) {
        UsageException e = assertThrows(UsageException.class, () -> parse(Map.of(), args(line)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aRepeatableFlagKeepsEveryValueInOrder() {
        Flags flags = parse(Map.of(), "--param", "n=1", "--param=seed=2", "--param", "x=");
        assertEquals(List.of("n=1", "seed=2", "x="), flags.all("param"));
    }

    @Test
    void aRepeatableFlagNotGivenHasNoValues() {
        assertEquals(List.of(), parse(Map.of()).all("param"));
    }

    @Test
    void anInlineValueKeepsEverythingAfterTheFirstEqualsSign() {
        assertEquals("a=b=c", parse(Map.of(), "--name=a=b=c").string("name"));
    }

    @Test
    void aValueMayStartWithADash() {
        assertEquals("-x", parse(Map.of(), "--name", "-x").string("name"));
    }

    @Test
    void aFlagWithoutDefaultIsAbsentUntilGiven() {
        Flags absent = parse(Map.of());
        assertFalse(absent.has("name"));
        assertNull(absent.string("name"));
        UsageException e = assertThrows(UsageException.class, () -> absent.required("name"));
        assertEquals("--name is required", e.getMessage());

        Flags given = parse(Map.of(), "--name", "nodo1");
        assertTrue(given.has("name"));
        assertEquals("nodo1", given.required("name"));
    }

    @Test
    void anOptionWithADefaultIsAlwaysPresent() {
        Flags flags = parse(Map.of());
        assertTrue(flags.has("port"));
        assertEquals("8000", flags.string("port"));
    }

    @Test
    void askingForAnUndeclaredFlagIsAProgrammingError() {
        Flags flags = parse(Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flags.string("bogus"));
        assertEquals("flag --bogus is not declared for demo", e.getMessage());
    }

    // ---- usage ----

    @Test
    void usageListsEveryOptionWithItsVariableDefaultAndHelp() {
        String usage = Flags.usage(COMMAND, "Does a demo.", TABLE);
        List<String> lines = usage.lines().toList();

        assertEquals("Usage: java -jar dist/colmena.jar demo [options]", lines.get(0));
        assertTrue(lines.contains("Does a demo."), usage);
        assertTrue(lines.contains("  --port N                    port to listen on [env COLMENA_PORT, default 8000]"), usage);
        assertTrue(lines.contains("  --name NAME                 a name without default"), usage);
        assertTrue(lines.contains("  --param NAME=VALUE          a parameter [repeatable]"), usage);
        assertTrue(lines.contains("  --wait                      wait for it [env COLMENA_WAIT]"), usage);
        assertTrue(lines.contains("  --help                      this text"), usage);
        for (Option option : TABLE) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("  " + option.flag() + " ")).count(),
                    option.flag() + " should have exactly one line in\n" + usage);
        }
    }
}
