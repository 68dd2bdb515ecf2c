package colmena.task.types;

import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;
import colmena.task.TaskTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each task type gives the right answer, the same answer every time, and stops when told. */
class TaskTypesCorrectnessTest {
    private static final long GENEROUS_TIMEOUT_MS = 60_000;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    // ---- primes ----

    @ParameterizedTest(name = "primes up to {0}: {1}")
    @CsvSource({
            "2, 1",
            "3, 2",
            "4, 2",
            "10, 4",
            "11, 5",
            "100, 25",
            "1000, 168",
            "7919, 1000",
            "100000, 9592"})
    void countsThePrimesUpToN(int n, int expected) throws Exception {
        assertEquals(expected, Primes.count(n, null));
        assertEquals(expected, Primes.count(n, new TaskContext(GENEROUS_TIMEOUT_MS)));
    }

    // ---- Monte Carlo π ----

    @Test
    void theSameSeedGivesTheSameEstimateOfPi() throws Exception {
        double first = MonteCarloPi.estimate(1_000_000, 42, null);
        double second = MonteCarloPi.estimate(1_000_000, 42, new TaskContext(GENEROUS_TIMEOUT_MS));
        assertEquals(first, second);
        assertEquals(Math.PI, first, 0.01);
    }

    @Test
    void differentSeedsGiveDifferentEstimatesNearPi() throws Exception {
        double one = MonteCarloPi.estimate(1_000_000, 1, null);
        double two = MonteCarloPi.estimate(1_000_000, 2, null);
        assertNotEquals(one, two);
        assertEquals(Math.PI, one, 0.01);
        assertEquals(Math.PI, two, 0.01);
    }

    @Test
    void anEstimateIsAMultipleOfFourOverTheSamples() throws Exception {
        double estimate = MonteCarloPi.estimate(1, 7, null);
        assertTrue(estimate == 0.0 || estimate == 4.0, "one sample is either inside or outside: " + estimate);
    }

    // ---- matrix multiply ----

    /** The product's entry sum, computed the plain way: build both matrices, multiply, add up. */
    private static long naiveChecksum(int n, long seed) {
        long[][] a = new long[n][n];
        long[][] b = new long[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = (i * 31L + j * 17L + seed) % 10;
                b[i][j] = (i * 7L + j * 13L + seed * 3) % 10;
            }
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                long c = 0;
                for (int k = 0; k < n; k++) {
                    c += a[i][k] * b[k][j];
                }
                sum += c;
            }
        }
        return sum;
    }

    @ParameterizedTest(name = "n={0}, seed={1}")
    @CsvSource({
            "1, 0",
            "1, 1",
            "2, 0",
            "3, 7",
            "5, 1",
            "17, 123456",
            "40, 1000000",
            "64, 999"})
    void matrixChecksumMatchesAPlainTripleLoop(int n, long seed) throws Exception {
        long expected = naiveChecksum(n, seed);
        assertEquals(expected, MatrixMultiply.checksum(n, seed, null));
        assertEquals(expected, MatrixMultiply.checksum(n, seed, new TaskContext(GENEROUS_TIMEOUT_MS)));
    }

    @Test
    void matrixChecksumOfSmallCasesWorkedByHand() throws Exception {
        // n=1, seed=1: a = 1, b = 3, product 3.
        assertEquals(3, MatrixMultiply.checksum(1, 1, null));
        // n=2, seed=0: a = [[0,7],[1,8]], b = [[0,3],[7,0]], product [[49,0],[56,3]], sum 108.
        assertEquals(108, MatrixMultiply.checksum(2, 0, null));
    }

    // ---- SHA-256 chain ----

    private static String sha256Hex(byte[] input, int times) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] h = input;
        for (int i = 0; i < times; i++) {
            h = sha.digest(h);
        }
        return HexFormat.of().formatHex(h);
    }

    @Test
    void oneRoundIsTheHashOfTheSeedAsDecimalText() throws Exception {
        String expected = sha256Hex("0".getBytes(StandardCharsets.US_ASCII), 1);
        assertEquals(expected, Sha256Chain.chain(1, 0, null));
        assertEquals("5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9", Sha256Chain.chain(1, 0, null));
    }

    @ParameterizedTest(name = "{0} rounds of seed {1}")
    @CsvSource({
            "2, 0",
            "3, 0",
            "3, 12345",
            "10, 9223372036854775807",
            "70000, 5"})
    void eachRoundHashesTheRawBytesOfThePreviousHash(int rounds, long seed) throws Exception {
        String expected = sha256Hex(Long.toString(seed).getBytes(StandardCharsets.US_ASCII), rounds);
        assertEquals(expected, Sha256Chain.chain(rounds, seed, null));
        assertEquals(expected, Sha256Chain.chain(rounds, seed, new TaskContext(GENEROUS_TIMEOUT_MS)));
    }

    // ---- operation-intensive ----

    @ParameterizedTest(name = "number {0}")
    @ValueSource(longs = {1, 2, 7, 100, 1_000})
    void operationIntensiveGivesTheSameAnswerInRangeEveryTime(long number) throws Exception {
        long first = OperationIntensive.compute(number, null);
        long second = OperationIntensive.compute(number, new TaskContext(GENEROUS_TIMEOUT_MS));
        assertEquals(first, second);
        assertTrue(first >= 0 && first < 100_000, "answer out of range: " + first);
    }

    @Test
    void operationIntensiveAnswersDependOnTheNumber() throws Exception {
        long[] answers = new long[5];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = OperationIntensive.compute(i + 1, null);
        }
        assertEquals(answers.length, java.util.Arrays.stream(answers).distinct().count(),
                "numbers 1..5 should not all collide: " + java.util.Arrays.toString(answers));
    }

    // ---- sleep ----

    @Test
    void sleepWaitsAndAnswersWithItsMilliseconds() throws Exception {
        TaskType sleep = TaskTypes.get("sleep");
        long t0 = System.nanoTime();
        String result = sleep.run(TaskTypes.check("sleep", Map.of("ms", 30)), new TaskContext(GENEROUS_TIMEOUT_MS));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("30", result);
        assertTrue(elapsedMs >= 29, "slept only " + elapsedMs + " ms");
    }

    @Test
    void sleepOfZeroAnswersAtOnce() throws Exception {
        assertEquals("0", new Sleep().run(TaskTypes.check("sleep", Map.of("ms", 0)), new TaskContext(10)));
    }

    // ---- spin ----

    @Test
    void spinUsesItsMillisecondsOfCpuTime() throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        String result = new Spin().run(TaskTypes.check("spin", Map.of("ms", 40)), new TaskContext(GENEROUS_TIMEOUT_MS));
        long cpuMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("40", result);
        assertTrue(cpuMs >= 40 && cpuMs < 200, "used " + cpuMs + " ms of CPU time");
        assertTrue(wallMs >= cpuMs - 1, "took " + wallMs + " ms of wall time for " + cpuMs + " of CPU time");
    }

    // ---- run(): what the agent calls ----

    static Stream<Arguments> runResults() throws Exception {
        return Stream.of(
                arguments("primes", Map.of("n", 100), "25"),
                arguments("matrix-multiply", Map.of("n", 2, "seed", 0), "108"),
                arguments("sha256-chain", Map.of("rounds", 1, "seed", 0),
                        "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9"),
                arguments("montecarlo-pi", Map.of("samples", 1000, "seed", 42),
                        String.format(Locale.ROOT, "%.6f", MonteCarloPi.estimate(1000, 42, null))),
                arguments("operation-intensive", Map.of("number", 3),
                        Long.toString(OperationIntensive.compute(3, null))),
                arguments("sleep", Map.of("ms", 5), "5"),
                arguments("spin", Map.of("ms", 5), "5"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("runResults")
    void runAnswersWithTheResultAsText(String type, Map<String, Object> given, String expected) throws Exception {
        TaskParams params = TaskTypes.check(type, given);
        assertEquals(expected, TaskTypes.get(type).run(params, new TaskContext(GENEROUS_TIMEOUT_MS)));
    }

    // ---- stopping ----

    static Stream<Arguments> longestTasks() {
        return Stream.of(
                arguments("operation-intensive", Map.of("number", 100_000)),
                arguments("primes", Map.of("n", 100_000_000)),
                arguments("montecarlo-pi", Map.of("samples", 1_000_000_000)),
                arguments("matrix-multiply", Map.of("n", 1_500)),
                arguments("sha256-chain", Map.of("rounds", 50_000_000)),
                arguments("sleep", Map.of("ms", 3_600_000)),
                arguments("spin", Map.of("ms", 600_000)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("longestTasks")
    void theLongestTaskOfEachTypeStopsSoonAfterATinyTimeout(String type, Map<String, Object> given) throws Exception {
        TaskParams params = TaskTypes.check(type, given);
        TaskType task = TaskTypes.get(type);
        long t0 = System.nanoTime();
        TimeoutException e = assertThrows(TimeoutException.class, () -> task.run(params, new TaskContext(1)));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("ran past its timeout of 1 ms", e.getMessage());
        assertTrue(elapsedMs < 3_000, type + " took " + elapsedMs + " ms to notice its timeout");
    }

    @Test
    void aTaskOnAnInterruptedThreadStops() {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class,
                () -> OperationIntensive.compute(100_000, new TaskContext(GENEROUS_TIMEOUT_MS)));
    }

    @Test
    void aContextCountsDownFromItsTimeout() throws Exception {
        TaskContext context = new TaskContext(10_000);
        assertEquals(10_000, context.timeoutMs());
        long remaining = context.remainingMs();
        assertTrue(remaining > 9_000 && remaining <= 10_000, "remaining " + remaining);
        context.checkpoint();
        assertEquals(0, new TaskContext(-5).remainingMs());
    }
}
