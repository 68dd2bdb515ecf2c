package colmena.task;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.RedisKeys;
import com.google.gson.JsonParseException;

/**
 * The checks that turn queue text into a {@link TaskMessage} or a {@link TaskResult} (through
 * {@link TaskMessage#read} and {@link TaskResult#read}). A message that fails one is never
 * half-used: the caller dead-letters it with the reason given here.
 */
final class MessageCheck {
    /** Times must fit SQL Server's DATETIME2 (up to year 9999). */
    static final long LATEST_MS = 253_402_300_799_999L;

    private MessageCheck() {
    }

    static TaskResult result(TaskResult result) throws MalformedMessageException {
        if (result.task() == null) {
            throw new MalformedMessageException("result without its task");
        }
        task(result.task());
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

    static TaskMessage task(TaskMessage task) throws MalformedMessageException {
        identity(task);
        params(task);
        counts(task);
        if (task.node() != null && !RedisKeys.isValidNodeId(task.node())) {
            throw new MalformedMessageException("task " + task.id() + " placed on invalid node id");
        }
        if (task.replyTo() != null && !RedisKeys.isReply(task.replyTo())) {
            throw new MalformedMessageException("task " + task.id() + " asks for a reply to \"" + task.replyTo()
                    + "\", which is not a reply:<uuid> key");
        }
        return task;
    }

    private static void identity(TaskMessage task) throws MalformedMessageException {
        if (task.id() == null || !Names.plain(task.id(), 64, "-", false)) {
            throw new MalformedMessageException("task id missing or invalid: \"" + task.id() + "\"");
        }
        if (task.type() == null || !Names.plain(task.type(), 64, "._-", false)) {
            throw new MalformedMessageException("task " + task.id() + " has no type, or one that is not 1 to 64 "
                    + "letters, digits, '.', '_' or '-'");
        }
        if (task.submittedAtMs() < 0 || task.submittedAtMs() > LATEST_MS) {
            throw new MalformedMessageException("task " + task.id() + " has an impossible submission time");
        }
    }

    private static void params(TaskMessage task) throws MalformedMessageException {
        if (task.params() == null) {
            return;
        }
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

    private static void counts(TaskMessage task) throws MalformedMessageException {
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
    }

    /** The text as a {@code type}, not yet checked; at most {@link TaskMessage#MAX_MESSAGE_CHARS}. */
    static <T> T parse(String raw, Class<T> type) throws MalformedMessageException {
        if (raw == null) {
            throw new MalformedMessageException("empty message");
        }
        if (raw.length() > TaskMessage.MAX_MESSAGE_CHARS) {
            throw new MalformedMessageException("message of " + raw.length() + " characters; the limit is "
                    + TaskMessage.MAX_MESSAGE_CHARS);
        }
        // Colmena's own messages are read by hand; anything else, and every error, by Gson.
        Object plain = type == TaskMessage.class ? MessageReader.task(raw)
                : type == TaskResult.class ? MessageReader.result(raw) : null;
        if (plain != null) {
            return type.cast(plain);
        }
        try {
            T value = Json.GSON.fromJson(raw, type);
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
