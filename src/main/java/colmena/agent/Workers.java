package colmena.agent;

import colmena.agent.HeldTasks.Held;
import colmena.broker.RedisClock;
import colmena.log.Glyphs;
import colmena.log.ThrottledLog;
import colmena.task.BlobSource;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The worker pool: runs held tasks one per worker ({@link TaskRunner}) and gives each result to the
 * {@link ResultSender}. Held tasks waiting for a worker can be taken out again (cancelled, or handed
 * back while long tasks hold every worker). Sizes the prefetch from how long tasks take.
 */
final class Workers {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
    static final long PREFETCH_TARGET_MS = 20;
    static final int PREFETCH_MAX = 500;

    private final String nodeId;
    private final int workers;
    private final long taskTimeoutMs;
    private final BlobSource blobs;
    private final RedisClock clock;
    private final ResultSender sender;
    private final ThreadPoolExecutor pool;
    private final ThrottledLog taskLines;
    private volatile boolean running = true;
    /** Smoothed task duration in ms; sizes the prefetch. Negative until a task has finished. */
    private volatile double averageMs = -1;

    Workers(String nodeId, int workers, long taskTimeoutMs, BlobSource blobs, RedisClock clock, ResultSender sender) {
        this.nodeId = nodeId;
        this.workers = workers;
        this.taskTimeoutMs = taskTimeoutMs;
        this.blobs = blobs;
        this.clock = clock;
        this.sender = sender;
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Threads.named("colmena-task", false));
        this.taskLines = new ThrottledLog(LOG, 20, "task lines");
    }

    int count() {
        return workers;
    }

    /**
     * How many tasks to hold at once: the workers, plus a prefetch sized by how short tasks are,
     * for the workers no long-running task holds.
     */
    int capacity(int longRunning) {
        double avg = averageMs;
        int turning = workers - longRunning;
        if (avg < 0 || turning <= 0) {
            return workers;
        }
        long extra = Math.round(turning * PREFETCH_TARGET_MS / Math.max(0.01, avg));
        return workers + (int) Math.min(PREFETCH_MAX, Math.max(0, extra));
    }

    /** Queues a held task for a worker; while stopping, it is left held (and handed back). */
    void start(Held h) {
        if (!running) {
            return;
        }
        try {
            pool.execute(new Run(h));
        } catch (RejectedExecutionException e) {
            // The pool is shutting down; the task stays held and is handed back.
        }
    }

    /** Takes a held task out of the queue for a worker; false when it has started (or was never queued). */
    boolean unqueue(Held h) {
        return !h.started() && pool.getQueue().removeIf(r -> ((Run) r).held == h);
    }

    /** Whether held tasks wait for a worker. */
    boolean anyWaiting() {
        return !pool.getQueue().isEmpty();
    }

    /** Takes every held task waiting for a worker out of the queue. */
    List<Held> unqueueAll() {
        List<Runnable> waiting = new ArrayList<>();
        pool.getQueue().drainTo(waiting);
        List<Held> out = new ArrayList<>(waiting.size());
        for (Runnable r : waiting) {
            out.add(((Run) r).held);
        }
        return out;
    }

    /** Starts no more tasks: what waits for a worker, or is queued later, stays held. */
    void refuse() {
        running = false;
    }

    /**
     * Lets running tasks finish within {@code grace}, then interrupts them; what waited for a
     * worker stays held.
     */
    void stop(Duration grace) throws InterruptedException {
        running = false;
        pool.getQueue().clear();
        pool.shutdown();
        if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("Tasks still running after {} ms; stopping them and handing them back", grace.toMillis());
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A held task's turn on the worker pool. */
    private final class Run implements Runnable {
        final Held held;

        Run(Held held) {
            this.held = held;
        }

        @Override
        public void run() {
            runOne(held);
        }
    }

    private void runOne(Held h) {
        if (!running) {
            return;
        }
        TaskResult result = execute(h);
        if (result == null) {
            return;
        }
        double ms = (System.nanoTime() - h.startedNanos) / 1e6;
        double avg = averageMs;
        averageMs = avg < 0 ? ms : avg * 0.9 + ms * 0.1;
        if (deliver(h, result)) {
            logResult(h, result);
        }
    }

    /**
     * Runs the task on this thread, where a cancel can interrupt it: its result, CANCELLED if it was
     * cancelled and gave none, or null when it was interrupted otherwise (the agent is stopping).
     */
    private TaskResult execute(Held h) {
        h.startedAtMs = clock.now();
        h.startedNanos = System.nanoTime();
        synchronized (h) {
            h.thread = Thread.currentThread();
        }
        TaskResult result;
        try {
            result = TaskRunner.run(h.task, nodeId, taskTimeoutMs, blobs, clock::now, h.progress);
        } catch (InterruptedException e) {
            result = null;
        } finally {
            synchronized (h) {
                h.thread = null;
            }
        }
        if (h.cancelled != null) {
            Thread.interrupted(); // a cancel that came as the task ended leaves no mark on the next one
            if (result == null) {
                long now = clock.now();
                result = TaskResult.cancelled(h.task, nodeId, h.cancelled, h.startedAtMs, now,
                        (System.nanoTime() - h.startedNanos) / 1_000_000L);
            }
        }
        return result;
    }

    /** Sends the result, the task marked finished meanwhile; false (and not finished) when interrupted first. */
    private boolean deliver(Held h, TaskResult result) {
        String raw;
        synchronized (h) {
            raw = h.raw;
            h.finished = true;
        }
        try {
            sender.send(raw, result);
        } catch (InterruptedException e) {
            synchronized (h) {
                h.finished = false;
            }
            return false;
        }
        return true;
    }

    /** Answers a held task that never started CANCELLED; false when interrupted first. */
    boolean cancelWaiting(Held h) {
        long now = clock.now();
        h.finished = true;
        try {
            sender.send(h.raw, TaskResult.cancelled(h.task, nodeId, "cancelled before it started on " + nodeId, now, now, 0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        taskLines.info("{} task {}{} {} cancelled before it started", Glyphs.cross(), Glyphs.ellipsis(),
                h.task.shortId(), h.task.describe());
        return true;
    }

    private void logResult(Held h, TaskResult result) {
        // The line's parts are made only when it is printed: at full speed most are skipped.
        if (!taskLines.take()) {
            return;
        }
        if (result.status() == TaskStatus.DONE) {
            LOG.info("{} task {}{} {} on {} in {} ms {} {}", Glyphs.check(), Glyphs.ellipsis(), h.task.shortId(),
                    h.task.describe(), nodeId, result.durationMs(), Glyphs.arrow(), shown(result.result()));
        } else {
            LOG.info("{} task {}{} {} on {} {}: {}", Glyphs.cross(), Glyphs.ellipsis(), h.task.shortId(),
                    h.task.describe(), nodeId, result.status() == TaskStatus.CANCELLED ? "cancelled" : "failed",
                    result.error());
        }
    }

    /** A result as a console line shows it: a long one (a tile's candidate windows) cut short. */
    private static String shown(String result) {
        return result == null || result.length() <= 120 ? result : result.substring(0, 119) + "…";
    }
}
