package colmena.agent;

import colmena.task.BlobSource;
import colmena.task.InvalidTaskException;
import colmena.task.TaskContext;
import colmena.task.TaskMessage;
import colmena.task.TaskParams;
import colmena.task.TaskResult;
import colmena.task.TaskType;
import colmena.task.TaskTypes;

import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Runs one task and says how it went. Whatever the task does (bad parameters, an exception, too
 * long, out of memory) becomes a FAILED result carrying the reason; only an interrupt, which means
 * the agent is stopping, is passed up so the task can be handed back instead.
 */
public final class TaskRunner {
    private TaskRunner() {
    }

    public static TaskResult run(TaskMessage task, String nodeId, long timeoutMs) throws InterruptedException {
        return run(task, nodeId, timeoutMs, BlobSource.NONE, System::currentTimeMillis, new TaskContext.Progress());
    }

    /**
     * The same, with the blobs (photos, tiles) the task may read.
     *
     * @param clock    now, epoch milliseconds, for the start and finish times (the agent gives Redis's)
     * @param progress where the task's progress reports are kept
     */
    public static TaskResult run(TaskMessage task, String nodeId, long timeoutMs, BlobSource blobs,
                                 LongSupplier clock, TaskContext.Progress progress)
            throws InterruptedException {
        long startedAtMs = clock.getAsLong();
        long t0 = System.nanoTime();
        String error;
        try {
            TaskType type = TaskTypes.get(task.type());
            TaskParams params = TaskParams.check(type, task.params());
            String result = type.run(params, new TaskContext(timeoutMs, blobs, progress));
            return TaskResult.done(task, nodeId, result, startedAtMs, clock.getAsLong(), elapsedMs(t0));
        } catch (InterruptedException e) {
            throw e;
        } catch (InvalidTaskException e) {
            error = e.getMessage();
        } catch (BlobSource.BlobMissingException e) {
            error = e.getMessage();
        } catch (TimeoutException e) {
            error = "ran past its timeout of " + timeoutMs + " ms";
        } catch (OutOfMemoryError e) {
            error = "ran out of memory on " + nodeId;
        } catch (StackOverflowError e) {
            error = "stack overflow";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return TaskResult.failed(task, nodeId, error, startedAtMs, clock.getAsLong(), elapsedMs(t0));
    }

    private static long elapsedMs(long t0) {
        return (System.nanoTime() - t0) / 1_000_000L;
    }
}
