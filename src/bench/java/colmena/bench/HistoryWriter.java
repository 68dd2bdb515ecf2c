package colmena.bench;

import colmena.config.Flags;
import colmena.config.Option;
import colmena.store.Database;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskIds;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.threads.Threads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes to TaskHistory as a coordinator under a burst of submissions does, at a steady rate:
 * each tenth of a second a batch of tasks recorded PENDING on a node and, in a second
 * transaction, the batch before it stored DONE. For measuring reads while the store is written.
 */
final class HistoryWriter implements Runnable {
    private static final long TICK_MS = 100;
    static final List<Option> OPTIONS = List.of(
            Option.value("db", null, null, "JDBC-URL", "the database to write to (bench api passes its own)"),
            Option.value("rate", null, "1000", "N", "tasks a second"));
    /** The line a writer process prints once it writes (it serves an H2 file from then on). */
    static final String STARTED = "Writing TaskHistory";
    /** The line it prints when stopped, before the count. */
    static final String WROTE = "Wrote tasks stored DONE: ";

    /**
     * {@code bench history-writer}: writes as {@link HistoryWriter} does, in a process of its own
     * (as the coordinator writes beside the API), until stopped (SIGTERM), then prints how many.
     */
    static int run(Flags flags) throws Exception {
        Database db = Database.open(flags.required("db"), null, null);
        HistoryWriter writer = new HistoryWriter(db, flags.integer("rate", 1, 1_000_000));
        Thread writing = Threads.start("bench-writer", writer);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            writer.stop();
            try {
                writing.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println(WROTE + writer.written() + (writer.failure() == null ? "" : " (failed: " + writer.failure() + ")"));
            System.out.flush();
        }));
        System.out.println(STARTED + " at " + flags.integer("rate", 1, 1_000_000) + " tasks/s to " + db.describe());
        System.out.flush();
        writing.join();
        return writer.failure() == null ? 0 : 1;
    }

    private final Database db;
    private final int perSecond;
    private final TaskHistoryStore store = new TaskHistoryStore();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean running = true;
    private volatile Exception failure;

    HistoryWriter(Database db, int perSecond) {
        this.db = db;
        this.perSecond = perSecond;
    }

    @Override
    public void run() {
        int perTick = Math.max(1, (int) (perSecond * TICK_MS / 1_000));
        List<TaskMessage> previous = List.of();
        long next = System.nanoTime();
        try (DbSession session = new DbSession(db)) {
            while (running) {
                long now = System.currentTimeMillis();
                List<TaskMessage> batch = new ArrayList<>(perTick);
                for (int i = 0; i < perTick; i++) {
                    String node = "nodo00" + (1 + i % 9);
                    batch.add(TaskMessage.submit(TaskIds.next(), "sleep", Map.of("ms", 0), now, null)
                            .placedOn(node, node + ": 3 queued, 1 running, 4 cores, cpu 50%"));
                }
                List<TaskResult> results = previous.stream()
                        .map(t -> TaskResult.done(t, t.node(), "0", now, now, 0)).toList();
                session.inTransaction(c -> {
                    store.recordPlaced(c, batch);
                    return null;
                });
                session.inTransaction(c -> {
                    store.recordResults(c, results);
                    return null;
                });
                written.addAndGet(results.size());
                previous = batch;
                next += TICK_MS * 1_000_000L;
                long sleepMs = (next - System.nanoTime()) / 1_000_000L;
                if (sleepMs > 0) {
                    Thread.sleep(sleepMs);
                } else {
                    next = System.nanoTime(); // behind: write on, and say so in the figures
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Once stopped, or once the JVM is exiting, H2's own shutdown hook may have closed the
            // database under the last batch (the hooks run at once, in no order): not a failure.
            if (running && !exiting()) {
                failure = e;
            }
        }
    }

    /** Whether this JVM has begun to exit (it then takes no more shutdown hooks). */
    private static boolean exiting() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    void stop() {
        running = false;
    }

    /** Tasks stored DONE so far. */
    long written() {
        return written.get();
    }

    /** What stopped the writer, or null. */
    Exception failure() {
        return failure;
    }
}
