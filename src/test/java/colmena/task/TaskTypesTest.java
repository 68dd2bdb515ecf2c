package colmena.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class TaskTypesTest {
    private static final String KNOWN =
            "operation-intensive, primes, montecarlo-pi, matrix-multiply, sha256-chain, sleep, spin";

    private static Map<String, Object> params(String name, Object value) {
        Map<String, Object> map = new HashMap<>();
        map.put(name, value);
        return map;
    }

    // ---- types ----

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"fibb", "", "Primes", "primes ", "sleep;"})
    void anUnknownTypeIsRefusedListingTheKnownOnes(String name) {
        InvalidTaskException e = assertThrows(InvalidTaskException.class, () -> TaskTypes.get(name));
        assertEquals("unknown task type \"" + name + "\"; known types: " + KNOWN, e.getMessage());
        assertEquals("type", e.field());
    }

    @Test
    void aMissingTypeIsRefusedLikeAnUnknownOne() {
        InvalidTaskException e = assertThrows(InvalidTaskException.class, () -> TaskTypes.check(null, Map.of()));
        assertEquals("unknown task type \"null\"; known types: " + KNOWN, e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"operation-intensive", "primes", "montecarlo-pi", "matrix-multiply", "sha256-chain", "sleep", "spin",
            "faces-tile"})
    void everyKnownTypeIsFoundByItsName(String name) throws Exception {
        assertEquals(name, TaskTypes.get(name).name());
    }

    @Test
    void onlyJobsMakeFacesTileTasks() throws Exception {
        assertEquals(List.of("operation-intensive", "primes", "montecarlo-pi", "matrix-multiply", "sha256-chain", "sleep",
                "spin"), TaskTypes.submittable());
        InvalidTaskException e = assertThrows(InvalidTaskException.class,
                () -> TaskTypes.checkSubmitted("faces-tile", Map.of()));
        assertEquals("type", e.field());
        assertTrue(e.getMessage().contains("made by jobs"), e.getMessage());
    }

    @Test
    void aTextParameterMustMatchItsPattern() throws Exception {
        Map<String, Object> strip = new java.util.HashMap<>(Map.of("blob", "a".repeat(64), "cascade", "default"));
        assertEquals("a".repeat(64), TaskTypes.check("faces-tile", strip).text("blob"));
        strip.put("blob", "../../etc/passwd");
        InvalidTaskException bad = assertThrows(InvalidTaskException.class, () -> TaskTypes.check("faces-tile", strip));
        assertEquals("blob", bad.field());
        strip.remove("blob");
        InvalidTaskException missing = assertThrows(InvalidTaskException.class, () -> TaskTypes.check("faces-tile", strip));
        assertTrue(missing.getMessage().contains("blob is required"), missing.getMessage());
    }

    @Test
    void everyTypeHasAUniqueNameASummaryAndDefaultsWithinItsBounds() throws Exception {
        List<TaskType> all = TaskTypes.all();
        assertEquals(KNOWN, String.join(", ", TaskTypes.submittable()));
        assertEquals(List.of("faces-tile", "image-filter"),
                all.stream().filter(TaskType::madeByJobs).map(TaskType::name).toList(), "the types only jobs make");
        assertEquals(all.size(), new HashSet<>(all.stream().map(TaskType::name).toList()).size());
        for (TaskType type : all) {
            assertTrue(!type.summary().isBlank(), type.name() + " has no summary");
            for (Param p : type.params()) {
                if (p.isText()) {
                    continue; // a text has a pattern, not bounds
                }
                assertTrue(p.min() <= p.defaultValue() && p.defaultValue() <= p.max(),
                        type.name() + "." + p.name() + " default outside its bounds");
            }
        }
    }

    // ---- parameters ----

    static Stream<Arguments> unknownParameters() {
        return Stream.of(
                arguments("primes", "m", "unknown parameter \"m\" for primes; known: n"),
                arguments("sleep", "seconds", "unknown parameter \"seconds\" for sleep; known: ms"),
                arguments("matrix-multiply", "N", "unknown parameter \"N\" for matrix-multiply; known: n, seed"),
                arguments("montecarlo-pi", "", "unknown parameter \"\" for montecarlo-pi; known: samples, seed"));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("unknownParameters")
    void anUnknownParameterIsRefusedListingTheKnownOnes(String type, String param, String message) {
        InvalidTaskException e = assertThrows(InvalidTaskException.class,
                () -> TaskTypes.check(type, params(param, 1)));
        assertEquals(message, e.getMessage());
        assertEquals(param, e.field());
    }

    static Stream<Arguments> outOfBounds() {
        return Stream.of(
                arguments("primes", "n", 1, "primes: n must be at least 2, got 1"),
                arguments("primes", "n", "1", "primes: n must be at least 2, got 1"),
                arguments("primes", "n", 100_000_001, "primes: n must be at most 100000000, got 100000001"),
                arguments("primes", "n", -5L, "primes: n must be at least 2, got -5"),
                arguments("sleep", "ms", -1, "sleep: ms must be at least 0, got -1"),
                arguments("sleep", "ms", 3_600_001, "sleep: ms must be at most 3600000, got 3600001"),
                arguments("matrix-multiply", "n", 0, "matrix-multiply: n must be at least 1, got 0"),
                arguments("matrix-multiply", "n", 1_501.0, "matrix-multiply: n must be at most 1500, got 1501"),
                arguments("matrix-multiply", "seed", 1_000_001, "matrix-multiply: seed must be at most 1000000, got 1000001"),
                arguments("operation-intensive", "number", 0, "operation-intensive: number must be at least 1, got 0"),
                arguments("operation-intensive", "number", "100001",
                        "operation-intensive: number must be at most 100000, got 100001"),
                arguments("montecarlo-pi", "samples", 0, "montecarlo-pi: samples must be at least 1, got 0"),
                arguments("montecarlo-pi", "seed", -1, "montecarlo-pi: seed must be at least 0, got -1"),
                arguments("sha256-chain", "rounds", 50_000_001, "sha256-chain: rounds must be at most 50000000, got 50000001"));
    }

    @ParameterizedTest(name = "{0}.{1} = {2}")
    @MethodSource("outOfBounds")
    void aParameterOutsideItsBoundsIsRefusedNamingTheBound(String type, String param, Object value, String message) {
        InvalidTaskException e = assertThrows(InvalidTaskException.class,
                () -> TaskTypes.check(type, params(param, value)));
        assertEquals(message, e.getMessage());
        assertEquals(param, e.field());
    }

    static Stream<Arguments> notWholeNumbers() {
        return Stream.of(
                arguments("abc", "primes: n must be a whole number, got \"abc\""),
                arguments("1.5", "primes: n must be a whole number, got \"1.5\""),
                arguments("", "primes: n must be a whole number, got \"\""),
                arguments("1e3", "primes: n must be a whole number, got \"1e3\""),
                arguments("99999999999999999999", "primes: n must be a whole number, got \"99999999999999999999\""),
                arguments(1.5, "primes: n must be a whole number, got 1.5"),
                arguments(100.0001, "primes: n must be a whole number, got 100.0001"),
                arguments(Double.NaN, "primes: n must be a whole number, got NaN"),
                arguments(Double.POSITIVE_INFINITY, "primes: n must be a whole number, got Infinity"),
                arguments(true, "primes: n must be a whole number, got true"),
                arguments(List.of(5), "primes: n must be a whole number, got a list"),
                arguments(Map.of("v", 5), "primes: n must be a whole number, got an object"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("notWholeNumbers")
    void aParameterThatIsNotAWholeNumberIsRefused(Object value, String message) {
        InvalidTaskException e = assertThrows(InvalidTaskException.class,
                () -> TaskTypes.check("primes", params("n", value)));
        assertEquals(message, e.getMessage());
        assertEquals("n", e.field());
    }

    static Stream<Arguments> wholeNumbers() {
        return Stream.of(
                arguments(1000, 1000L),
                arguments(1000L, 1000L),
                arguments(1000.0, 1000L),
                arguments(1000.0f, 1000L),
                arguments((short) 1000, 1000L),
                arguments(new java.math.BigDecimal("1000"), 1000L),
                arguments("1000", 1000L),
                arguments(" 1000 ", 1000L),
                arguments("+1000", 1000L),
                arguments("2", 2L),
                arguments("100000000", 100_000_000L));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("wholeNumbers")
    void wholeNumbersAndStringsOfDigitsAreAccepted(Object value, long expected) throws Exception {
        assertEquals(expected, TaskTypes.check("primes", params("n", value)).get("n"));
    }

    @Test
    void missingParametersTakeTheirDefaults() throws Exception {
        assertEquals(100_000L, TaskTypes.check("primes", Map.of()).get("n"));
        assertEquals(100_000L, TaskTypes.check("primes", null).get("n"));
        assertEquals(Map.of("n", 5L, "seed", 1L), TaskTypes.check("matrix-multiply", Map.of("n", 5)).asMap());
        assertEquals(Map.of("samples", 1_000_000L, "seed", 42L), TaskTypes.check("montecarlo-pi", Map.of()).asMap());
        assertEquals(Map.of("ms", 100L), TaskTypes.check("sleep", Map.of()).asMap());
    }

    @Test
    void theBoundsThemselvesAreAccepted() throws Exception {
        assertEquals(2L, TaskTypes.check("primes", Map.of("n", 2)).get("n"));
        assertEquals(100_000_000L, TaskTypes.check("primes", Map.of("n", 100_000_000)).get("n"));
        assertEquals(0L, TaskTypes.check("sleep", Map.of("ms", 0)).get("ms"));
        assertEquals(Long.MAX_VALUE, TaskTypes.check("sha256-chain", Map.of("seed", String.valueOf(Long.MAX_VALUE))).get("seed"));
    }

    @Test
    void askingForAnUndeclaredParameterIsAProgrammingError() throws Exception {
        TaskParams params = TaskTypes.check("primes", Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> params.get("seed"));
        assertEquals("parameter seed is not declared", e.getMessage());
    }

    @Test
    void theCheckedParametersCannotBeChangedThroughTheirMap() throws Exception {
        Map<String, Object> map = TaskTypes.check("primes", Map.of()).asMap();
        assertThrows(UnsupportedOperationException.class, () -> map.put("n", 3L));
    }

    /*
     * Bug: TaskParams.whole treats any Number whose magnitude is 9e15 or more as "not a whole
     * number", so a Long such as 10^16 is reported as not whole instead of as above the maximum,
     * while the same value as a string of digits gets the right message. The value is refused
     * either way; only the message is wrong.
     */
    @Test
    void aLargeWholeNumberIsReportedAsAboveTheMaximumNotAsFractional() {
        InvalidTaskException e = assertThrows(InvalidTaskException.class,
                () -> TaskTypes.check("primes", Map.of("n", 10_000_000_000_000_000L)));
        assertEquals("primes: n must be at most 100000000, got 10000000000000000", e.getMessage());
    }

    /*
     * Bug: the "must be a whole number" message is built with String.valueOf(value), and a list
     * nested some thousands deep (a 40 KB JSON message, under TaskMessage.MAX_MESSAGE_CHARS) makes
     * AbstractCollection.toString recurse until StackOverflowError. The check then throws an
     * Error instead of InvalidTaskException, which Placer.refusal does not catch. Run on a thread
     * with a small stack so the overflow does not depend on the JVM's default stack size.
     */
    @Test
    void aDeeplyNestedParameterIsRefusedAsNotAWholeNumber() throws Exception {
        List<Object> nested = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            List<Object> outer = new ArrayList<>();
            outer.add(nested);
            nested = outer;
        }
        Map<String, Object> given = params("n", nested);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                TaskTypes.check("primes", given);
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "deep-params", 512 * 1024);
        t.start();
        t.join();
        assertNotNull(thrown.get(), "a nested list is not a whole number");
        assertInstanceOf(InvalidTaskException.class, thrown.get());
        assertTrue(thrown.get().getMessage().startsWith("primes: n must be a whole number"));
    }
}
