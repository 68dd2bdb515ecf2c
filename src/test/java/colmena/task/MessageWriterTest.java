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
