package colmena.task.types;

import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.util.List;
import java.util.concurrent.TimeoutException;

/** Waits ms milliseconds without using the CPU and answers with ms; for demos, tests and benchmarks. */
public final class Sleep implements TaskType {
    @Override
    public String name() {
        return "sleep";
    }

    @Override
    public String summary() {
        return "wait ms milliseconds (no CPU)";
    }

    @Override
    public List<Param> params() {
        return List.of(new Param("ms", 0, 3_600_000, 100, "milliseconds to wait"));
    }

    @Override
    public String run(TaskParams params, TaskContext context) throws Exception {
        long ms = params.get("ms");
        if (ms > 0) {
            if (ms > context.remainingMs()) {
                Thread.sleep(context.remainingMs());
                throw new TimeoutException("ran past its timeout of " + context.timeoutMs() + " ms");
            }
            // In steps, saying how far it has got; one sleep when short.
            long step = Math.max(100, ms / 100);
            for (long slept = 0; slept < ms; slept += step) {
                Thread.sleep(Math.min(step, ms - slept));
                context.progress((int) (Math.min(ms, slept + step) * 100 / ms), null);
            }
        }
        return Long.toString(ms);
    }
}
