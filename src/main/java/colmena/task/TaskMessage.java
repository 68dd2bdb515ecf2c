package colmena.task;

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
 */
public record TaskMessage(String id, String type, Map<String, Object> params, int attempt, long submittedAtMs,
                          String node, String reason, List<String> moves, String replyTo) {

    public static TaskMessage submit(String id, String type, Map<String, Object> params, long submittedAtMs,
                                     String replyTo) {
        return new TaskMessage(id, type, params, 1, submittedAtMs, null, null, List.of(), replyTo);
    }

    public TaskMessage placedOn(String nodeId, String why) {
        return new TaskMessage(id, type, params, attempt, submittedAtMs, nodeId, why, moves, replyTo);
    }

    /**
     * The same task taken away from its node to be placed again, with one more attempt and a note
     * of where it was and why it moved.
     */
    public TaskMessage movedAway(String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt + 1, submittedAtMs, null, null, List.copyOf(more), replyTo);
    }

    /**
     * The same task sent back to be placed again without spending an attempt, with a note of why:
     * it never started (it waited in the queue of a node that went), its node stopped gracefully,
     * or Redis itself lost track of it. Only a run cut short by its node's death costs an attempt.
     */
    public TaskMessage requeued(String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt, submittedAtMs, null, null, List.copyOf(more), replyTo);
    }

    /** The same task, where it is, with one more note in its history. */
    public TaskMessage noted(String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt, submittedAtMs, node, reason, List.copyOf(more), replyTo);
    }

    /**
     * The same task, not yet started, moved straight to another node's queue: the same attempt (a
     * move is not a failure), the new node and why it is there, and a note of the move.
     */
    public TaskMessage movedTo(String nodeId, String why, String note) {
        List<String> more = new ArrayList<>(moves == null ? List.of() : moves);
        more.add(note);
        return new TaskMessage(id, type, params, attempt, submittedAtMs, nodeId, why, List.copyOf(more), replyTo);
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
