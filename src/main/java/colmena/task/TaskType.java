package colmena.task;

import java.util.List;

/**
 * A kind of compute task. Implementations must be safe to run again: a task half done on a node
 * that died is simply run again elsewhere, so the same parameters always give the same result.
 */
public interface TaskType {
    /** The name used in messages, TaskHistory.TaskType, the API and the CLI. */
    String name();

    /** One line for {@code --help} and the dashboard. */
    String summary();

    List<Param> params();

    /**
     * Whether tasks of this type are made only by jobs (a photo's tiles), never submitted alone:
     * {@code submit} and {@code POST /api/tasks} refuse them and the dashboard's form leaves them out.
     */
    default boolean madeByJobs() {
        return false;
    }

    /**
     * Runs the task. Long loops call {@link TaskContext#checkpoint()} now and then so a task past
     * its timeout, or an agent shutting down, can stop it.
     *
     * @return the result as text, shown in TaskHistory.Result
     */
    String run(TaskParams params, TaskContext context) throws Exception;
}
