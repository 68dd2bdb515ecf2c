package colmena.broker;

import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class JsonTest {
    private static final String ID = "3f2a9c1e-0b7d-4e5f-8a6b-1c2d3e4f5a6b";
    private static final String REPLY = "reply:" + UUID.nameUUIDFromBytes(new byte[] {1});

    /** A task as JSON, with {@code fields} spliced in after the id, type and attempt. */
    private static String taskJson(String fields) {
        return "{\"id\":\"" + ID + "\",\"type\":\"primes\",\"attempt\":1" + fields + "}";
    }

    private static TaskMessage placedTask() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("n", 5L);
        params.put("seed", 7L);
        return TaskMessage.submit(ID, "primes", params, 1_745_061_945_123L, REPLY).placedOn("nodo1", "nodo1: least loaded");
    }

    // ---- tasks ----

    static Stream<Arguments> badTasks() {
        String id65 = "a".repeat(65);
        return Stream.of(
                arguments("hello", "not a TaskMessage in JSON"),
                arguments("{", "not a TaskMessage in JSON"),
                arguments("[]", "not a TaskMessage in JSON"),
                arguments("42", "not a TaskMessage in JSON"),
                arguments("\"task\"", "not a TaskMessage in JSON"),
                arguments("", "empty message"),
                arguments("   ", "empty message"),
                arguments("null", "empty message"),
                arguments(taskJson("} trailing"), "not a TaskMessage in JSON"),
                arguments("{\"id\":5}", "task 5 has no type"),
                arguments("{\"type\":\"primes\",\"attempt\":1}", "task id missing or invalid: \"null\""),
                arguments("{\"id\":\"\",\"type\":\"primes\",\"attempt\":1}", "task id missing or invalid: \"\""),
                arguments("{\"id\":\"../x\",\"type\":\"primes\",\"attempt\":1}", "task id missing or invalid: \"../x\""),
                arguments("{\"id\":\"a:b\",\"type\":\"primes\",\"attempt\":1}", "task id missing or invalid: \"a:b\""),
                arguments("{\"id\":\"a b\",\"type\":\"primes\",\"attempt\":1}", "task id missing or invalid: \"a b\""),
                arguments("{\"id\":\"a*\",\"type\":\"primes\",\"attempt\":1}", "task id missing or invalid: \"a*\""),
                arguments("{\"id\":\"" + id65 + "\",\"type\":\"primes\",\"attempt\":1}",
                        "task id missing or invalid: \"" + id65 + "\""),
                arguments("{\"id\":\"t1\",\"attempt\":1}", "task t1 has no type"),
                arguments("{\"id\":\"t1\",\"type\":\" \",\"attempt\":1}", "task t1 has no type"),
                arguments("{\"id\":\"t1\",\"type\":[],\"attempt\":1}", "not a TaskMessage in JSON"),
                arguments("{\"id\":\"t1\",\"type\":\"primes\"}", "task t1 has attempt 0"),
                arguments("{\"id\":\"t1\",\"type\":\"primes\",\"attempt\":0}", "task t1 has attempt 0"),
                arguments("{\"id\":\"t1\",\"type\":\"primes\",\"attempt\":-3}", "task t1 has attempt -3"),
                arguments("{\"id\":\"t1\",\"type\":\"primes\",\"attempt\":1.5}", "not a TaskMessage in JSON"),
                arguments("{\"id\":\"t1\",\"type\":\"primes\",\"attempt\":\"x\"}", "not a TaskMessage in JSON"),
                arguments(taskJson(",\"params\":[1,2]"), "not a TaskMessage in JSON"),
                arguments(taskJson(",\"moves\":\"x\""), "not a TaskMessage in JSON"),
                arguments(taskJson(",\"node\":\"a:b\""), "task " + ID + " placed on invalid node id"),
                arguments(taskJson(",\"node\":\"\""), "task " + ID + " placed on invalid node id"),
                arguments(taskJson(",\"replyTo\":\"results:queue\""),
                        "task " + ID + " asks for a reply to \"results:queue\", which is not a reply:<uuid> key"),
                arguments(taskJson(",\"replyTo\":\"reply:abc\""),
                        "task " + ID + " asks for a reply to \"reply:abc\", which is not a reply:<uuid> key"),
                arguments(taskJson(",\"replyTo\":\"node:nodo1:tasks\""),
                        "task " + ID + " asks for a reply to \"node:nodo1:tasks\", which is not a reply:<uuid> key"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badTasks")
    void aTaskMessageOfTheWrongShapeIsRefusedWithTheReason(String raw, String reason) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> TaskMessage.read(raw));
        assertTrue(e.getMessage().startsWith(reason), "expected \"" + reason + "...\", got \"" + e.getMessage() + "\"");
    }

    @Test
    void aMissingMessageIsRefused() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> TaskMessage.read(null));
        assertEquals("empty message", e.getMessage());
    }

    @Test
    void aMessageLargerThanTheLimitIsNotParsed() {
        String head = taskJson(",\"reason\":\"");
        String raw = head + "x".repeat(TaskMessage.MAX_MESSAGE_CHARS - head.length() - 1) + "\"}";
        assertEquals(TaskMessage.MAX_MESSAGE_CHARS + 1, raw.length());

        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> TaskMessage.read(raw));
        assertEquals("message of " + (TaskMessage.MAX_MESSAGE_CHARS + 1) + " characters; the limit is "
                + TaskMessage.MAX_MESSAGE_CHARS, e.getMessage());
        assertThrows(MalformedMessageException.class, () -> TaskResult.read("{\"task\":" + raw + "}"));
    }

    @Test
    void aMessageOfExactlyTheLimitIsRead() throws Exception {
        String head = taskJson(",\"reason\":\"");
        String raw = head + "x".repeat(TaskMessage.MAX_MESSAGE_CHARS - head.length() - 2) + "\"}";
        assertEquals(TaskMessage.MAX_MESSAGE_CHARS, raw.length());
        assertEquals(ID, TaskMessage.read(raw).id());
    }

    @Test
    void aPlacedTaskSurvivesARoundTrip() throws Exception {
        TaskMessage task = placedTask();
        TaskMessage back = TaskMessage.read(Json.write(task));
        assertEquals(task, back);
        assertEquals("nodo1", back.node());
        assertEquals(REPLY, back.replyTo());
        assertEquals(1, back.attempt());
    }

    @Test
    void aTaskMovedAwaySurvivesARoundTripWithItsMoves() throws Exception {
        TaskMessage moved = placedTask().movedAway("nodo1 stopped reporting at 10:00:00 while running it");
        TaskMessage back = TaskMessage.read(Json.write(moved));
        assertEquals(moved, back);
        assertEquals(2, back.attempt());
        assertEquals(List.of("nodo1 stopped reporting at 10:00:00 while running it"), back.moves());
    }

    @Test
    void wholeNumbersInParametersStayWhole() throws Exception {
        TaskMessage back = TaskMessage.read(taskJson(",\"params\":{\"n\":5,\"big\":9007199254740993,\"x\":2.5}"));
        assertInstanceOf(Long.class, back.params().get("n"));
        assertEquals(5L, back.params().get("n"));
        assertEquals(9_007_199_254_740_993L, back.params().get("big"));
        assertEquals(2.5, back.params().get("x"));
        assertEquals("{\"n\":5}", Json.write(Map.of("n", 5L)));
    }

    @Test
    void aSubmittedTaskNeedsNoNodeNorReply() throws Exception {
        TaskMessage task = TaskMessage.submit("t1", "sleep", Map.of("ms", 5L), 0, null);
        TaskMessage back = TaskMessage.read(Json.write(task));
        assertEquals(task, back);
        assertNull(back.node());
        assertNull(back.replyTo());
    }

    // ---- results ----

    static Stream<Arguments> badResults() {
        String task = taskJson("");
        return Stream.of(
                arguments("[]", "not a TaskResult in JSON"),
                arguments("{\"status\":\"DONE\",\"node\":\"nodo1\"}", "result without its task"),
                arguments("{\"task\":" + task + ",\"node\":\"nodo1\",\"status\":\"PENDING\"}",
                        "result status must be RUNNING, DONE or FAILED"),
                arguments("{\"task\":" + task + ",\"node\":\"nodo1\"}", "result status must be RUNNING, DONE or FAILED"),
                arguments("{\"task\":" + task + ",\"node\":\"nodo1\",\"status\":\"BOGUS\"}",
                        "result status must be RUNNING, DONE or FAILED"),
                arguments("{\"task\":" + task + ",\"node\":\"a:b\",\"status\":\"DONE\"}",
                        "result with invalid node id \"a:b\""),
                arguments("{\"task\":" + task + ",\"node\":\"../x\",\"status\":\"FAILED\"}",
                        "result with invalid node id \"../x\""),
                arguments("{\"task\":" + task + ",\"status\":\"DONE\"}", "result with invalid node id \"null\""),
                arguments("{\"task\":" + task + ",\"status\":\"RUNNING\"}", "result with invalid node id \"null\""),
                arguments("{\"task\":{\"id\":\"a:b\",\"type\":\"primes\",\"attempt\":1},\"node\":\"nodo1\",\"status\":\"DONE\"}",
                        "task id missing or invalid: \"a:b\""),
                arguments("{\"task\":{\"id\":\"t1\",\"type\":\"primes\"},\"node\":\"nodo1\",\"status\":\"DONE\"}",
                        "task t1 has attempt 0"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badResults")
    void aResultOfTheWrongShapeIsRefusedWithTheReason(String raw, String reason) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> TaskResult.read(raw));
        assertTrue(e.getMessage().startsWith(reason), "expected \"" + reason + "...\", got \"" + e.getMessage() + "\"");
    }

    @Test
    void aDoneResultSurvivesARoundTrip() throws Exception {
        TaskResult result = TaskResult.done(placedTask(), "nodo1", "3", 1_000, 1_250, 250);
        TaskResult back = TaskResult.read(Json.write(result));
        assertEquals(result, back);
        assertEquals(TaskStatus.DONE, back.status());
        assertEquals("3", back.result());
    }

    @Test
    void aRunningNoticeSurvivesARoundTrip() throws Exception {
        TaskResult running = TaskResult.running(placedTask(), "nodo1", 1_000);
        assertEquals(running, TaskResult.read(Json.write(running)));
    }

    @Test
    void aTaskRefusedBeforePlacingFailsWithoutANode() throws Exception {
        TaskMessage unplaced = TaskMessage.submit(ID, "fibb", Map.of(), 0, null);
        TaskResult refused = TaskResult.failed(unplaced, null, "unknown task type \"fibb\"", 0, 5, 0);
        TaskResult back = TaskResult.read(Json.write(refused));
        assertEquals(refused, back);
        assertNull(back.node());
        assertEquals(TaskStatus.FAILED, back.status());
    }

    // ---- the rest of the Gson set-up ----

    @Test
    void instantsAreWrittenAsIsoText() {
        Instant at = Instant.parse("2025-04-19T11:25:45.123Z");
        assertEquals("\"2025-04-19T11:25:45.123Z\"", Json.write(at));
        assertEquals(at, Json.GSON.fromJson("\"2025-04-19T11:25:45.123Z\"", Instant.class));
        assertEquals("null", Json.write((Instant) null));
    }

    @Test
    void theApiWritesMissingValuesAsNullWhileQueueMessagesLeaveThemOut() {
        TaskMessage unplaced = TaskMessage.submit("t1", "sleep", Map.of(), 0, null);
        assertTrue(Json.API.toJson(unplaced).contains("\"node\":null"), Json.API.toJson(unplaced));
        assertFalse(Json.write(unplaced).contains("\"node\""), Json.write(unplaced));
    }

    @Test
    void markupIsNotEscapedInJson() {
        assertEquals("\"<b>'&'</b>\"", Json.write("<b>'&'</b>"));
    }

    @org.junit.jupiter.api.Test
    void aTaskTypeThatCouldNotBeStoredOrAnImpossibleTimeIsRefused() {
        String longType = "{\"id\":\"t1\",\"type\":\"" + "x".repeat(65) + "\",\"params\":{},\"attempt\":1,\"submittedAtMs\":1}";
        org.junit.jupiter.api.Assertions.assertThrows(MalformedMessageException.class, () -> TaskMessage.read(longType));
        String markup = "{\"id\":\"t1\",\"type\":\"<b>\",\"params\":{},\"attempt\":1,\"submittedAtMs\":1}";
        org.junit.jupiter.api.Assertions.assertThrows(MalformedMessageException.class, () -> TaskMessage.read(markup));
        String past = "{\"id\":\"t1\",\"type\":\"sleep\",\"params\":{},\"attempt\":1,\"submittedAtMs\":-5}";
        org.junit.jupiter.api.Assertions.assertThrows(MalformedMessageException.class, () -> TaskMessage.read(past));
        String fine = "{\"id\":\"t1\",\"type\":\"no-such-type\",\"params\":{},\"attempt\":1,\"submittedAtMs\":1}";
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> TaskMessage.read(fine), "an unknown type is FAILED later, not dead-lettered");
    }

    @Test
    void aPlacedTaskAppendedToItsSubmittedTextReadsBackAsTheWholeTaskPlaced() throws Exception {
        TaskMessage submitted = TaskMessage.submit(ID, "primes", Map.of("n", 5L), 1_745_061_945_123L, REPLY);
        String raw = Json.write(submitted);
        TaskMessage placed = submitted.placedOn("nodo-2", "nodo-2: 0 queued, \"quoted\" \\ and ñ");
        String text = Json.placed(raw, placed);
        assertTrue(text.startsWith(raw.substring(0, raw.length() - 1)), "appended, not rewritten: " + text);
        assertEquals(placed, TaskMessage.read(text));
    }

    @Test
    void aTaskThatAlreadyNamesANodeOrReasonIsWrittenWhole() throws Exception {
        TaskMessage task = placedTask();
        String raw = Json.write(task);
        TaskMessage again = task.placedOn("nodo9", "nodo9: moved");
        assertEquals(again, TaskMessage.read(Json.placed(raw, again)));
        // "node" as a value is not a key, but it is written whole all the same: safe and rare.
        String mentionsNode = taskJson(",\"params\":{\"note\":\"node\"}");
        TaskMessage read = TaskMessage.read(mentionsNode).placedOn("nodo3", "why");
        assertEquals(read, TaskMessage.read(Json.placed(mentionsNode, read)));
        assertEquals(Json.write(read), Json.placed(mentionsNode, read));
    }

    @Test
    void aParameterThatIsNotAFiniteNumberMakesTheTaskMalformed() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> TaskMessage.read(taskJson(",\"params\":{\"ms\":1e400}")));
        assertTrue(e.getMessage().contains("\"ms\" is not a finite number"), e.getMessage());
    }
}
