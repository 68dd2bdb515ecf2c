package colmena.coordinator;

import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opt-in retries of a run that FAILED (a task submitted with {@code retries N}; a task lost with
 * its node is placed again anyway, and needs none): exponential back-off from
 * {@link #BASE_MS}, doubling with each failure up to {@link #MAX_MS}, with equal jitter (half the
 * delay fixed, half random) so tasks that failed together do not all come back at once. The
 * jitter is drawn from the task's id and failure count, so the same failure, stored twice after a
 * crash, makes the same retry.
 */
final class RetryPolicy {
    static final long BASE_MS = 1_000;
    static final long MAX_MS = 300_000;
    private static final int MAX_ERROR_IN_NOTE = 200;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private RetryPolicy() {
    }

    /** Whether a result is a failed run that its task asks to be tried again. */
    static boolean retries(TaskResult r) {
        return r.status() == TaskStatus.FAILED && r.node() != null && r.task().mayRetry();
    }

    /**
     * How long a task waits before its next try, in ms.
     *
     * @param failuresBefore its failures before the one that sends it back (0 for the first)
     */
    static long delayMs(String taskId, int failuresBefore) {
        long full = Math.min(MAX_MS, BASE_MS << Math.min(Math.max(0, failuresBefore), 20));
        SplittableRandom random = new SplittableRandom(taskId.hashCode() * 31L + failuresBefore);
        return full / 2 + random.nextLong(full / 2 + 1);
    }

    /** The note {@link #next} adds: the attempt that FAILED and its node, in groups 1 and 2. */
    private static final Pattern NOTE = Pattern.compile("attempt (\\d{1,9}) FAILED on ([A-Za-z0-9._-]+) at .*; retry \\d+ of \\d+ in \\d+\\.\\d s");

    /**
     * When a task read back from TaskHistory ({@link Recovery}) was waiting out its retry's
     * back-off, the time it falls due: the row's latest change (or {@code nowMs}, if that is
     * earlier: a Redis replaced with another clock, or a time edited by hand, makes it wait no more
     * than one back-off) plus the back-off, which is drawn from the task's id and failures and so
     * the same as when it was sent back. It was waiting when
     * its row is PENDING with no Reason (a retry's row has none until a placement writes why it
     * went where it goes: one placed again after its back-off, even on the node it failed on, is
     * not waiting), its last move is the note of the failure that sent it back, on the node the
     * row still names (a retry's row keeps it until the task is placed again), and its attempt is
     * the next one.
     *
     * @param reason the row's Reason
     * @return the due time (epoch ms, the store's clock), or -1 when it was not waiting
     */
    static long dueOfWaitingRetry(TaskMessage task, TaskStatus status, String reason, long changedAtMs, long nowMs) {
        if (status != TaskStatus.PENDING || reason != null || task.failuresSoFar() == 0 || changedAtMs <= 0
                || task.moves() == null || task.moves().isEmpty()) {
            return -1;
        }
        Matcher m = NOTE.matcher(task.moves().get(task.moves().size() - 1));
        if (!m.matches() || !m.group(2).equals(task.node()) || Integer.parseInt(m.group(1)) + 1 != task.attempt()) {
            return -1;
        }
        return Math.min(changedAtMs, nowMs) + delayOfRetried(task);
    }

    /** The wait of a task that {@link #next} sent back. */
    static long delayOfRetried(TaskMessage retried) {
        return delayMs(retried.id(), retried.failuresSoFar() - 1);
    }

    /** The task as it goes back: the next attempt, one more failure, and a note of what failed and when it is tried again. */
    static TaskMessage next(TaskResult failed) {
        TaskMessage task = failed.task();
        String error = failed.error() == null ? "no reason given" : failed.error();
        if (error.length() > MAX_ERROR_IN_NOTE) {
            error = error.substring(0, MAX_ERROR_IN_NOTE - 1) + "…";
        }
        String at = failed.finishedAtMs() > 0 ? CLOCK.format(Instant.ofEpochMilli(failed.finishedAtMs())) : "an unknown time";
        String note = String.format(Locale.ROOT, "attempt %d FAILED on %s at %s (%s); retry %d of %d in %.1f s",
                task.attempt(), failed.node(), at, error, task.failuresSoFar() + 1, task.retriesAsked(), delayMs(task.id(), task.failuresSoFar()) / 1000.0);
        return task.retried(note);
    }
}
