package colmena.task;

import colmena.broker.MalformedMessageException;

/**
 * What an agent says about a task on {@code results:queue}: it finished (DONE or FAILED) or, for a
 * task that runs a while, that it is RUNNING. It carries the whole task, so the coordinator can
 * write a complete TaskHistory row even when it never saw the task placed.
 *
 * @param result the task's answer as text; null unless DONE
 * @param error  why it failed; null unless FAILED
 */
public record TaskResult(TaskMessage task, String node, TaskStatus status, String result, String error,
                         long startedAtMs, long finishedAtMs, long durationMs) {

    /**
     * The result in a queue's text, checked with its task (see {@link MessageCheck}).
     *
     * @throws MalformedMessageException saying what is wrong, for the dead letter
     */
    public static TaskResult read(String raw) throws MalformedMessageException {
        return MessageCheck.result(MessageCheck.parse(raw, TaskResult.class));
    }

    public static TaskResult running(TaskMessage task, String node, long startedAtMs) {
        return new TaskResult(task, node, TaskStatus.RUNNING, null, null, startedAtMs, 0, 0);
    }

    public static TaskResult done(TaskMessage task, String node, String result, long startedAtMs,
                                  long finishedAtMs, long durationMs) {
        return new TaskResult(task, node, TaskStatus.DONE, result, null, startedAtMs, finishedAtMs, durationMs);
    }

    public static TaskResult failed(TaskMessage task, String node, String error, long startedAtMs,
                                    long finishedAtMs, long durationMs) {
        return new TaskResult(task, node, TaskStatus.FAILED, null, error, startedAtMs, finishedAtMs, durationMs);
    }

    /** A task stopped, or taken out of its queue, because someone cancelled it; {@code why} says who or where. */
    public static TaskResult cancelled(TaskMessage task, String node, String why, long startedAtMs,
                                       long finishedAtMs, long durationMs) {
        return new TaskResult(task, node, TaskStatus.CANCELLED, null, why, startedAtMs, finishedAtMs, durationMs);
    }

    public String id() {
        return task.id();
    }
}
