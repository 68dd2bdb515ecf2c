package colmena.task;

import colmena.broker.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link MessageReader} against the standard it stands in for, Gson (as the messages were read
 * before): whatever the hand-written reader returns, Gson returns the same; where it gives up, Gson
 * reads the text as before.
 */
class MessageReaderTest {
    private static final String ODD = "\"\\/\b\f\n\r\t\u0001\u001f é…€😀\u2028<>&='";

    @Test
    void readsWhatColmenaWritesAsGsonDoes() {
        Random rnd = new Random(42);
        for (int n = 0; n < 3_000; n++) {
            TaskMessage task = task(rnd);
            String raw = Json.write(task);
            TaskMessage fast = MessageReader.task(raw);
            assertNotNull(fast, () -> "gave up on Colmena's own task text " + raw);
            assertEquals(Json.GSON.fromJson(raw, TaskMessage.class), fast, raw);
            assertEquals(task, fast, raw);

            TaskResult result = result(rnd, task);
            String rawResult = Json.write(result);
            TaskResult fastResult = MessageReader.result(rawResult);
            assertNotNull(fastResult, () -> "gave up on Colmena's own result text " + rawResult);
            assertEquals(Json.GSON.fromJson(rawResult, TaskResult.class), fastResult, rawResult);
            assertEquals(result, fastResult, rawResult);
        }
    }

    @Test
    void whateverItReadsFromMutatedTextGsonReadsTheSame() {
        Random rnd = new Random(7);
        String alphabet = "{}[]\",:\\ \n0123456789-+.eEtrufalsn\"uabcxyz";
        int read = 0;
        int gaveUp = 0;
        for (int n = 0; n < 20_000; n++) {
            boolean isResult = rnd.nextBoolean();
            TaskMessage task = task(rnd);
            StringBuilder raw = new StringBuilder(isResult ? Json.write(result(rnd, task)) : Json.write(task));
            int edits = 1 + rnd.nextInt(3);
            for (int e = 0; e < edits && raw.length() > 1; e++) {
                int at = rnd.nextInt(raw.length());
                switch (rnd.nextInt(4)) {
                    case 0 -> raw.deleteCharAt(at);
                    case 1 -> raw.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    case 2 -> raw.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    default -> {
                        int end = Math.min(raw.length(), at + 1 + rnd.nextInt(20));
                        raw.insert(at, raw.substring(at, end)); // a field or a value twice
                    }
                }
            }
            String text = raw.toString();
            Class<?> type = isResult ? TaskResult.class : TaskMessage.class;
            Object fast = isResult ? MessageReader.result(text) : MessageReader.task(text);
            if (fast == null) {
                gaveUp++;
                continue;
            }
            read++;
            Object gson;
            try {
                gson = Json.GSON.fromJson(text, type);
            } catch (RuntimeException e) {
                fail("read " + text + " as " + fast + ", which Gson refuses: " + e);
                return;
            }
            assertEquals(gson, fast, text);
        }
        // Both sides were exercised: many mutations leave a readable message, many do not.
        assertTrue(read > 2_000, "read " + read);
        assertTrue(gaveUp > 2_000, "gave up on " + gaveUp);
    }

    @Test
    void leavesToGsonWhatGsonHasRulesOf() {
        String base = "{\"id\":\"t-1\",\"type\":\"sleep\",\"attempt\":1,\"submittedAtMs\":5";
        for (String odd : List.of(
                base + ",\"attempt\":2}",                       // a field twice
                base + ",\"params\":{\"x\":1.5}}",              // a fraction
                base + ",\"params\":{\"x\":null}}",             // a null parameter
                base + ",\"params\":{\"x\":{\"y\":1}}}",        // a nested value
                base + ",\"params\":{\"x\":1,\"x\":2}}",        // a parameter twice
                base + ",\"node\":5}",                          // a number as text
                base + ",\"retries\":\"3\"}",                   // text as a number
                base + ",\"priority\":1e0}",                    // an exponent
                base + ",\"priority\":01}",                     // a leading zero
                base + ",\"moves\":[null]}",                    // a null in the list
                base + "} trailing",                            // more after the object
                base.replace("\"id\"", "'id'") + "}",           // lenient quotes
                base + ",\"submittedAtMs\":1234567890123456789}", // 19 digits
                base + ",\"attempt\":null}")) {                 // null for a number
            assertNull(MessageReader.task(odd), odd);
        }
        assertNull(MessageReader.result("{\"status\":\"done\"}"), "a status name Gson maps to null");
        // Digits of other scripts are no hexadecimal digits to Gson: it refuses the escape.
        String fullWidth = base + ",\"node\":\"\\u\uFF10\uFF10\uFF14\uFF11\"}";
        assertNull(MessageReader.task(fullWidth), fullWidth);
        assertThrows(RuntimeException.class, () -> Json.GSON.fromJson(fullWidth, TaskMessage.class));
    }

    @Test
    void readsUnknownFieldsAndSpacingAsGsonDoes() throws Exception {
        String raw = " {\n \"future\" : {\"a\":[1,{\"b\":[]},\"c\",true,null]} ,\t\"id\":\"t\\u002d1\",\"type\":\"sleep\","
                + "\"params\":{\"ms\":-0,\"big\":123456789012345678,\"on\":false,\"s\":\"\\\"\"},\"attempt\":1,"
                + "\"moves\":[],\"retries\":null,\"extra\":-12} ";
        TaskMessage fast = MessageReader.task(raw);
        assertNotNull(fast);
        assertEquals(Json.GSON.fromJson(raw, TaskMessage.class), fast);
        assertEquals("t-1", fast.id());
        assertEquals(0L, fast.params().get("ms"));
        // And the whole check, as the coordinator reads a task.
        assertEquals(fast, TaskMessage.read(raw));
    }

    /** A task with every kind of field Colmena writes, each at times missing or odd. */
    static TaskMessage task(Random rnd) {
        Map<String, Object> params = new LinkedHashMap<>();
        int count = rnd.nextInt(4);
        for (int k = 0; k < count; k++) {
            String name = "p" + k + (rnd.nextInt(5) == 0 ? text(rnd) : "");
            params.put(name, switch (rnd.nextInt(4)) {
                case 0 -> text(rnd);
                case 1 -> rnd.nextLong() / (1L << rnd.nextInt(40)) % 999_999_999_999_999_999L;
                case 2 -> rnd.nextBoolean();
                default -> (long) rnd.nextInt(1000);
            });
        }
        List<String> moves = new ArrayList<>();
        for (int k = rnd.nextInt(3); k > 0; k--) {
            moves.add(text(rnd));
        }
        return new TaskMessage(text(rnd), text(rnd), rnd.nextInt(5) == 0 ? null : params, 1 + rnd.nextInt(9),
                rnd.nextLong() & 0xFFFFFFFFFFFL, rnd.nextBoolean() ? null : text(rnd), rnd.nextBoolean() ? null : text(rnd),
                rnd.nextInt(4) == 0 ? null : moves, rnd.nextBoolean() ? null : text(rnd),
                rnd.nextBoolean() ? null : rnd.nextInt(11), rnd.nextBoolean() ? null : rnd.nextInt(11),
                rnd.nextBoolean() ? null : rnd.nextInt(10) - 1);
    }

    static TaskResult result(Random rnd, TaskMessage task) {
        TaskStatus[] all = TaskStatus.values();
        return new TaskResult(rnd.nextInt(20) == 0 ? null : task, rnd.nextBoolean() ? null : text(rnd),
                rnd.nextInt(10) == 0 ? null : all[rnd.nextInt(all.length)], rnd.nextBoolean() ? null : text(rnd),
                rnd.nextBoolean() ? null : text(rnd), rnd.nextLong() & 0xFFFFFFFFFFFL, rnd.nextInt(3) - 1,
                rnd.nextLong() % 1_000_000_000_000L);
    }

    /** Some text, at times with the characters JSON escapes, non-Latin ones and surrogate pairs. */
    static String text(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int k = rnd.nextInt(12); k > 0; k--) {
            sb.append(rnd.nextInt(4) == 0 ? ODD.charAt(rnd.nextInt(ODD.length())) : (char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }
}
