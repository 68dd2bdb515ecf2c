package colmena.store;

import colmena.task.TaskStatus;

import java.time.Instant;
import java.util.List;

/**
 * One TaskHistory row as the API shows it.
 *
 * @param reason why the task went to its node
 * @param moves  each time it was taken away from a node, and why
 */
public record TaskRecord(long rowId, String id, String node, String type, String params, TaskStatus status,
                         String result, String error, String reason, List<String> moves, int attempts,
                         Instant submittedAt, Instant startedAt, Instant finishedAt, Long durationMs,
                         Instant timestamp) {
}
