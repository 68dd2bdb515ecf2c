package colmena.task.types;

import colmena.task.HeapBudget;
import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.util.Arrays;
import java.util.List;

/**
 * Multiplies two n×n matrices whose entries follow from the seed, and answers with the sum of
 * the product's entries (a checksum anyone can recompute).
 */
public final class MatrixMultiply implements TaskType {
    @Override
    public String name() {
        return "matrix-multiply";
    }

    @Override
    public String summary() {
        return "multiply two n×n matrices; answer the sum of the product";
    }

    @Override
    public List<Param> params() {
        return List.of(
                new Param("n", 1, 1_500, 200, "matrix size"),
                new Param("seed", 0, 1_000_000, 1, "fills the matrices"));
    }

    @Override
    public String run(TaskParams params, TaskContext context) throws Exception {
        int n = (int) params.get("n");
        // Checked against this agent's heap before allocating, so a large n is a clear refusal, not an OutOfMemoryError.
        try (var room = HeapBudget.reserve("matrix-multiply n=" + n, "n", bytesNeeded(n), ROOM_WAIT_MS)) {
            return Long.toString(checksum(n, params.get("seed"), context));
        }
    }

    /** How long a task waits for tasks running beside it to give heap back. */
    static final long ROOM_WAIT_MS = 30_000;

    /** The heap the two n×n matrices and the row need (array headers included). */
    static long bytesNeeded(int n) {
        return 2L * n * (8L * n + 16) + 8L * n + 16;
    }

    static long a(int i, int j, long seed) {
        return (i * 31L + j * 17L + seed) % 10;
    }

    static long b(int i, int j, long seed) {
        return (i * 7L + j * 13L + seed * 3) % 10;
    }

    public static long checksum(int n, long seed, TaskContext context) throws Exception {
        long[][] left = new long[n][n];
        long[][] right = new long[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                left[i][j] = a(i, j, seed);
                right[i][j] = b(i, j, seed);
            }
        }
        long sum = 0;
        long[] row = new long[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(row, 0);
            for (int k = 0; k < n; k++) {
                long aik = left[i][k];
                long[] rk = right[k];
                for (int j = 0; j < n; j++) {
                    row[j] += aik * rk[j];
                }
            }
            for (int j = 0; j < n; j++) {
                sum += row[j];
            }
            if (context != null) {
                context.checkpoint();
                context.progress((int) ((i + 1) * 100L / n), "row " + (i + 1) + " of " + n);
            }
        }
        return sum;
    }
}
