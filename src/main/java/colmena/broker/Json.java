package colmena.broker;

import colmena.task.TaskContext;
import colmena.task.TaskMessage;
import colmena.task.TaskProgress;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.ToNumberPolicy;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.time.Instant;

import java.util.regex.Pattern;

/**
 * The one Gson every process uses, and the checks that turn queue text into messages. A message
 * that fails a check is never half-used: the caller dead-letters it with the reason given here.
 */
public final class Json {
    /** Whole numbers stay whole ({@code 5}, not {@code 5.0}) when read into {@code Object}. */
    public static final Gson GSON = new GsonBuilder()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
            .disableHtmlEscaping()
            .create();

    /** The API's JSON: like {@link #GSON}, but a missing value is written as {@code null}, not left out. */
    public static final Gson API = GSON.newBuilder().serializeNulls().create();

    /**
     * Leaves a record component out of the JSON while it is null, where {@link #API} would write
     * {@code null}: {@code @JsonAdapter(value = Json.LeftOutWhenNull.class, nullSafe = false)} on
     * the component. (A writer that omits nulls skips the field's name; this one does so for one
     * value.)
     */
    public static final class LeftOutWhenNull implements TypeAdapterFactory {
        @Override
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            TypeAdapter<T> value = gson.getAdapter(type);
            return new TypeAdapter<>() {
                @Override
                public void write(JsonWriter out, T v) throws IOException {
                    if (v != null) {
                        value.write(out, v);
                        return;
                    }
                    boolean serializeNulls = out.getSerializeNulls();
                    out.setSerializeNulls(false);
                    try {
                        out.nullValue();
                    } finally {
                        out.setSerializeNulls(serializeNulls);
                    }
                }

                @Override
                public T read(JsonReader in) throws IOException {
                    return value.read(in);
                }
            };
        }
    }

    /** Instants as ISO-8601 text ({@code 2025-04-19T11:25:45.123Z}). */
    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            return Instant.parse(in.nextString());
        }
    }

    /** Messages larger than this are not parsed at all. */
    public static final int MAX_MESSAGE_CHARS = 64 * 1024;

    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    /** What a task type may look like (a type not known is FAILED later; this keeps it storable). */
    private static final Pattern TASK_TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Times must fit SQL Server's DATETIME2 (up to year 9999). */
    private static final long LATEST_MS = 253_402_300_799_999L;

    private Json() {
    }

    public static String write(Object value) {
        return GSON.toJson(value);
    }

    /**
     * A progress report as an agent wrote it ({@code {"percent": 40, "text": "row 3 of 8"}}), kept
     * to a percentage 0–100 and a text of at most 80 characters; null when it is not that (it
     * comes from other machines).
     */
    public static TaskProgress readProgress(String json) {
        if (json == null || json.length() > 1_024) {
            return null;
        }
        try {
            JsonObject in = JsonParser.parseString(json).getAsJsonObject();
            double percent = in.get("percent").getAsDouble();
            if (!(percent >= 0 && percent <= 100)) {
                return null;
            }
            JsonElement text = in.get("text");
            String t = text != null && text.isJsonPrimitive() ? text.getAsString() : null;
            int max = TaskContext.Progress.MAX_TEXT;
            return new TaskProgress((int) percent, t == null || t.length() <= max ? t : t.substring(0, max));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The text of {@code placed}, the task read from {@code raw} with its node and reason set. When
     * {@code raw} is an object with neither field, the two are appended to it rather than the whole
     * task written again (the placer does this for every task).
     */
    public static String placed(String raw, TaskMessage placed) {
        if (raw.endsWith("}") && !raw.contains("\"node\"") && !raw.contains("\"reason\"") && placed.node() != null) {
            StringBuilder sb = new StringBuilder(raw.length() + 120).append(raw, 0, raw.length() - 1)
                    .append(",\"node\":").append(GSON.toJson(placed.node()));
            if (placed.reason() != null) {
                sb.append(",\"reason\":").append(GSON.toJson(placed.reason()));
            }
            return sb.append('}').toString();
        }
        return write(placed);
    }

    public static TaskMessage readTask(String raw) throws MalformedMessageException {
        TaskMessage task = parse(raw, TaskMessage.class);
        checkTask(task);
        return task;
    }

    public static TaskResult readResult(String raw) throws MalformedMessageException {
        TaskResult result = parse(raw, TaskResult.class);
        if (result.task() == null) {
            throw new MalformedMessageException("result without its task");
        }
        checkTask(result.task());
        if (result.status() == null || result.status() == TaskStatus.PENDING) {
            throw new MalformedMessageException("result status must be RUNNING, DONE or FAILED");
        }
        for (long t : new long[] {result.startedAtMs(), result.finishedAtMs()}) {
            if (t < 0 || t > LATEST_MS) {
                throw new MalformedMessageException("result for " + result.task().id() + " has an impossible time");
            }
        }
        // The coordinator's own verdicts come from no node: refused before placing, or cancelled while waiting.
        boolean refusedBeforePlacing = result.node() == null
                && (result.status() == TaskStatus.FAILED || result.status() == TaskStatus.CANCELLED);
        if (!refusedBeforePlacing && !RedisKeys.isValidNodeId(result.node())) {
            throw new MalformedMessageException("result with invalid node id \"" + result.node() + "\"");
        }
        return result;
    }

    private static void checkTask(TaskMessage task) throws MalformedMessageException {
        if (task.id() == null || !TASK_ID.matcher(task.id()).matches()) {
            throw new MalformedMessageException("task id missing or invalid: \"" + task.id() + "\"");
        }
        if (task.type() == null || !TASK_TYPE.matcher(task.type()).matches()) {
            throw new MalformedMessageException("task " + task.id() + " has no type, or one that is not 1 to 64 "
                    + "letters, digits, '.', '_' or '-'");
        }
        if (task.submittedAtMs() < 0 || task.submittedAtMs() > LATEST_MS) {
            throw new MalformedMessageException("task " + task.id() + " has an impossible submission time");
        }
        if (task.params() != null) {
            for (var e : task.params().entrySet()) {
                Object v = e.getValue();
                if (!(v instanceof Number || v instanceof String || v instanceof Boolean || v == null)) {
                    throw new MalformedMessageException("task " + task.id() + " parameter \"" + e.getKey()
                            + "\" is not a number or text");
                }
                if (v instanceof Double d && !Double.isFinite(d)) {
                    throw new MalformedMessageException("task " + task.id() + " parameter \"" + e.getKey()
                            + "\" is not a finite number");
                }
            }
        }
        if (task.attempt() < 1) {
            throw new MalformedMessageException("task " + task.id() + " has attempt " + task.attempt());
        }
        if (task.retriesAsked() < 0 || task.retriesAsked() > TaskMessage.MAX_RETRIES
                || task.failuresSoFar() < 0 || task.failuresSoFar() > task.retriesAsked()) {
            throw new MalformedMessageException("task " + task.id() + " has retries " + task.retries() + " and failures "
                    + task.failures() + "; retries must be 0 to " + TaskMessage.MAX_RETRIES + ", failures at most that");
        }
        if (task.priority() != null && (task.priority() < 0 || task.priority() > TaskMessage.MAX_PRIORITY)) {
            throw new MalformedMessageException("task " + task.id() + " has priority " + task.priority()
                    + "; priorities go from 0 to " + TaskMessage.MAX_PRIORITY);
        }
        if (task.node() != null && !RedisKeys.isValidNodeId(task.node())) {
            throw new MalformedMessageException("task " + task.id() + " placed on invalid node id");
        }
        if (task.replyTo() != null && !RedisKeys.isReply(task.replyTo())) {
            throw new MalformedMessageException("task " + task.id() + " asks for a reply to \"" + task.replyTo()
                    + "\", which is not a reply:<uuid> key");
        }
    }

    private static <T> T parse(String raw, Class<T> type) throws MalformedMessageException {
        if (raw == null) {
            throw new MalformedMessageException("empty message");
        }
        if (raw.length() > MAX_MESSAGE_CHARS) {
            throw new MalformedMessageException("message of " + raw.length() + " characters; the limit is "
                    + MAX_MESSAGE_CHARS);
        }
        try {
            T value = GSON.fromJson(raw, type);
            if (value == null) {
                throw new MalformedMessageException("empty message");
            }
            return value;
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            throw new MalformedMessageException("not a " + type.getSimpleName() + " in JSON: " + firstLine(e));
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
