package colmena.agent;

import colmena.agent.HeldTasks.Held;
import colmena.broker.MalformedMessageException;
import colmena.broker.RedisClock;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.log.Outage;
import colmena.task.BlobSource;
import colmena.task.TaskMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes tasks from {@code node:<id>:tasks} into {@code node:<id>:inflight} ({@link HeldTasks}) and
 * hands them to the {@link Workers}. It takes only what it can start soon: one task per free
 * worker, plus, for tasks that finish in a few milliseconds, enough to keep the workers busy for
 * {@link Workers#PREFETCH_TARGET_MS}, so one Redis round trip carries many short tasks while long
 * ones stay queued where the coordinator can still move them. Workers held by long-running tasks
 * count for no prefetch, and when every worker is held so, tasks taken ahead and not started go
 * back to the node's queue, where the coordinator can move them to a node with a free worker.
 */
final class TaskLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);
    /** The blocking take returns this often when idle, so the loop notices a stop. */
    private static final Duration TAKE_WAIT = Duration.ofMillis(500);
    /** In-flight entries that no held task accounts for are looked for this often, and after a failed take. */
    static final long SWEEP_EVERY_MS = 10_000;
    /** Cancel signals for this node are looked for this often. */
    static final long CANCEL_CHECK_MS = 250;

    private final String nodeId;
    private final TaskQueue queue;
    private final Outage redisOutage;
    private final HeldTasks held;
    private final ResultSender sender;
    private final Workers workers;
    private volatile boolean running = true;
    private volatile Thread takeThread;
    private boolean sweepDue;
    private long lastSweepMs = System.currentTimeMillis();
    private long cancelCheckedNanos;

    TaskLoop(String nodeId, int workers, long taskTimeoutMs, TaskQueue queue, Outage redisOutage, BlobSource blobs,
             RedisClock clock) {
        this.nodeId = nodeId;
        this.queue = queue;
        this.redisOutage = redisOutage;
        this.held = new HeldTasks(nodeId, queue, redisOutage);
        this.sender = new ResultSender(nodeId, queue, redisOutage, held);
        this.workers = new Workers(nodeId, workers, taskTimeoutMs, blobs, clock, sender);
    }

    ResultSender sender() {
        return sender;
    }

    /** Workers held by a long-running task, for the heartbeat. */
    int longRunning() {
        return held.longRunning();
    }

    /** The progress running tasks have reported, for the heartbeat ({@link HeldTasks#progress}). */
    Map<String, String> progress() {
        return held.progress();
    }

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

    private int free() {
        return workers.capacity(held.longRunning()) - held.size();
    }

    /** Takes what there is room for and starts it; returns how many tasks were taken. */
    int step() {
        int free = free();
        if (free <= 0) {
            handBackWhileHeld();
            try {
                held.awaitSlot(() -> free() <= 0, 100);
            } catch (InterruptedException e) {
                running = false;
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
            accept(raw);
        }
        return taken.size();
    }

    /** Holds and starts one task just taken, unless it is unreadable or a copy of one held. */
    private void accept(String raw) {
        TaskMessage task;
        try {
            task = TaskMessage.read(raw);
        } catch (MalformedMessageException e) {
            LOG.warn("Unreadable task on {} moved to {}: {} — {}", RedisKeys.nodeTasks(nodeId),
                    RedisKeys.deadLetter(), e.getMessage(), abbreviate(raw));
            held.deadLetter(raw, e.getMessage());
            return;
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
        if (old == null) {
            workers.start(held.add(raw, task));
            return;
        }
        try {
            held.dropCopy(old);
        } catch (RuntimeException e) {
            sweepDue = true;
            redisOutage.failed(e);
        }
    }

    /**
     * Carries out the coordinator's cancel signals for tasks this agent holds: one not started
     * leaves the worker pool's queue and is answered CANCELLED at once; a running one is
     * interrupted, stops at its next checkpoint and is answered CANCELLED by its worker.
     */
    void checkCancels() {
        Set<String> ids;
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
            if (workers.unqueue(h)) {
                if (!workers.cancelWaiting(h)) {
                    return;
                }
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

    /** Runs what sits in this node's in-flight list but is held by nobody here ({@link HeldTasks#adoptStrays}). */
    void sweep() {
        try {
            List<Held> adopted = held.adoptStrays();
            for (Held h : adopted) {
                workers.start(h);
            }
            if (!adopted.isEmpty()) {
                LOG.info("{} tasks found in {} that this agent had not received; running them now", adopted.size(),
                        RedisKeys.nodeInflight(nodeId));
            }
            sweepDue = false;
            lastSweepMs = System.currentTimeMillis();
        } catch (RuntimeException e) {
            redisOutage.failed(e);
        }
    }

    /**
     * When every worker is held by a long-running task, gives the tasks taken ahead and not started
     * back to the head of this node's queue, unchanged (no attempt spent): there the coordinator
     * can move them to a node with a free worker instead of their waiting here behind long ones.
     */
    private void handBackWhileHeld() {
        if (!workers.anyWaiting() || held.longRunning() < workers.count()) {
            return;
        }
        List<Held> back = workers.unqueueAll();
        if (back.isEmpty()) {
            return;
        }
        try {
            int n = held.handBack(back);
            LOG.info("Every worker is held by a long task: {} tasks taken ahead go back to {} to be moved to a free node",
                    n, RedisKeys.nodeTasks(nodeId));
        } catch (RuntimeException e) {
            redisOutage.failed(e);
            for (Held h : back) {
                workers.start(h); // they stay here, and run when a worker frees
            }
        }
    }

    /**
     * Stops taking tasks, lets running ones finish within {@code grace}, and returns every task it
     * still holds (not started, or stopped), for handing back.
     */
    List<HeldTasks.Unfinished> stop(Duration grace) throws InterruptedException {
        running = false;
        workers.refuse();
        Thread taker = takeThread;
        if (taker != null) {
            taker.join(2_000); // its take returns within TAKE_WAIT; what it took is then held
        }
        workers.stop(grace);
        return held.unfinished();
    }

    static String abbreviate(String raw) {
        String oneLine = raw.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
