package colmena.agent;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.log.Outage;
import colmena.metrics.NodeStats;
import colmena.task.MessageWriter;
import colmena.task.TaskContext;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The tasks this agent holds, from the moment a take moves one into {@code node:<id>:inflight}
 * until its result is in Redis: what the loop, the workers, the result sender and the heartbeat
 * each see of them. A held task is in exactly one of three states: waiting for a worker, running,
 * or finished with its result at the sender.
 */
final class HeldTasks {
    /** A task running longer than this is reported RUNNING; shorter ones go straight to DONE. */
    static final long RUNNING_NOTICE_MS = 250;

    /** One held task: its text in the in-flight list and when it started, if it has. */
    static final class Held {
        volatile String raw;
        final TaskMessage task;
        volatile long startedNanos;
        volatile long startedAtMs;
        volatile boolean noticed;
        final TaskContext.Progress progress = new TaskContext.Progress();
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

        boolean started() {
            return startedNanos != 0;
        }
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

    private final String nodeId;
    private final TaskQueue queue;
    private final Outage redisOutage;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Object slotFreed = new Object();

    HeldTasks(String nodeId, TaskQueue queue, Outage redisOutage) {
        this.nodeId = nodeId;
        this.queue = queue;
        this.redisOutage = redisOutage;
    }

    /** Holds a task just taken. */
    Held add(String raw, TaskMessage task) {
        Held h = new Held(raw, task);
        held.put(task.id(), h);
        return h;
    }

    Held get(String taskId) {
        return held.get(taskId);
    }

    int size() {
        return held.size();
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

    /**
     * The progress running tasks have reported, {@code taskId -> {"percent": n, "text": "..."}} as
     * JSON, for the heartbeat to write; tasks that reported none are left out.
     */
    Map<String, String> progress() {
        Map<String, String> out = new HashMap<>();
        for (Held h : held.values()) {
            int percent = h.progress.percent();
            if (percent >= 0 && h.started() && !h.finished) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("percent", percent);
                p.put("text", h.progress.text());
                out.put(h.task.id(), Json.write(p));
            }
        }
        return out;
    }

    /** RUNNING notices for tasks that have been at it a while and were not yet reported. */
    List<TaskQueue.Report> runningNotices() {
        List<TaskQueue.Report> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Held h : held.values()) {
            if (!h.noticed && !h.finished && h.started() && now - h.startedNanos > RUNNING_NOTICE_MS * 1_000_000L) {
                h.noticed = true;
                out.add(TaskQueue.Report.running(h.task.id(), MessageWriter.result(TaskResult.running(h.task, nodeId, h.startedAtMs)),
                        h.task.priorityOrDefault()));
            }
        }
        return out;
    }

    /** Told once a batch of reports is in Redis: the finished tasks among them have left the in-flight list. */
    void onSent(List<TaskQueue.Report> sent) {
        for (TaskQueue.Report r : sent) {
            if (r.isFinal()) {
                Held h = held.get(r.taskId());
                if (h != null && h.finished) {
                    held.remove(r.taskId(), h);
                }
            }
        }
        synchronized (slotFreed) {
            slotFreed.notifyAll();
        }
    }

    /** Waits up to {@code ms} for a sent result to free a slot, while {@code full} says there is none. */
    void awaitSlot(BooleanSupplier full, long ms) throws InterruptedException {
        synchronized (slotFreed) {
            // Looked at again under the lock a freed slot is announced with, so no wake-up is missed.
            if (full.getAsBoolean()) {
                slotFreed.wait(ms);
            }
        }
    }

    /**
     * Holds what sits in this node's in-flight list but is held by nobody here: tasks a take moved
     * there whose answer never arrived (the connection broke after the script ran). An unreadable
     * entry goes to the dead-letter list.
     *
     * @return the tasks now held, for the workers to run
     * @throws RuntimeException when Redis cannot be read
     */
    List<Held> adoptStrays() {
        // Ids held before the list is read: a task held then and finished since has left the list.
        Set<String> heldBefore = new HashSet<>(held.keySet());
        List<Held> adopted = new ArrayList<>();
        for (String raw : queue.pending(RedisKeys.nodeInflight(nodeId))) {
            TaskMessage task;
            try {
                task = TaskMessage.read(raw);
            } catch (MalformedMessageException e) {
                deadLetter(raw, e.getMessage());
                continue;
            }
            if (!heldBefore.contains(task.id()) && !held.containsKey(task.id())) {
                adopted.add(add(raw, task));
            }
        }
        return adopted;
    }

    /**
     * Gives tasks not started back to the head of this node's queue, unchanged (no attempt spent),
     * and holds them no more.
     *
     * @return how many went back
     * @throws RuntimeException when Redis cannot be reached; they are still held
     */
    int handBack(List<Held> back) {
        List<TaskQueue.Returned> returned = new ArrayList<>(back.size());
        for (Held h : back) {
            returned.add(new TaskQueue.Returned(h.raw, h.raw));
        }
        int n = queue.handBack(nodeId, returned);
        for (Held h : back) {
            held.remove(h.task.id(), h);
        }
        return n;
    }

    /** Every task held and not finished (after the workers stopped), for handing back. */
    List<Unfinished> unfinished() {
        List<Unfinished> back = new ArrayList<>();
        for (Held h : held.values()) {
            if (!h.finished) {
                back.add(new Unfinished(h.raw, h.task, h.started()));
            }
        }
        return back;
    }

    /** Moves an unusable in-flight entry to the dead-letter list (best effort). */
    void deadLetter(String raw, String reason) {
        try {
            queue.deadLetter(RedisKeys.nodeInflight(nodeId), RedisKeys.nodeTasks(nodeId), raw, reason);
        } catch (RuntimeException e) {
            // It stays in the in-flight list, where the coordinator will find it again.
            redisOutage.failed(e);
        }
    }

    /**
     * Drops the in-flight text of a copy of a task already held (the held one answers for the copy).
     *
     * @throws RuntimeException when Redis cannot be reached; the copy stays in the in-flight list
     */
    void dropCopy(String raw) {
        queue.dropInflight(nodeId, raw);
    }
}
