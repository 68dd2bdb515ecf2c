package colmena.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The English sentences the coordinator, the agents and the store write into a task's history
 * (its {@code reason}, each of its {@code moves}, a cancelled task's {@code error}) read back as a
 * code and its values, so the dashboard can write them in the reader's language. A sentence
 * written by code this class does not know becomes {@code {"code": "text", "values": {"text": …}}}
 * and is shown as it is.
 *
 * <p>Each pattern below mirrors one sentence built elsewhere; {@code TaskPhrasesTest} builds the
 * sentences with that code and checks each is read as its code.
 */
final class TaskPhrases {
    private TaskPhrases() {
    }

    /** A code and the names of the pattern's groups, in order; a group that matched nothing is left out. */
    record Phrase(String code, Pattern pattern, List<String> groups) {
        static Phrase of(String code, String regex, String... groups) {
            return new Phrase(code, Pattern.compile(regex, Pattern.DOTALL), List.of(groups));
        }
    }

    static final String NODE = "([A-Za-z0-9._-]+)";
    private static final String AT = "(\\d{2}:\\d{2}:\\d{2}|an unknown time)";
    private static final String NUM = "(\\d+(?:\\.\\d+)?)";
    /** A task type's name. */
    private static final String TYPE = "([a-z0-9-]+)";

    /** The values given as JSON numbers; every other value (a node's name, a time of day) is a string. */
    private static final java.util.Set<String> NUMBERS = java.util.Set.of("queued", "running", "cores", "rate", "held",
            "workers", "cpu", "priority", "thereS", "hereS", "attempt", "retry", "retries", "s", "attempts", "count", "minutes", "ms",
            "mb", "limit", "heap", "min", "max", "got", "scale", "width", "height", "side", "megapixels", "bytes");

    /** A blob gone from Redis (broker.Blobs): a task's strip that expired before it ran, or a photo before its job was made. */
    private static final Phrase BLOB_MISSING = Phrase.of("blob_missing",
            "blob ([0-9a-f]{12})… is not in Redis: it expired or was never uploaded", "blob");

    /** Placement's reasons (coordinator.Placement), then the suffixes added after them. */
    private static final List<Phrase> REASONS = List.of(
            Phrase.of("least_loaded", NODE + ": (\\d+) queued, (\\d+) running, (\\d+) cores(?:, " + NUM
                    + " tasks/s)?(?:, (\\d+) of (\\d+) workers held by long tasks)?, cpu (\\d+)%",
                    "node", "queued", "running", "cores", "rate", "held", "workers", "cpu"),
            Phrase.of("lowest_cpu", NODE + ": lowest cpu \\((\\d+)%\\)", "node", "cpu"),
            Phrase.of("next_in_turn", NODE + ": next in turn", "node"));
    private static final List<Phrase> REASON_SUFFIXES = List.of(
            Phrase.of("all_saturated", ", all nodes saturated"),
            Phrase.of("moved_from", ", moved from " + NODE, "node"),
            Phrase.of("priority", "; priority (\\d+) \\(ahead of lower priorities queued there\\)", "priority"));

    /** The notes a task's history collects (coordinator, agent, store), whole lines. */
    private static final List<Phrase> MOVES = List.of(
            Phrase.of("moved", "moved from " + NODE + " to " + NODE + " at " + AT + ": " + NODE
                    + " (is saturated|had nothing waiting|fell behind)(?:; expected done in about " + NUM
                    + " s there instead of " + NUM + " s)?", "from", "to", "at", "node", "cause", "thereS", "hereS"),
            Phrase.of("redis_lost", "Redis lost it at " + AT + " \\(it came back without its data\\)", "at"),
            Phrase.of("redis_lost_unplaced", "recovered from TaskHistory: Redis lost it before it was placed"),
            Phrase.of("handed_back", "handed back by " + NODE + " when it stopped at " + AT, "node", "at"),
            Phrase.of("lost_running", NODE + " stopped reporting at " + AT + " while running it", "node", "at"),
            Phrase.of("lost_queued", NODE + " stopped reporting at " + AT + " before it started", "node", "at"),
            Phrase.of("retry", "attempt (\\d+) FAILED on " + NODE + " at " + AT + " \\((.*)\\); retry (\\d+) of (\\d+) in "
                    + NUM + " s", "attempt", "node", "at", "error", "retry", "retries", "s"),
            Phrase.of("restarted", NODE + " restarted at " + AT + " while holding it", "node", "at"),
            Phrase.of("interrupted", NODE + " stopped at " + AT + " while running it: interrupted after the (.+) grace period",
                    "node", "at", "grace"),
            Phrase.of("also_ran", "also ran on " + NODE + " \\(attempt (\\d+)\\), ([A-Z]+) at " + AT
                    + "; not stored, the first result stands", "node", "attempt", "status", "at"),
            Phrase.of("late", "finished on " + NODE + " \\(attempt (\\d+)\\) at " + AT
                    + " after it had been taken from there(?: and placed on " + NODE + ")?; stored as the first result",
                    "node", "attempt", "at", "on"));

    /** The errors Colmena itself gives a task (coordinator.Canceller, coordinator.Placer, agent.TaskRunner). */
    private static final List<Phrase> ERRORS = List.of(
            Phrase.of("cancelled", "cancelled(?: by (.+?))?(?: at " + AT + ")?", "by", "at"),
            Phrase.of("gave_up", "gave up after (\\d+) attempts(?:; last: (.*))?", "attempts", "last"),
            Phrase.of("timeout", "ran past its timeout of (\\d+) ms", "ms"),
            Phrase.of("out_of_memory", "ran out of memory on " + NODE, "node"),
            Phrase.of("stack_overflow", "stack overflow"),
            // A photo's strip gone from Redis before it ran (broker.Blobs): its job waited longer than strips are kept.
            BLOB_MISSING,
            // Cancelled on its node (agent.TaskLoop, agent.Workers).
            Phrase.of("cancelled_stopped", "cancelled: stopped on " + NODE + " at " + AT, "node", "at"),
            Phrase.of("cancelled_waiting", "cancelled before it started on " + NODE, "node"),
            // A task's parameters refused where it was placed or run (task.TaskParams, task.TaskTypes): one sent
            // straight into Redis, or by an older colmena, skips the API's check; the API's own answers carry these codes.
            Phrase.of("param_min", TYPE + ": (\\w+) must be at least (-?\\d+), got (-?\\d+)", "type", "param", "min", "got"),
            Phrase.of("param_max", TYPE + ": (\\w+) must be at most (-?\\d+), got (-?\\d+)", "type", "param", "max", "got"),
            Phrase.of("param_required", TYPE + ": (\\w+) is required \\(.*\\)", "type", "param"),
            Phrase.of("param_not_whole", TYPE + ": (\\w+) must be a whole number, got (.*)", "type", "param", "got"),
            Phrase.of("param_pattern", TYPE + ": (\\w+) must be .*?, got (.*)", "type", "param", "got"),
            Phrase.of("param_unknown", "unknown parameter \"(.*)\" for " + TYPE + "; known: (.*)", "param", "type", "known"),
            Phrase.of("type_unknown", "unknown task type \"(.*)\"; known types: (.*)", "type", "known"),
            // The memory a matrix-multiply needs, refused by its agent (task.HeapBudget).
            Phrase.of("memory_too_big", "(.+?) needs (\\d+) MB of memory; this agent lets tasks use (\\d+) MB \\(its heap is "
                    + "(\\d+) MB, -Xmx\\): choose a smaller (\\w+), or start the agent with a larger -Xmx",
                    "what", "mb", "limit", "heap", "param"),
            Phrase.of("memory_busy", "(.+?) needs (\\d+) MB of memory and the tasks running on this agent hold (\\d+) of its "
                    + "(\\d+) MB; try again later", "what", "mb", "held", "limit"));

    /** Why a photo of a job failed (jobs.JobView): one of its strips, or the merging of them. */
    private static final List<Phrase> PHOTO_ERRORS = List.of(
            Phrase.of("strip_failed_on", "the strip at row (\\d+) failed on " + NODE + ": (.*)", "row", "node", "error"),
            Phrase.of("strip_failed", "the strip at row (\\d+) failed: (.*)", "row", "error"),
            Phrase.of("strip_cancelled", "the strip at row (\\d+) was (.*)", "row", "error"),
            Phrase.of("merge_failed", "merging the strips failed: (.*)", "error"),
            // A photo whose blob expired before its job was made (jobs.JobMaker, from broker.Blobs).
            BLOB_MISSING,
            // A photo that could not be read when its job was made (vision.ImageGuard, as its upload's refusals say it).
            Phrase.of("image_corrupt", "truncated or corrupt ([A-Z]+)(?: \\(.*\\))?", "format"),
            Phrase.of("image_empty", "empty input: not an image \\(.*\\)"),
            Phrase.of("image_format", "not an image \\(.*\\); this is (\\w+)", "format"),
            Phrase.of("image_not_image", "not an image \\(.*\\)"),
            Phrase.of("image_unreadable", "unreadable image: (.*)", "error"),
            // A photo whose filter's output, or whose strips, would pass a limit (filters.Resize, jobs.JobMaker).
            Phrase.of("resize_too_large", "resized by " + NUM + " the image would be (\\d+)×(\\d+); the limit is (\\d+) "
                    + "pixels a side and (\\d+) megapixels", "scale", "width", "height", "side", "megapixels"),
            Phrase.of("strips_too_large", "too large to cut into strips that Redis takes \\(blob of (\\d+) bytes; the limit is "
                    + "(\\d+)\\); send a smaller photo", "bytes", "limit"));

    /**
     * A failed photo's error as its code and values, with the strip's or the merging's own error as
     * a code too ({@code errorCode}, as {@link #error} gives it) when Colmena gave it; null for a
     * text of another kind.
     */
    static JsonElement photoError(String error) {
        if (error == null || error.isEmpty()) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = whole(PHOTO_ERRORS, error);
        if ("text".equals(o.get("code").getAsString())) {
            return JsonNull.INSTANCE;
        }
        String code = o.get("code").getAsString();
        if (code.startsWith("strip_") || code.equals("merge_failed")) {
            o.add("errorCode", error(o.getAsJsonObject("values").get("error").getAsString()));
        }
        return o;
    }

    /** A reason as its parts: the placement's rule first, then what was added after it; null for none. */
    static JsonElement reason(String reason) {
        if (reason == null || reason.isEmpty()) {
            return JsonNull.INSTANCE;
        }
        JsonArray out = new JsonArray();
        for (Phrase p : REASONS) {
            Matcher m = p.pattern.matcher(reason);
            if (m.lookingAt()) {
                out.add(part(p, m));
                int at = m.end();
                while (at < reason.length()) {
                    JsonObject suffix = suffix(reason, at);
                    if (suffix == null) {
                        return textOnly(reason);
                    }
                    out.add(suffix);
                    at = suffix.remove("end").getAsInt();
                }
                return out;
            }
        }
        return textOnly(reason);
    }

    /** One part per move, in the same order. */
    static JsonArray moves(List<String> moves) {
        JsonArray out = new JsonArray();
        for (String line : moves == null ? List.<String>of() : moves) {
            JsonObject part = whole(MOVES, line);
            if ("retry".equals(part.get("code").getAsString())) {
                part.add("errorCode", error(part.getAsJsonObject("values").get("error").getAsString()));
            }
            out.add(part);
        }
        return out;
    }

    /** The codes of the errors of tasks and photos this class knows: the page has a phrase err_&lt;code&gt; for each. */
    static java.util.stream.Stream<String> errorCodes() {
        return java.util.stream.Stream.concat(ERRORS.stream(), PHOTO_ERRORS.stream()).map(Phrase::code).distinct();
    }

    /** A known error as its code; null when the error is the task's own (its text is shown as it is). */
    static JsonElement error(String error) {
        if (error == null || error.isEmpty()) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = whole(ERRORS, error);
        if ("gave_up".equals(o.get("code").getAsString()) && o.getAsJsonObject("values").has("last")) {
            o.add("lastCode", moves(List.of(o.getAsJsonObject("values").get("last").getAsString())).get(0));
        }
        return "text".equals(o.get("code").getAsString()) ? JsonNull.INSTANCE : o;
    }

    private static JsonObject suffix(String reason, int from) {
        for (Phrase p : REASON_SUFFIXES) {
            Matcher m = p.pattern.matcher(reason).region(from, reason.length());
            if (m.lookingAt()) {
                JsonObject o = part(p, m);
                o.addProperty("end", m.end());
                return o;
            }
        }
        return null;
    }

    /** The first of {@code phrases} that matches the whole text, as its code and values; else {@code text}. */
    static JsonObject whole(List<Phrase> phrases, String text) {
        for (Phrase p : phrases) {
            Matcher m = p.pattern.matcher(text);
            if (m.matches()) {
                return part(p, m);
            }
        }
        return text(text);
    }

    private static JsonObject part(Phrase p, Matcher m) {
        JsonObject values = new JsonObject();
        for (int i = 0; i < p.groups.size(); i++) {
            String v = m.group(i + 1);
            if (v == null) {
                continue;
            }
            if ("an unknown time".equals(v)) {
                v = "";
            }
            if (NUMBERS.contains(p.groups.get(i)) && v.matches("-?\\d{1,9}")) {
                values.addProperty(p.groups.get(i), Integer.parseInt(v));
            } else if (NUMBERS.contains(p.groups.get(i)) && v.matches("-?\\d{1,9}\\.\\d+")) {
                values.addProperty(p.groups.get(i), Double.parseDouble(v));
            } else {
                values.addProperty(p.groups.get(i), v);
            }
        }
        JsonObject o = new JsonObject();
        o.addProperty("code", p.code);
        o.add("values", values);
        return o;
    }

    private static JsonObject text(String text) {
        JsonObject values = new JsonObject();
        values.addProperty("text", text);
        JsonObject o = new JsonObject();
        o.addProperty("code", "text");
        o.add("values", values);
        return o;
    }

    private static JsonArray textOnly(String text) {
        JsonArray out = new JsonArray();
        out.add(text(text));
        return out;
    }
}
