package colmena.task;

import colmena.broker.MalformedMessageException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A task as it travels through Redis: in {@code tasks:submitted}, {@code node:<id>:tasks} and
 * {@code node:<id>:inflight}. Immutable; every move makes a new one.
 *
 * @param id           the task id (a UUID), the key of its TaskHistory row
 * @param type         a name known to {@link TaskTypes}
 * @param params       the parameters as given; checked against the type when it runs
 * @param attempt      1 on the first placement, raised each time the task is placed again
 * @param submittedAtMs wall-clock time of submission, epoch milliseconds
 * @param node         the node it is placed on, null until placed
 * @param reason       why it was placed on that node
 * @param moves        one line per time it was taken away from a node, and why
 * @param replyTo      a {@code reply:<uuid>} list to send the stored result to, or null
 * @param retries      how many times a run that FAILED is tried again (opt-in; null or 0: never)
 * @param failures     how many runs have FAILED and been tried again so far (null: none)
 * @param priority     0 to 9, higher placed and run first, above 5 stored first (null: {@link #DEFAULT_PRIORITY})
 */
public record TaskMessage(String id, String type, Map<String, Object> params, int attempt, long submittedAtMs,
                          String node, String reason, List<String> moves, String replyTo, Integer retries,
                          Integer failures, Integer priority) {
    public static final int DEFAULT_PRIORITY = 5;
    public static final int MAX_PRIORITY = 9;
    /** The most retries a task may ask for. */
    public static final int MAX_RETRIES = 10;
    /** Messages larger than this are not parsed at all. */
    public static final int MAX_MESSAGE_CHARS = 64 * 1024;

    /**
     * The task in a queue's text, checked (see {@link MessageCheck}).
     *
     * @throws MalformedMessageException saying what is wrong, for the dead letter
     */
    public static TaskMessage read(String raw) throws MalformedMessageException {
        return MessageCheck.task(MessageCheck.parse(raw, TaskMessage.class));
    }

    /** A task without retries (how every task was before they existed). */
    public TaskMessage(String id, String type, Map<String, Object> params, int attempt, long submittedAtMs,
                       String node, String reason, List<String> moves, String replyTo) {
        this(id, type, params, attempt, submittedAtMs, node, reason, moves, replyTo, null, null, null);
    }

    /** Its priority, {@link #DEFAULT_PRIORITY} when it has none. */
    public int priorityOrDefault() {
        return priority == null ? DEFAULT_PRIORITY : priority;
    }

    /**
     * {@code p} if it is a priority (0–9), else the default: for a priority not checked on its way
     * in (a task or a TaskHistory row made by hand).
     */
    public static int knownPriority(int p) {
        return p >= 0 && p <= MAX_PRIORITY ? p : DEFAULT_PRIORITY;
    }

    /** The same task with priority {@code p} (0–9; the default is not written). */
    public TaskMessage withPriority(int p) {
        return new TaskMessage(id, type, params, attempt, submittedAtMs, node, reason, moves, replyTo, retries, failures,
                p == DEFAULT_PRIORITY ? null : p);
    }

    /** Retries asked for, 0 when none. */
    public int retriesAsked() {
        return retries == null ? 0 : retries;
    }

    /** Runs that FAILED and were tried again, 0 when none. */
    public int failuresSoFar() {
        return failures == null ? 0 : failures;
    }

    /** Whether a FAILED run of this attempt is tried again. */
    public boolean mayRetry() {
        return failuresSoFar() < retriesAsked();
    }

    /** The same task, asking for {@code n} retries of a FAILED run (0: none). */
    public TaskMessage withRetries(int n) {
        return new TaskMessage(id, type, params, attempt, submittedAtMs, node, reason, moves, replyTo,
                n <= 0 ? null : n, failures, priority);
    }

    /**
     * The same task after a run that FAILED, to be tried again: the next attempt, one more
     * failure, no node, and a note of what happened.
     */
    public TaskMessage retried(String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt + 1, submittedAtMs, null, null, List.copyOf(more), replyTo,
                retries, failuresSoFar() + 1, priority);
    }

    public static TaskMessage submit(String id, String type, Map<String, Object> params, long submittedAtMs,
                                     String replyTo) {
        return new TaskMessage(id, type, params, 1, submittedAtMs, null, null, List.of(), replyTo, null, null, null);
    }

    public TaskMessage placedOn(String nodeId, String why) {
        return new TaskMessage(id, type, params, attempt, submittedAtMs, nodeId, why, moves, replyTo, retries, failures, priority);
    }

    /**
     * The same task taken away from its node to be placed again, with one more attempt and a note
     * of where it was and why it moved.
     */
    public TaskMessage movedAway(String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt + 1, submittedAtMs, null, null, List.copyOf(more), replyTo, retries, failures, priority);
    }

    /**
     * The same task sent back to be placed again without spending an attempt, with a note of why:
     * it never started (it waited in the queue of a node that went), its node stopped gracefully,
     * or Redis itself lost track of it. Only a run cut short by its node's death costs an attempt.
     */
    public TaskMessage requeued(String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt, submittedAtMs, null, null, List.copyOf(more), replyTo, retries, failures, priority);
    }

    /** The same task, where it is, with one more note in its history. */
    public TaskMessage noted(String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt, submittedAtMs, node, reason, List.copyOf(more), replyTo, retries, failures, priority);
    }

    /**
     * The same task, not yet started, moved straight to another node's queue: the same attempt (a
     * move is not a failure), the new node and why it is there, and a note of the move.
     */
    public TaskMessage movedTo(String nodeId, String why, String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt, submittedAtMs, nodeId, why, List.copyOf(more), replyTo, retries, failures, priority);
    }

    /**
     * The id's last 8 characters, for console lines: ids made by {@link TaskIds} start with the
     * time they were made, so their ends are what tells tasks apart.
     */
    public String shortId() {
        return id.length() > 8 ? id.substring(id.length() - 8) : id;
    }

    /** {@code primes(n=200000)}: how the task is shown in console lines; long texts are cut to their start. */
    public String describe() {
        StringBuilder sb = new StringBuilder(type).append('(');
        if (params != null) {
            boolean first = true;
            for (Map.Entry<String, Object> e : params.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                Object v = e.getValue();
                // A blob's 64-digit hash is shown by its start, as ids are by their end.
                String shown = v instanceof String text && text.length() > 16 ? text.substring(0, 8) + "…" : String.valueOf(v);
                sb.append(e.getKey()).append('=').append(shown);
                first = false;
            }
        }
        return sb.append(')').toString();
    }
}
