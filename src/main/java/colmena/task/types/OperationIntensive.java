package colmena.task.types;

import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.util.List;

/**
 * The paper's demo task: a number in, an intensive computation on it, a number out. It runs
 * {@code number × 10,000} steps of an integer mixing function seeded with the number and answers
 * with the last value modulo 100,000, so the work grows with the number and a number always gives
 * the same answer.
 */
public final class OperationIntensive implements TaskType {
    public static final long STEPS_PER_UNIT = 10_000;

    @Override
    public String name() {
        return "operation-intensive";
    }

    @Override
    public String summary() {
        return "the paper's demo: number × 10,000 mixing steps, answer modulo 100,000";
    }

    @Override
    public List<Param> params() {
        return List.of(new Param("number", 1, 100_000, 5_000, "the number to work on; work grows with it"));
    }

    @Override
    public String run(TaskParams params, TaskContext context) throws Exception {
        long number = params.get("number");
        return Long.toString(compute(number, context));
    }

    /** The computation itself, exposed so tests can check an answer. */
    public static long compute(long number, TaskContext context) throws Exception {
        long steps = number * STEPS_PER_UNIT;
        long x = number;
        for (long i = 0; i < steps; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
            if ((i & 0xFFFFF) == 0 && context != null) {
                context.checkpoint();
                context.progress((int) (i * 100 / steps), null);
            }
        }
        return Math.floorMod(x, 100_000L);
    }
}
