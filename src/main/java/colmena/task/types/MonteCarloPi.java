package colmena.task.types;

import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Estimates π from random points in the unit square; the seed makes a run repeatable. */
public final class MonteCarloPi implements TaskType {
    @Override
    public String name() {
        return "montecarlo-pi";
    }

    @Override
    public String summary() {
        return "estimate π from random samples";
    }

    @Override
    public List<Param> params() {
        return List.of(
                new Param("samples", 1, 1_000_000_000, 1_000_000, "random points to throw"),
                new Param("seed", 0, Long.MAX_VALUE, 42, "random seed; the same seed gives the same estimate"));
    }

    @Override
    public String run(TaskParams params, TaskContext context) throws Exception {
        return String.format(Locale.ROOT, "%.6f", estimate(params.get("samples"), params.get("seed"), context));
    }

    public static double estimate(long samples, long seed, TaskContext context) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        long inside = 0;
        for (long i = 0; i < samples; i++) {
            double x = random.nextDouble();
            double y = random.nextDouble();
            if (x * x + y * y <= 1.0) {
                inside++;
            }
            if ((i & 0xFFFFF) == 0 && context != null) {
                context.checkpoint();
                context.progress((int) (i * 100 / samples), null);
            }
        }
        return 4.0 * inside / samples;
    }
}
