package colmena.store;

import colmena.task.TaskStatus;

import java.time.Instant;
import java.util.List;

/**
 * One TaskHistory row as the API shows it.
 *
 * @param reason   why the task went to its node
 * @param moves    each time it was taken away from a node, and why
 * @param priority 0 to 9, as submitted (5, the default, for rows written before TaskHistory kept it)
 * @param retries  how many times a FAILED run is tried again, as submitted (0: never, and for rows
 *                 written before TaskHistory kept it)
 * @param failures how many runs FAILED and were tried again so far
 */
public record TaskRecord(long rowId, String id, String node, String type, String params, TaskStatus status,
                         String result, String error, String reason, List<String> moves, int attempts,
                         int priority, int retries, int failures, Instant submittedAt, Instant startedAt, Instant finishedAt, Long durationMs,
                         Instant timestamp) {
}
