package colmena.task.types;

import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.util.BitSet;
import java.util.List;

/** Counts the primes up to n with a sieve of Eratosthenes. */
public final class Primes implements TaskType {
    @Override
    public String name() {
        return "primes";
    }

    @Override
    public String summary() {
        return "count the primes ≤ n";
    }

    @Override
    public List<Param> params() {
        return List.of(new Param("n", 2, 100_000_000, 100_000, "count primes up to this number"));
    }

    @Override
    public String run(TaskParams params, TaskContext context) throws Exception {
        return Long.toString(count((int) params.get("n"), context));
    }

    public static int count(int n, TaskContext context) throws Exception {
        BitSet composite = new BitSet(n + 1);
        int count = 0;
        for (int i = 2; i <= n; i++) {
            if (composite.get(i)) {
                continue;
            }
            count++;
            if ((long) i * i <= n) {
                for (int j = i * i; j <= n; j += i) {
                    composite.set(j);
                }
                if (context != null) {
                    context.checkpoint();
                    // The sieve's work is mostly done by √n; its share of the primes below √n tells how far.
                    context.progress((int) Math.min(99, (long) i * i * 100 / n), null);
                }
            }
        }
        return count;
    }
}
