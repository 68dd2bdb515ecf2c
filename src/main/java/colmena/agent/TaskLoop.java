package colmena.agent;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.RedisClock;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.metrics.NodeStats;
import colmena.support.Glyphs;
import colmena.support.Outage;
import colmena.support.ThrottledLog;
import colmena.support.Threads;
import colmena.task.BlobSource;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Takes tasks from {@code node:<id>:tasks} into {@code node:<id>:inflight} and runs them on the
 * worker pool. It takes only what it can start soon: one task per free worker, plus, for tasks
 * that finish in a few milliseconds, enough to keep the workers busy for {@link #PREFETCH_TARGET_MS},
 * so one Redis round trip carries many short tasks while long ones stay queued where the
 * coordinator can still move them. Workers held by long-running tasks count for no prefetch, and
 * when every worker is held so, tasks taken ahead and not started go back to the node's queue,
 * where the coordinator can move them to a node with a free worker.
 */
final class TaskLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);
    static final long PREFETCH_TARGET_MS = 20;
    static final int PREFETCH_MAX = 500;
    /** A task running longer than this is reported RUNNING; shorter ones go straight to DONE. */
    static final long RUNNING_NOTICE_MS = 250;
    /** The blocking take returns this often when idle, so the loop notices a stop. */
    private static final Duration TAKE_WAIT = Duration.ofMillis(500);

    private final String nodeId;
    private final BlobSource blobs;
    private final RedisClock clock;
    private final int workers;
    private final long taskTimeoutMs;
    private final TaskQueue queue;
    private final Outage redisOutage;
    private final ResultSender sender;
    private final ThreadPoolExecutor pool;
    private final ThrottledLog taskLines;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Object slotFreed = new Object();
    private volatile boolean running = true;
    /** Smoothed task duration in ms; sizes the prefetch. Negative until a task has finished. */
    private volatile double averageMs = -1;

    /**
     * A task this agent holds, from the moment it is taken until its result is in Redis: its text
     * in the in-flight list and when it started, if it has.
     */
    private static final class Held {
        volatile String raw;
        final TaskMessage task;
        volatile long startedNanos;
        volatile long startedAtMs;
        volatile boolean noticed;
        volatile boolean stopped;
        final colmena.task.TaskContext.Progress progress = new colmena.task.TaskContext.Progress();
        /** The worker running it, while it runs (guarded by the Held's lock). */
        Thread thread;
        /** Set when it was cancelled while running: it ends CANCELLED, saying this. */
        volatile String cancelled;
        /** Its result is with the sender: it is not handed back, the result goes instead. */
        volatile boolean finished;

        Held(String raw, TaskMessage task) {
            this.raw = raw;
            this.task = task;
        }
    }

    TaskLoop(String nodeId, int workers, long taskTimeoutMs, TaskQueue queue, Outage redisOutage, BlobSource blobs,
             RedisClock clock) {
        this.nodeId = nodeId;
        this.blobs = blobs;
        this.clock = clock;
        this.workers = workers;
        this.taskTimeoutMs = taskTimeoutMs;
        this.queue = queue;
        this.redisOutage = redisOutage;
        this.sender = new ResultSender(nodeId, queue, redisOutage, this::runningNotices, this::onSent);
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Threads.named("colmena-task", false));
        this.taskLines = new ThrottledLog(LOG, 20, "task lines");
    }

    ResultSender sender() {
        return sender;
    }

    /**
     * How many tasks to hold at once: the workers, plus a prefetch sized by how short tasks are,
     * for the workers no long-running task holds.
     */
    int capacity() {
        double avg = averageMs;
        int turning = workers - longRunning();
        if (avg < 0 || turning <= 0) {
            return workers;
        }
        long extra = Math.round(turning * PREFETCH_TARGET_MS / Math.max(0.01, avg));
        return workers + (int) Math.min(PREFETCH_MAX, Math.max(0, extra));
    }

    /**
     * The progress running tasks have reported, {@code taskId -> {"percent": n, "text": "..."}} as
     * JSON, for the heartbeat to write; tasks that reported none are left out.
     */
    java.util.Map<String, String> progress() {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (Held h : held.values()) {
            int percent = h.progress.percent();
            if (percent >= 0 && h.startedNanos != 0 && !h.finished) {
                java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
                p.put("percent", percent);
                p.put("text", h.progress.text());
                out.put(h.task.id(), Json.write(p));
            }
        }
        return out;
    }

    /** Workers held by a task that has run {@link NodeStats#LONG_RUNNING_MS} or more. */
    int longRunning() {
        long now = System.nanoTime();
        int n = 0;
        for (Held h : held.values()) {
            long started = h.startedNanos;
            if (started != 0 && !h.finished && now - started >= NodeStats.LONG_RUNNING_MS * 1_000_000L) {
                n++;
            }
        }
        return n;
    }

    int held() {
        return held.size();
    }

    /** In-flight entries that no held task accounts for are looked for this often, and after a failed take. */
    static final long SWEEP_EVERY_MS = 10_000;
    private volatile Thread takeThread;
    private boolean sweepDue;
    private long lastSweepMs = System.currentTimeMillis();

    /** Cancel signals for this node are looked for this often. */
    static final long CANCEL_CHECK_MS = 250;
    private long cancelCheckedNanos;

    @Override
    public void run() {
        takeThread = Thread.currentThread();
        while (running) {
            if (sweepDue || System.currentTimeMillis() - lastSweepMs > SWEEP_EVERY_MS) {
                sweep();
            }
            if (System.nanoTime() - cancelCheckedNanos > CANCEL_CHECK_MS * 1_000_000L) {
                cancelCheckedNanos = System.nanoTime();
                checkCancels();
            }
            step();
        }
    }

    /**
     * Carries out the coordinator's cancel signals for tasks this agent holds: one not started
     * leaves the worker pool's queue and is answered CANCELLED at once; a running one is
     * interrupted, stops at its next checkpoint and is answered CANCELLED by its worker.
     */
    void checkCancels() {
        java.util.Set<String> ids;
        try {
            ids = queue.cancelSignals(nodeId);
        } catch (RuntimeException e) {
            redisOutage.failed(e);
            return;
        }
        if (ids.isEmpty()) {
            return;
        }
        String why = "cancelled: stopped on " + nodeId + " at " + Agent.clock();
        for (String id : ids) {
            Held h = held.get(id);
            if (h == null || h.finished) {
                continue;
            }
            if (h.startedNanos == 0 && pool.getQueue().removeIf(r -> ((Run) r).held == h)) {
                long now = clock.now();
                h.finished = true;
                try {
                    sender.send(h.raw, TaskResult.cancelled(h.task, nodeId, "cancelled before it started on " + nodeId, now, now, 0));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                taskLines.info("{} task {}{} {} cancelled before it started", Glyphs.cross(), Glyphs.ellipsis(),
                        h.task.shortId(), h.task.describe());
                continue;
            }
            synchronized (h) {
                if (h.thread != null) {
                    h.cancelled = why;
                    h.thread.interrupt();
                }
            }
        }
        try {
            queue.clearCancelSignals(nodeId, ids);
        } catch (RuntimeException e) {
            redisOutage.failed(e); // looked at again next time: acting twice on one signal does nothing more
        }
    }

    /**
     * Adopts what sits in this node's in-flight list but is held by nobody here: tasks a take moved
     * there whose answer never arrived (the connection broke after the script ran).
     */
    void sweep() {
        try {
            // Ids held before the list is read: a task held then and finished since has left the list.
            java.util.Set<String> heldBefore = new java.util.HashSet<>(held.keySet());
            List<String> inflight = queue.pending(RedisKeys.nodeInflight(nodeId));
            int adopted = 0;
            for (String raw : inflight) {
                TaskMessage task;
                try {
                    task = Json.readTask(raw);
                } catch (MalformedMessageException e) {
                    deadLetter(raw, e.getMessage());
                    continue;
                }
                if (!heldBefore.contains(task.id()) && !held.containsKey(task.id())) {
                    start(raw, task);
                    adopted++;
                }
            }
            if (adopted > 0) {
                LOG.info("{} tasks found in {} that this agent had not received; running them now", adopted,
                        RedisKeys.nodeInflight(nodeId));
            }
            sweepDue = false;
            lastSweepMs = System.currentTimeMillis();
        } catch (RuntimeException e) {
            redisOutage.failed(e);
        }
    }

    /** Called once a batch of results is in Redis: those tasks have left the in-flight list. */
    private void onSent(List<TaskQueue.Finished> sent) {
        for (TaskQueue.Finished f : sent) {
            if (f.rawTask() != null) {
                Held h = held.get(f.taskId());
                if (h != null && h.finished) {
                    held.remove(f.taskId(), h);
                }
            }
        }
        synchronized (slotFreed) {
            slotFreed.notifyAll();
        }
    }

    /** Takes what there is room for and starts it; returns how many tasks were taken. */
    int step() {
        int free = capacity() - held.size();
        if (free <= 0) {
            handBackWhileHeld();
            synchronized (slotFreed) {
                try {
                    // Looked at again under the lock a freed slot is announced with, so no wake-up is missed.
                    if (capacity() - held.size() <= 0) {
                        slotFreed.wait(100);
                    }
                } catch (InterruptedException e) {
                    running = false;
                }
            }
            return 0;
        }
        List<String> taken;
        try {
            taken = queue.take(nodeId, free, TAKE_WAIT);
            redisOutage.ok();
        } catch (RuntimeException e) {
            // The take may have moved tasks into the in-flight list even though no answer came.
            sweepDue = true;
            redisOutage.failed(e);
            return 0;
        }
        for (String raw : taken) {
            TaskMessage task;
            try {
                task = Json.readTask(raw);
            } catch (MalformedMessageException e) {
                LOG.warn("Unreadable task on {} moved to {}: {} — {}", RedisKeys.nodeTasks(nodeId),
                        RedisKeys.deadLetter(), e.getMessage(), abbreviate(raw));
                deadLetter(raw, e.getMessage());
                continue;
            }
            Held already = held.get(task.id());
            String old = null;
            if (already != null) {
                synchronized (already) {
                    if (!already.finished) {
                        // The task came back to this node (taken away while this agent was slow, then
                        // placed here again) while the first copy still runs: one run, and it answers
                        // for the copy now in the in-flight list.
                        old = already.raw;
                        already.raw = raw;
                    }
                }
            }
            if (old != null) {
                try {
                    queue.moveFromAnywhere(RedisKeys.nodeInflight(nodeId), List.of(colmena.broker.Move.drop(old)));
                } catch (RuntimeException e) {
                    sweepDue = true;
                    redisOutage.failed(e);
                }
                continue;
            }
            start(raw, task);
        }
        return taken.size();
    }

    /**
     * When every worker is held by a long-running task, gives the tasks taken ahead and not started
     * back to the head of this node's queue, unchanged (no attempt spent): there the coordinator
     * can move them to a node with a free worker instead of their waiting here behind long ones.
     */
    private void handBackWhileHeld() {
        if (pool.getQueue().isEmpty() || longRunning() < workers) {
            return;
        }
        List<Runnable> waiting = new ArrayList<>();
        pool.getQueue().drainTo(waiting);
        List<Held> back = new ArrayList<>();
        for (Runnable r : waiting) {
            back.add(((Run) r).held);
        }
        if (back.isEmpty()) {
            return;
        }
        List<TaskQueue.Returned> returned = new ArrayList<>(back.size());
        for (Held h : back) {
            returned.add(new TaskQueue.Returned(h.raw, h.raw));
        }
        try {
            int n = queue.handBack(nodeId, returned);
            for (Held h : back) {
                held.remove(h.task.id(), h);
            }
            LOG.info("Every worker is held by a long task: {} tasks taken ahead go back to {} to be moved to a free node",
                    n, RedisKeys.nodeTasks(nodeId));
        } catch (RuntimeException e) {
            redisOutage.failed(e);
            for (Held h : back) {
                pool.execute(new Run(h)); // they stay here, and run when a worker frees
            }
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

    private void start(String raw, TaskMessage task) {
        Held h = new Held(raw, task);
        held.put(task.id(), h);
        if (!running) {
            return; // stopping: it stays held, and is handed back
        }
        try {
            pool.execute(new Run(h));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The pool is shutting down; the task stays held and is handed back.
        }
    }

    private void deadLetter(String raw, String reason) {
        try {
            queue.deadLetter(RedisKeys.nodeInflight(nodeId), RedisKeys.nodeTasks(nodeId), raw, reason);
        } catch (RuntimeException e) {
            // It stays in the in-flight list, where the coordinator will find it again.
            redisOutage.failed(e);
        }
    }

    private void runOne(Held h) {
        if (!running) {
            h.stopped = true;
            return;
        }
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
        if (result == null) {
            h.stopped = true;
            return;
        }
        double ms = (System.nanoTime() - h.startedNanos) / 1e6;
        double avg = averageMs;
        averageMs = avg < 0 ? ms : avg * 0.9 + ms * 0.1;
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
            h.stopped = true;
            return;
        }
        if (result.status() == TaskStatus.DONE) {
            taskLines.info("{} task {}{} {} on {} in {} ms {} {}", Glyphs.check(), Glyphs.ellipsis(), h.task.shortId(),
                    h.task.describe(), nodeId, result.durationMs(), Glyphs.arrow(), shown(result.result()));
        } else {
            taskLines.info("{} task {}{} {} on {} {}: {}", Glyphs.cross(), Glyphs.ellipsis(), h.task.shortId(),
                    h.task.describe(), nodeId, result.status() == TaskStatus.CANCELLED ? "cancelled" : "failed",
                    result.error());
        }
    }

    /** A result as a console line shows it: a long one (a tile's candidate windows) cut short. */
    private static String shown(String result) {
        return result == null || result.length() <= 120 ? result : result.substring(0, 119) + "…";
    }

    /** RUNNING notices for tasks that have been at it a while and were not yet reported. */
    private List<TaskQueue.Finished> runningNotices() {
        List<TaskQueue.Finished> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Held h : held.values()) {
            if (!h.noticed && !h.finished && h.startedNanos != 0 && now - h.startedNanos > RUNNING_NOTICE_MS * 1_000_000L) {
                h.noticed = true;
                out.add(new TaskQueue.Finished(h.task.id(), null, Json.write(TaskResult.running(h.task, nodeId, h.startedAtMs))));
            }
        }
        return out;
    }

    /**
     * A task this agent holds and will not finish, for handing back.
     *
     * @param raw         its text in the in-flight list
     * @param task        what that text says
     * @param interrupted whether it had started (and was stopped when the grace period ended)
     */
    record Unfinished(String raw, TaskMessage task, boolean interrupted) {
    }

    /**
     * Stops taking tasks, lets running ones finish within {@code grace}, and returns every task it
     * still holds (not started, or stopped), for handing back.
     */
    List<Unfinished> stop(Duration grace) throws InterruptedException {
        running = false;
        Thread taker = takeThread;
        if (taker != null) {
            taker.join(2_000); // its take returns within TAKE_WAIT; what it took is then held
        }
        List<Runnable> notStarted = new ArrayList<>();
        pool.getQueue().drainTo(notStarted);
        pool.shutdown();
        if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("Tasks still running after {} ms; stopping them and handing them back", grace.toMillis());
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
        List<Unfinished> back = new ArrayList<>();
        for (Held h : held.values()) {
            if (!h.finished) {
                back.add(new Unfinished(h.raw, h.task, h.startedNanos != 0));
            }
        }
        return back;
    }

    static String abbreviate(String raw) {
        String oneLine = raw.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
