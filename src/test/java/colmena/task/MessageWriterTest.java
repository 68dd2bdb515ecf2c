package colmena.task;

import colmena.broker.Json;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link MessageWriter} against the standard it stands in for: Gson's text of the same task or
 * result ({@link Json#write}), character for character, on generated messages with the characters
 * JSON escapes, non-Latin ones, surrogate pairs, missing fields and every kind of parameter.
 */
class MessageWriterTest {
    @Test
    void writesWhatGsonWrites() {
        Random rnd = new Random(11);
        for (int n = 0; n < 5_000; n++) {
            TaskMessage task = MessageReaderTest.task(rnd);
            assertEquals(Json.write(task), MessageWriter.task(task));
            TaskResult result = MessageReaderTest.result(rnd, task);
            assertEquals(Json.write(result), MessageWriter.result(result));
        }
    }

    @Test
    void everyCharacterIsEscapedAsGsonEscapesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            all.append(c);
        }
        all.append("\uD83D\uDE00\uFFFF");
        TaskMessage task = new TaskMessage("t-1", "sleep", Map.of(all.toString(), all.toString()), 1, 5L,
                all.toString(), all.toString(), List.of(all.toString()), null, null, null, null);
        assertEquals(Json.write(task), MessageWriter.task(task));
    }

    @Test
    void writesIntegersAndNullMovesAsGsonDoes() {
        // Parameters made in code are Integers (Map.of("ms", 0)); those read from JSON are Longs.
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("ms", 0);
        params.put("n", Integer.MIN_VALUE);
        params.put("big", Long.MAX_VALUE);
        params.put("on", true);
        List<String> moves = new java.util.ArrayList<>();
        moves.add(null);
        moves.add("moved \u0007 from nodo1");
        TaskMessage task = new TaskMessage("t-4", "sleep", params, 3, 0L, null, null, moves, null, 0, 0, 0);
        assertEquals(Json.write(task), MessageWriter.task(task));
        TaskResult running = TaskResult.running(task, "nodo2", 17L);
        assertEquals(Json.write(running), MessageWriter.result(running));
        TaskResult bare = new TaskResult(null, null, null, null, null, 0, 0, 0);
        assertEquals(Json.write(bare), MessageWriter.result(bare));
    }

    @Test
    void leavesFractionsAndNullsToGson() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("sigma", 1.5);
        params.put("big", 1e300);
        params.put("none", null);
        params.put("n", 7);
        TaskMessage task = new TaskMessage("t-2", "filter", params, 2, 9L, "nodo1", "why", List.of(), "reply:x", 3, 1, 9);
        assertEquals(Json.write(task), MessageWriter.task(task));
        TaskResult result = TaskResult.done(task, "nodo1", "ok", 1L, 2L, 1L);
        assertEquals(Json.write(result), MessageWriter.result(result));
        // What it writes, the coordinator reads back as the same result.
        TaskResult plain = TaskResult.failed(new TaskMessage("t-3", "primes", Map.of("n", 10L), 1, 9L, "nodo1",
                "r", List.of("moved"), null, 2, 0, null), "nodo1", "boom \"x\"", 1L, 2L, 1L);
        assertEquals(plain, MessageReader.result(MessageWriter.result(plain)));
    }
}
