package colmena.task;

/**
 * The part of this process's heap ({@code -Xmx}, {@link Runtime#maxMemory()}) that tasks may hold
 * in large arrays at once. A task asks before it allocates: one that could never fit is refused
 * with a message saying what it needs and what this agent has, instead of an OutOfMemoryError that
 * could also hit the agent's own threads; one that fits once others finish waits for them.
 */
public final class HeapBudget {
    /** The share of the heap tasks may hold; the rest is for the agent itself and the garbage collector's room. */
    static final double TASK_SHARE = 0.6;
    private static final long MB = 1024 * 1024;
    private static long reservedBytes;

    private HeapBudget() {
    }

    /** Bytes tasks may hold at once in this process. */
    public static long limitBytes() {
        return (long) (Runtime.getRuntime().maxMemory() * TASK_SHARE);
    }

    /**
     * Reserves {@code bytes} until the returned reservation is closed, waiting up to
     * {@code waitMs} for running tasks to give room back.
     *
     * @throws InvalidTaskException when {@code bytes} can never fit, or no room came in time
     */
    public static Reservation reserve(String what, String field, long bytes, long waitMs)
            throws InvalidTaskException, InterruptedException {
        long limit = limitBytes();
        if (bytes > limit) {
            throw new InvalidTaskException(field, what + " needs " + mb(bytes) + " MB of memory; this agent lets tasks use "
                    + mb(limit) + " MB (its heap is " + mb(Runtime.getRuntime().maxMemory()) + " MB, -Xmx): "
                    + "choose a smaller " + field + ", or start the agent with a larger -Xmx");
        }
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        synchronized (HeapBudget.class) {
            while (reservedBytes + bytes > limit) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
                if (leftMs <= 0) {
                    throw new InvalidTaskException(field, what + " needs " + mb(bytes) + " MB of memory and the tasks running "
                            + "on this agent hold " + mb(reservedBytes) + " of its " + mb(limit) + " MB; try again later");
                }
                HeapBudget.class.wait(leftMs);
            }
            reservedBytes += bytes;
        }
        return new Reservation(bytes);
    }

    private static long mb(long bytes) {
        return (bytes + MB - 1) / MB;
    }

    /** Room held by one task; closing it gives the room back. */
    public static final class Reservation implements AutoCloseable {
        private long bytes;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            synchronized (HeapBudget.class) {
                reservedBytes -= bytes;
                bytes = 0;
                HeapBudget.class.notifyAll();
            }
        }
    }
}
