package colmena.agent;

import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class TaskRunnerTest {
    private static final long TIMEOUT_MS = 30_000;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static TaskMessage task(String type, Map<String, Object> params) {
        return TaskMessage.submit(UUID.randomUUID().toString(), type, params, System.currentTimeMillis(), null)
                .placedOn("nodo1", "test");
    }

    @Test
    void aGoodTaskIsDoneWithItsResult() throws Exception {
        TaskMessage task = task("primes", Map.of("n", 100));
        long before = System.currentTimeMillis();
        TaskResult result = TaskRunner.run(task, "nodo1", TIMEOUT_MS);
        long after = System.currentTimeMillis();

        assertEquals(TaskStatus.DONE, result.status());
        assertEquals("25", result.result());
        assertNull(result.error());
        assertEquals("nodo1", result.node());
        assertSame(task, result.task());
        assertEquals(task.id(), result.id());
        assertTrue(result.durationMs() >= 0, "duration " + result.durationMs());
        assertTrue(before <= result.startedAtMs() && result.startedAtMs() <= result.finishedAtMs()
                && result.finishedAtMs() <= after, "times out of order: " + result);
    }

    @Test
    void theResultCarriesTheNodeThatRanIt() throws Exception {
        TaskResult result = TaskRunner.run(task("sleep", Map.of("ms", 0)), "nodo-2.b", TIMEOUT_MS);
        assertEquals(TaskStatus.DONE, result.status());
        assertEquals("nodo-2.b", result.node());
        assertEquals("0", result.result());
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments("primes", Map.of("n", 1), TIMEOUT_MS, "primes: n must be at least 2, got 1"),
                arguments("sleep", Map.of("ms", 3_600_001), TIMEOUT_MS, "sleep: ms must be at most 3600000, got 3600001"),
                arguments("primes", Map.of("n", "abc"), TIMEOUT_MS, "primes: n must be a whole number, got \"abc\""),
                arguments("primes", Map.of("n", 1.5), TIMEOUT_MS, "primes: n must be a whole number, got 1.5"),
                arguments("primes", Map.of("m", 5), TIMEOUT_MS, "unknown parameter \"m\" for primes; known: n"),
                arguments("fibb", Map.of(), TIMEOUT_MS, "unknown task type \"fibb\"; known types: "
                        + "operation-intensive, primes, montecarlo-pi, matrix-multiply, sha256-chain, sleep, spin"),
                arguments("sleep", Map.of("ms", 2_000), 100L, "ran past its timeout of 100 ms"),
                arguments("operation-intensive", Map.of("number", 100_000), 50L, "ran past its timeout of 50 ms"));
    }

    @ParameterizedTest(name = "{0} {1} within {2} ms -> {3}")
    @MethodSource("failures")
    void aTaskThatCannotRunFailsWithTheReason(String type, Map<String, Object> params, long timeoutMs,
                                              String error) throws Exception {
        TaskMessage task = task(type, params);
        TaskResult result = TaskRunner.run(task, "nodo1", timeoutMs);

        assertEquals(TaskStatus.FAILED, result.status());
        assertEquals(error, result.error());
        assertNull(result.result());
        assertEquals("nodo1", result.node());
        assertSame(task, result.task());
        assertTrue(result.durationMs() >= 0, "duration " + result.durationMs());
        assertTrue(result.startedAtMs() <= result.finishedAtMs(), "times out of order: " + result);
    }

    @Test
    void aTaskPastItsTimeoutStopsNearTheTimeoutNotAtItsEnd() throws Exception {
        long t0 = System.nanoTime();
        TaskResult result = TaskRunner.run(task("sleep", Map.of("ms", 2_000)), "nodo1", 100);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(TaskStatus.FAILED, result.status());
        assertEquals("ran past its timeout of 100 ms", result.error());
        assertTrue(elapsedMs < 1_500, "took " + elapsedMs + " ms");
        assertTrue(result.durationMs() >= 90, "stopped after only " + result.durationMs() + " ms");
    }

    @Test
    void anInterruptIsPassedUpSoTheTaskCanBeHandedBack() {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class,
                () -> TaskRunner.run(task("sleep", Map.of("ms", 1_000)), "nodo1", TIMEOUT_MS));
    }
}
