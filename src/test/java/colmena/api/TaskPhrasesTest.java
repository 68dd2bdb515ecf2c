package colmena.api;

import colmena.broker.Blobs;
import colmena.coordinator.NodeLoad;
import colmena.coordinator.Placement;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import colmena.filters.Resize;
import colmena.jobs.JobMaker;
import colmena.task.HeapBudget;
import colmena.task.InvalidTaskException;
import colmena.task.Param;
import colmena.task.TaskParams;
import colmena.task.TaskType;
import colmena.task.TaskTypes;
import colmena.vision.ImageGuard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sentences of a task's history come back as codes with their values, and unknown ones as text. */
class TaskPhrasesTest {

    @Test
    void eachPlacementRulesReasonIsReadAsItsCodeWithItsFigures() {
        NodeLoad busy = new NodeLoad("nodo1", 4, 37.6, 20, 3, 1, false);
        NodeLoad idle = new NodeLoad("nodo2", 2, 12.2, 20, 0, 0, false);
        JsonArray leastLoaded = TaskPhrases.reason(Placement.named("least-loaded").choose(List.of(busy, idle)).reason())
                .getAsJsonArray();
        assertEquals(1, leastLoaded.size(), leastLoaded.toString());
        JsonObject values = values(leastLoaded.get(0), "least_loaded");
        assertEquals("nodo2", values.get("node").getAsString());
        assertEquals(0, values.get("queued").getAsInt());
        assertEquals(2, values.get("cores").getAsInt());
        assertEquals(12, values.get("cpu").getAsInt());

        JsonObject lowest = values(TaskPhrases.reason(Placement.named("least-cpu").choose(List.of(busy, idle)).reason())
                .getAsJsonArray().get(0), "lowest_cpu");
        assertEquals("nodo2", lowest.get("node").getAsString());
        assertEquals(12, lowest.get("cpu").getAsInt());

        JsonObject turn = values(TaskPhrases.reason(Placement.named("round-robin").choose(List.of(busy, idle)).reason())
                .getAsJsonArray().get(0), "next_in_turn");
        assertEquals("nodo1", turn.get("node").getAsString());
    }

    @Test
    void whatIsAddedAfterTheRuleComesAsFurtherParts() {
        NodeLoad full = new NodeLoad("nodo1", 4, 99, 20, 3, 1, true);
        String reason = Placement.named("least-loaded").choose(List.of(full)).reason()
                + "; priority 9 (ahead of lower priorities queued there)";
        JsonArray parts = TaskPhrases.reason(reason).getAsJsonArray();
        assertEquals(3, parts.size(), parts.toString());
        values(parts.get(1), "all_saturated");
        assertEquals(9, values(parts.get(2), "priority").get("priority").getAsInt());

        JsonArray moved = TaskPhrases.reason("nodo3: 2 queued, 0 running, 8 cores, 2.5 tasks/s, 1 of 2 workers held by long tasks,"
                + " cpu 40%, moved from nodo1").getAsJsonArray();
        JsonObject first = values(moved.get(0), "least_loaded");
        assertEquals(2.5, first.get("rate").getAsDouble());
        assertEquals(1, first.get("held").getAsInt());
        assertEquals(2, first.get("workers").getAsInt());
        assertEquals("nodo1", values(moved.get(1), "moved_from").get("node").getAsString());
    }

    @Test
    void aReasonNotWrittenByColmenaIsKeptAsText() {
        JsonArray parts = TaskPhrases.reason("nodo1: chosen by hand").getAsJsonArray();
        assertEquals("nodo1: chosen by hand", values(parts.get(0), "text").get("text").getAsString());
        JsonArray trailing = TaskPhrases.reason("nodo1: next in turn and something else").getAsJsonArray();
        assertEquals(1, trailing.size());
        values(trailing.get(0), "text");
        assertTrue(TaskPhrases.reason(null).isJsonNull());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "moved | moved from nodo1 to nodo2 at 10:11:12: nodo1 fell behind; expected done in about 1.5 s there instead of 9.0 s | to=nodo2",
        "moved | moved from nodo1 to nodo2 at 10:11:12: nodo2 had nothing waiting | cause=had nothing waiting",
        "redis_lost | Redis lost it at 10:11:12 (it came back without its data) | at=10:11:12",
        "redis_lost_unplaced | recovered from TaskHistory: Redis lost it before it was placed | ",
        "handed_back | handed back by nodo2 when it stopped at 10:11:12 | node=nodo2",
        "lost_running | nodo2 stopped reporting at 10:11:12 while running it | node=nodo2",
        "lost_queued | nodo2 stopped reporting at an unknown time before it started | at=",
        "retry | attempt 1 FAILED on nodo1 at 10:11:12 (boom (really)); retry 1 of 3 in 0.5 s | error=boom (really)",
        "restarted | nodo1 restarted at 10:11:12 while holding it | node=nodo1",
        "interrupted | nodo1 stopped at 10:11:12 while running it: interrupted after the 10s grace period | grace=10s",
        "also_ran | also ran on nodo2 (attempt 2), DONE at 10:11:12; not stored, the first result stands | status=DONE",
        "late | finished on nodo1 (attempt 1) at 10:11:12 after it had been taken from there and placed on nodo2; stored as the first result | on=nodo2",
        "text | something a future version writes | text=something a future version writes",
    })
    void eachLineOfTheMovesIsReadAsItsCode(String code, String line, String expected) {
        JsonArray parts = TaskPhrases.moves(List.of(line));
        JsonObject values = values(parts.get(0), code);
        if (expected != null) {
            String[] kv = expected.split("=", 2);
            assertEquals(kv[1], values.get(kv[0]).getAsString(), parts.toString());
        }
    }

    @Test
    void onlyErrorsColmenaGivesHaveACode() {
        JsonObject cancelled = values(TaskPhrases.error("cancelled by admin at 10:11:12"), "cancelled");
        assertEquals("admin", cancelled.get("by").getAsString());
        assertEquals("10:11:12", cancelled.get("at").getAsString());
        values(TaskPhrases.error("cancelled"), "cancelled");
        assertEquals(3, values(TaskPhrases.error("gave up after 3 attempts; last: nodo1 restarted at 10:11:12 while holding it"),
                "gave_up").get("attempts").getAsInt());
        assertTrue(TaskPhrases.error("java.lang.ArithmeticException: / by zero").isJsonNull());
        assertEquals("10:11:12", values(TaskPhrases.error("cancelled: stopped on nodo1 at 10:11:12"), "cancelled_stopped")
                .get("at").getAsString());
        assertEquals("nodo2", values(TaskPhrases.error("cancelled before it started on nodo2"), "cancelled_waiting")
                .get("node").getAsString());
        assertEquals(200, values(TaskPhrases.error("ran past its timeout of 200 ms"), "timeout").get("ms").getAsInt());
        JsonObject gaveUp = TaskPhrases.error("gave up after 3 attempts; last: nodo1 restarted at 10:11:12 while holding it")
                .getAsJsonObject();
        assertEquals("nodo1", values(gaveUp.get("lastCode"), "restarted").get("node").getAsString());
    }

    @Test
    void aParameterRefusedWherePlacedOrRunComesWithTheCodeTheApiGivesIt() {
        Class<InvalidTaskException> refusal = InvalidTaskException.class;
        List<InvalidTaskException> refused = new java.util.ArrayList<>(List.of(
                assertThrows(refusal, () -> TaskTypes.check("primes", java.util.Map.of("n", -5))),
                assertThrows(refusal, () -> TaskTypes.check("primes", java.util.Map.of("n", 1_000_000_000_000L))),
                assertThrows(refusal, () -> TaskTypes.check("primes", java.util.Map.of("n", 1.5))),
                assertThrows(refusal, () -> TaskTypes.check("primes", java.util.Map.of("bogus", 1))),
                assertThrows(refusal, () -> TaskTypes.check("no-such-type", java.util.Map.of()))));
        for (TaskType type : TaskTypes.all()) {
            for (Param p : type.params()) {
                if (p.isText()) {
                    refused.add(assertThrows(refusal, () -> TaskParams.check(type, java.util.Map.of())));
                    refused.add(assertThrows(refusal, () -> TaskParams.check(type, java.util.Map.of(p.name(), "!! not it"))));
                }
            }
        }
        List<String> codes = refused.stream().map(InvalidTaskException::code).distinct().sorted().toList();
        assertEquals(List.of("param_max", "param_min", "param_not_whole", "param_pattern", "param_required", "param_unknown",
                "type_unknown"), codes, "each way a parameter is refused, from the code that refuses it");
        for (InvalidTaskException e : refused) {
            JsonElement code = TaskPhrases.error(e.getMessage());
            assertTrue(code.isJsonObject(), "no code for " + e.getMessage());
            assertEquals(e.code(), code.getAsJsonObject().get("code").getAsString(), e.getMessage());
        }
        assertEquals("-5", values(TaskPhrases.error(refused.get(0).getMessage()), "param_min").get("got").getAsString());
    }

    @Test
    void theMemoryATaskIsRefusedComesWithItsCode() throws Exception {
        long limit = HeapBudget.limitBytes();
        InvalidTaskException tooBig = assertThrows(InvalidTaskException.class,
                () -> HeapBudget.reserve("matrix-multiply n=1500", "n", limit + 1, 0).close());
        assertEquals("n", values(TaskPhrases.error(tooBig.getMessage()), "memory_too_big").get("param").getAsString(),
                tooBig.getMessage());
        try (HeapBudget.Reservation most = HeapBudget.reserve("matrix-multiply n=1000", "n", limit * 3 / 4, 0)) {
            InvalidTaskException busy = assertThrows(InvalidTaskException.class,
                    () -> HeapBudget.reserve("matrix-multiply n=1001", "n", limit / 2, 0).close());
            assertEquals("matrix-multiply n=1001", values(TaskPhrases.error(busy.getMessage()), "memory_busy").get("what")
                    .getAsString(), busy.getMessage());
        }
    }

    @Test
    void aPhotosErrorComesWithItsCodeAndItsStripsErrorWithItsOwn() {
        JsonObject failed = TaskPhrases.photoError("the strip at row 195 failed on nodo2: ran past its timeout of 200 ms")
                .getAsJsonObject();
        assertEquals("nodo2", values(failed, "strip_failed_on").get("node").getAsString());
        assertEquals(200, values(failed.get("errorCode"), "timeout").get("ms").getAsInt());
        JsonObject own = TaskPhrases.photoError("the strip at row 0 failed: IllegalStateException: no").getAsJsonObject();
        assertEquals("0", values(own, "strip_failed").get("row").getAsString());
        assertTrue(own.get("errorCode").isJsonNull(), "a task's own error stays text");
        assertEquals("cancelled", TaskPhrases.photoError("the strip at row 389 was cancelled by ana at 10:11:12").getAsJsonObject()
                .getAsJsonObject("errorCode").get("code").getAsString());
        values(TaskPhrases.photoError("merging the strips failed: strip 3 is missing"), "merge_failed");
        assertEquals("PNG", values(TaskPhrases.photoError("truncated or corrupt PNG (Error reading PNG metadata)"), "image_corrupt")
                .get("format").getAsString());
        assertTrue(TaskPhrases.photoError("the photo went missing").isJsonNull(), "a text of another kind");
    }

    /** The limits a photo can pass once its job is made, as the code that finds them words them. */
    @Test
    void aPhotoPastALimitComesWithItsCode() {
        IllegalArgumentException resize = assertThrows(IllegalArgumentException.class,
                () -> new Resize(4).outputSize(5_000, 3_000));
        JsonObject r = values(TaskPhrases.photoError(resize.getMessage()), "resize_too_large");
        assertEquals("4.0", r.get("scale").getAsString(), resize.getMessage());
        assertEquals(12_000, r.get("height").getAsInt());
        assertEquals(ImageGuard.MAX_SIDE, r.get("side").getAsInt());
        IllegalArgumentException blob = assertThrows(IllegalArgumentException.class,
                () -> new Blobs(null).put(new byte[Blobs.MAX_BYTES + 1]));
        String strips = JobMaker.cutError(blob);
        assertEquals(Blobs.MAX_BYTES, values(TaskPhrases.photoError(strips), "strips_too_large").get("limit")
                .getAsInt(), strips);
        assertEquals("disk full", values(TaskPhrases.photoError("unreadable image: disk full"), "image_unreadable")
                .get("error").getAsString());
        assertEquals("tile of 9 rows", JobMaker.cutError(new IllegalArgumentException("tile of 9 rows")),
                "another limit's message is not called too large for Redis");
        assertEquals("0123456789ab", values(TaskPhrases.photoError(
                "blob 0123456789ab… is not in Redis: it expired or was never uploaded"), "blob_missing").get("blob").getAsString());
        JsonObject merge = TaskPhrases.photoError("merging the strips failed: blob 0123456789ab… is not in Redis: it expired "
                + "or was never uploaded").getAsJsonObject();
        values(merge.get("errorCode"), "blob_missing");
    }

    @Test
    void aRetrysErrorComesWithItsCodeWhenColmenaGaveIt() {
        JsonObject retry = TaskPhrases.moves(List.of("attempt 1 FAILED on nodo1 at 10:11:12 (ran past its timeout of 200 ms); retry 1 of 1 in 0.9 s"))
                .get(0).getAsJsonObject();
        assertEquals(200, values(retry.get("errorCode"), "timeout").get("ms").getAsInt());
        JsonObject own = TaskPhrases.moves(List.of("attempt 1 FAILED on nodo1 at 10:11:12 (IllegalStateException: no); retry 1 of 1 in 0.9 s"))
                .get(0).getAsJsonObject();
        assertTrue(own.get("errorCode").isJsonNull(), own.toString());
    }

    /**
     * Each code of an error or an audit entry the API gives has its phrase in both of the page's
     * languages (web/i18n.js), but for the two the page words itself (cancelled, gave_up).
     */
    @Test
    void everyCodeTheApiGivesHasItsPhraseInBothLanguages() throws IOException {
        String dict = Files.readString(Path.of("web/i18n.js"));
        List<String> keys = Stream.concat(
                TaskPhrases.errorCodes().filter(c -> !c.equals("cancelled") && !c.equals("gave_up")).map(c -> "err_" + c),
                AuditPhrases.codes().map(c -> "audit_" + c)).toList();
        assertTrue(keys.size() > 40, keys.toString());
        for (String key : keys) {
            int n = dict.split("(?<![\\w])" + key + ": '", -1).length - 1;
            assertEquals(2, n, key + " in web/i18n.js, once in Spanish and once in English");
        }
    }

    private static JsonObject values(JsonElement part, String code) {
        assertEquals(code, part.getAsJsonObject().get("code").getAsString(), part.toString());
        return part.getAsJsonObject().getAsJsonObject("values");
    }
}
