package colmena.broker;

import colmena.task.TaskIds;
import colmena.task.TaskMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Every move a task makes through Redis, and nothing else. A task is always in exactly one of
 * these lists, or stored in TaskHistory:
 *
 * <pre>
 *  tasks:submitted ─take─▶ tasks:placing ─move─▶ node:&lt;id&gt;:tasks ─take─▶ node:&lt;id&gt;:inflight
 *        ▲  (API, CLI)        (coordinator)          ▲  (coordinator)           │ (agent)
 *        │                                           │                          │ finish
 *        └──────────── reclaim (node lost) ──────────┴── hand back (agent stop) ▼
 *                                       results:storing ◀─take─ results:queue
 *                                         (coordinator; dropped after the database commit)
 * </pre>
 *
 * Every take is an atomic move into an in-flight list owned by the taker, and every removal from
 * an in-flight list happens in the same script that sends the message on, so a process that dies
 * at any point leaves each task somewhere visible. Messages larger than {@link #MAX_MESSAGE_BYTES}
 * go to the dead-letter list as they are taken.
 *
 * <p>This class is the facade every caller uses, and where each verb's contract is written; the
 * verbs live in groups by who uses them, sharing one {@link QueueScripts}: {@link Placing}
 * (submission and placement, retries), {@link NodeQueue} (an agent's queue and in-flight list),
 * {@link Replies} (results and replies), {@link Cancelling} and {@link DeadLetters}. It is longer
 * than our files usually are because it is that list of contracts, so every move a task can make
 * is read in one file.
 */
public final class TaskQueue {
    public static final int MAX_MESSAGE_BYTES = TaskMessage.MAX_MESSAGE_CHARS;
    public static final int DEAD_LETTER_MAX = 1_000;
    public static final int DEAD_LETTER_RAW_CHARS = 4_096;

    /**
     * Who a coordinator's moves are made for: they happen only while {@code holder} has the lease
     * and Redis still belongs to {@code installationId}, checked in the same script as the move.
     */
    public record Fence(String holder, String installationId) {
    }

    /** Thrown instead of moving when the fence no longer holds; nothing was changed. */
    public static final class FencedException extends RuntimeException {
        FencedException(String message) {
            super(message);
        }
    }

    private final QueueScripts scripts;
    private final Placing placing;
    private final NodeQueue nodeQueue;
    private final Replies replies;
    private final Cancelling cancelling;
    private final DeadLetters deadLetters;

    public TaskQueue(Redis redis) {
        this(new QueueScripts(redis, null, RedisKeys.deadLetter(), RedisKeys.resultsQueue()));
    }

    private TaskQueue(QueueScripts scripts) {
        this.scripts = scripts;
        this.placing = new Placing(scripts);
        this.nodeQueue = new NodeQueue(scripts);
        this.replies = new Replies(scripts);
        this.cancelling = new Cancelling(scripts);
        this.deadLetters = new DeadLetters(scripts);
    }

    /**
     * The queue of an agent that logs in with its own credential: it touches only its node's keys,
     * so its results go to {@code node:<id>:results} and its dead letters to
     * {@code node:<id>:deadletter}, for the coordinator to check and move on.
     */
    public static TaskQueue confined(Redis redis, String nodeId) {
        return new TaskQueue(new QueueScripts(redis, null, RedisKeys.nodeDeadLetter(nodeId), RedisKeys.nodeResults(nodeId)));
    }

    /** Whether this queue keeps to one node's keys ({@link #confined}). */
    public boolean isConfined() {
        return scripts.isConfined();
    }

    /**
     * The same queue, whose takes, moves and replies happen only while {@code fence} holds (see
     * {@link Fence}); otherwise they throw {@link FencedException} and change nothing.
     */
    public TaskQueue fencedBy(Supplier<Fence> fence) {
        return new TaskQueue(scripts.fencedBy(fence));
    }

    /** Now on Redis's clock, the one every time in TaskHistory is read on ({@link RedisClock}). */
    public long now() {
        return scripts.now();
    }

    /** The connection, for the broker's own classes; every other caller asks through a verb. */
    Redis redis() {
        return scripts.redis;
    }

    // ---- submitting ----------------------------------------------------------------------

    /**
     * What wakes a placer waiting on an empty {@code tasks:submitted} when a task arrives in the
     * list of another priority: put there only while that list is empty, and dropped when taken.
     */
    static final String WAKE_PLACER = "{\"wake\":\"placer\"}";

    /** How many messages list {@code key} holds, a wake-up ({@link #WAKE_PLACER}, at the head of tasks:submitted) not counted. */
    public static long messagesIn(Redis redis, String key) {
        return Placing.messagesIn(redis, List.of(key));
    }

    /**
     * Appends already-encoded tasks to the list of their priority ({@link RedisKeys#submitted(int)}:
     * {@code tasks:submitted} for the default), a thousand per round trip.
     */
    public void submit(List<String> encodedTasks) {
        placing.submit(encodedTasks);
    }

    /**
     * Makes {@code count} new tasks of one kind, each with a fresh id, and submits them.
     *
     * @param replyTo a {@code reply:<uuid>} list for the stored results, or null
     * @return their ids, in submission order
     */
    public List<String> submitNew(String type, Map<String, Object> params, int count, String replyTo) {
        return submitNew(type, params, count, replyTo, 0);
    }

    /** The same, each task asking for {@code retries} retries of a run that FAILED. */
    public List<String> submitNew(String type, Map<String, Object> params, int count, String replyTo,
                                  int retries) {
        return submitNew(type, params, count, replyTo, retries, TaskMessage.DEFAULT_PRIORITY);
    }

    /** The same, at a priority (0–9, higher placed and run first, above 5 stored first). */
    public List<String> submitNew(String type, Map<String, Object> params, int count, String replyTo,
                                  int retries, int priority) {
        List<TaskMessage> tasks = newTasks(type, params, count, replyTo, now());
        if (retries > 0 || priority != TaskMessage.DEFAULT_PRIORITY) {
            tasks = tasks.stream().map(t -> t.withRetries(retries).withPriority(priority)).toList();
        }
        submitTasks(tasks);
        return tasks.stream().map(TaskMessage::id).toList();
    }

    /**
     * {@code count} new tasks of one kind, each with a fresh id, not yet submitted.
     *
     * @param now when they are submitted, on Redis's clock ({@link RedisClock#now})
     */
    public static List<TaskMessage> newTasks(String type, Map<String, Object> params, int count,
                                                          String replyTo, long now) {
        List<TaskMessage> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tasks.add(TaskMessage.submit(TaskIds.next(), type, params, now, replyTo));
        }
        return tasks;
    }

    /** Submits tasks made by {@link #newTasks}. */
    public void submitTasks(List<TaskMessage> tasks) {
        List<String> encoded = new ArrayList<>(tasks.size());
        for (TaskMessage t : tasks) {
            encoded.add(Json.write(t));
        }
        submit(encoded);
    }

    // ---- the coordinator ------------------------------------------------------------------

    /** A {@code reply:<uuid>} list nobody reads is gone after this long. */
    public static final long REPLY_KEPT_SECONDS = 3_600;

    /**
     * Pushes each text to its {@code reply:<uuid>} list (a {@code submit --wait} reads it), in
     * one round trip; each list expires {@link #REPLY_KEPT_SECONDS} after its last push.
     *
     * @param replies texts by reply list, in the order they are to be read
     */
    public void reply(Map<String, List<String>> replies) {
        this.replies.reply(replies);
    }

    /**
     * Moves up to {@code max} submitted tasks into {@code tasks:placing}, the highest priority
     * first ({@link RedisKeys#submittedInOrder}), waiting up to {@code wait} when there are none. The caller must then {@link #moveFromHead} each one on (or leave
     * them for the next leader to find with {@link #pending(String)}).
     */
    public List<String> takeSubmitted(int max, Duration wait) {
        return placing.takeSubmitted(max, wait);
    }

    /**
     * Puts tasks to be tried again in {@code tasks:delayed}, each due at its time (epoch ms on
     * Redis's clock). The same text added twice is one entry: a collector that stores a failure
     * again after a crash schedules one retry, not two.
     */
    public void delay(List<TaskMessage> tasks, List<Long> dueMs) {
        placing.delay(tasks, dueMs);
    }

    /**
     * How long the mark of a scheduled retry ({@link RedisKeys#retryScheduled}) is kept while its
     * failure may be stored again: longer than a failure can wait in results:storing for a
     * coordinator to store it again (one that died on a Friday, started again after a school
     * holiday). Once the failure is dropped from there, {@link #keepRetryMarks} cuts it to
     * {@link #RETRY_MARK_AFTER_DROP_SECONDS}.
     */
    public static final long RETRY_MARK_SECONDS = 30L * 24 * 3_600;
    /**
     * How long the mark is kept once its failure has left results:storing: long enough for a copy
     * of the failure that an agent sends again (the reply to its first sending lost) to find it,
     * short enough that marks do not pile up in Redis's memory.
     */
    public static final long RETRY_MARK_AFTER_DROP_SECONDS = 3_600;

    /**
     * Puts retries in {@code tasks:delayed} as {@link #delay} does, and marks each one scheduled
     * ({@link RedisKeys#retryScheduled}, by task id and attempt, kept {@link #RETRY_MARK_SECONDS}),
     * but a retry made again from a failure stored a second time ({@code again}: the coordinator
     * that stored it first died before dropping it) only if it has no mark: if it has, it was
     * scheduled then, and may be placed, running or done by now; scheduling it again would run it
     * twice. Its contract: lua/delay_retries.lua.
     *
     * @return for each task, in order, whether it was put in tasks:delayed now
     */
    public boolean[] delayRetries(List<TaskMessage> tasks, List<Long> dueMs, java.util.function.Predicate<TaskMessage> again) {
        return placing.delayRetries(tasks, dueMs, again);
    }

    /** Keeps the marks of these retries ({@link #delayRetries}) only {@code seconds} more: their failures have been dropped. */
    public void keepRetryMarks(List<TaskMessage> retried, long seconds) {
        placing.keepRetryMarks(retried, seconds);
    }

    /** How many tasks wait in {@code tasks:submitted} and the lists of other priorities for a coordinator to take them. */
    public long waitingToBePlaced() {
        return placing.waitingToBePlaced();
    }

    /** Results waiting to be stored: not yet taken by a collector ({@code results:queue}), or taken and not yet dropped. */
    public long waitingToBeStored() {
        return scripts.redis.call(j -> j.llen(RedisKeys.resultsQueue()) + j.llen(RedisKeys.storing()));
    }

    /** Moves retries that are due to the list of their priority ({@code tasks:submitted} for the default); returns how many. */
    public int releaseDue(int max) {
        return placing.releaseDue(max);
    }

    // ---- cancelling ----------------------------------------------------------------------

    /**
     * Asks for tasks to be cancelled: the coordinator takes each out of wherever it waits, or has
     * its node stop it, and records it CANCELLED.
     *
     * @param requests {@code taskId -> who asked and when, as JSON}
     */
    public void requestCancel(Map<String, String> requests) {
        cancelling.requestCancel(requests);
    }

    /** Cancel requests not yet carried out, at most about {@code max}. */
    public Map<String, String> cancelRequests(int max) {
        return cancelling.cancelRequests(max);
    }

    /** Forgets cancel requests that are carried out, or moot (the task had finished). */
    public void forgetCancel(Collection<String> ids) {
        cancelling.forgetCancel(ids);
    }

    /**
     * Takes the tasks named out of {@code list} (a queue, or tasks:delayed) and answers each
     * CANCELLED with {@code why}; returns the ids it found there.
     *
     * @param node the node whose queue it is, named in the results; null for the shared lists
     */
    public List<String> cancelIn(String list, String node, Collection<String> ids, String why) {
        return cancelling.cancelIn(list, node, ids, why);
    }

    /** Tells a node to stop the tasks named, which it holds. */
    public void signalCancel(String nodeId, Collection<String> ids) {
        cancelling.signalCancel(nodeId, ids);
    }

    /** What this node is asked to cancel. */
    public Set<String> cancelSignals(String nodeId) {
        return cancelling.cancelSignals(nodeId);
    }

    /** Clears signals the node has acted on (or that name tasks it does not hold). */
    public void clearCancelSignals(String nodeId, Collection<String> ids) {
        cancelling.clearCancelSignals(nodeId, ids);
    }

    /** Tasks waiting for a retry. */
    public long delayedCount() {
        return placing.delayedCount();
    }

    /** What a {@link #confined} node has sent and the coordinator has not yet moved on. */
    public record Outbox(long results, long deadLetters) {
    }

    /**
     * How many results and dead letters each node has in its own lists ({@code node:<id>:results},
     * {@code node:<id>:deadletter}), in the order of {@code nodeIds}, in one round trip.
     */
    public List<Outbox> outboxes(List<String> nodeIds) {
        return replies.outboxes(nodeIds);
    }

    /** Moves up to {@code max} results into {@code results:storing}; the caller drops them once stored. */
    public List<String> takeResults(int max, Duration wait) {
        return replies.takeResults(max, wait);
    }

    /** The first {@code max} entries of a list, oldest first. */
    public List<String> head(String key, int max) {
        return scripts.redis.call(j -> j.lrange(key, 0, max - 1));
    }

    /** Everything in a list, oldest first: what a previous taker left in its in-flight list. */
    public List<String> pending(String key) {
        return scripts.pending(key);
    }

    /**
     * {@link #moveFromHead} for a coordinator's own in-flight list, whose order it knows: the
     * outcomes' messages are taken as a run, checked by the first and the last (the texts between
     * are not sent back to Redis to be compared: comparing each took a sixth of the collector's
     * time at full speed), in runs of up to 1,000, each whole or not at all; it still stops at the
     * first that {@link Outcome#placeOn places on} a node that has stopped reporting. Only for a
     * list whose messages differ and that nobody else trims from its
     * head: a message taken out of the middle (a task cancelled there) makes the run's last text
     * not where it ends, so nothing moves and the caller reads the list again.
     *
     * @return how many were carried out
     */
    public int moveRunFromHead(String source, List<? extends Outcome> outcomes) {
        return scripts.move(source, "run", moves(outcomes));
    }

    /**
     * Carries out {@code outcomes} on messages at the head of {@code source}, in order, stopping at
     * the first that is not there, or that {@link Outcome#placeOn places on} a node that has stopped
     * reporting.
     *
     * @return how many were carried out
     */
    public int moveFromHead(String source, List<? extends Outcome> outcomes) {
        return scripts.move(source, "head", moves(outcomes));
    }

    private static List<Move> moves(List<? extends Outcome> outcomes) {
        List<Move> moves = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            moves.add((Move) o); // Move is the one kind of Outcome
        }
        return moves;
    }

    /**
     * Applies each of {@code moves} whose raw text is still somewhere in {@code source}; those
     * already gone (finished, or taken by someone else) are skipped.
     *
     * @return how many were moved
     */
    int moveFromAnywhere(String source, List<Move> moves) {
        return scripts.moveFromAnywhere(source, moves);
    }

    // ---- agents ---------------------------------------------------------------------------

    /**
     * Moves up to {@code max} tasks from {@code node:<id>:tasks} into {@code node:<id>:inflight},
     * waiting up to {@code wait} when there are none. Each task taken must later be
     * {@link #finish finished} or {@link #handBack handed back}.
     */
    public List<String> take(String nodeId, int max, Duration wait) {
        return nodeQueue.take(nodeId, max, wait);
    }

    /**
     * Sends results to {@code results:queue} (or, {@link #confined}, the node's own results list), each removing its task from the node's in-flight
     * list in the same step.
     *
     * @param finishedCount how many of them are final (DONE or FAILED), for the node's done count
     */
    public void finish(String nodeId, List<Report> results, int finishedCount) {
        nodeQueue.finish(nodeId, results, finishedCount);
    }

    /**
     * What an agent reports about a task it holds, as a {@link colmena.task.TaskResult} in JSON: a
     * final result, which replaces the task's text in the in-flight list, or a RUNNING notice,
     * which leaves the task there ({@code rawTask} null).
     *
     * @param taskId the task's id, so the sender can say which tasks are done with
     * @param ahead  whether it joins the results at their head, to be stored before those waiting:
     *               a task of a priority above the default's
     */
    public record Report(String taskId, String rawTask, String resultJson, boolean ahead) {
        /** A report of a task of the default priority. */
        public Report(String taskId, String rawTask, String resultJson) {
            this(taskId, rawTask, resultJson, false);
        }

        /** A final result (DONE, FAILED or CANCELLED) for the task whose in-flight text is {@code rawTask}. */
        public static Report result(String taskId, String rawTask, String resultJson, int priority) {
            return new Report(taskId, rawTask, resultJson, priority > TaskMessage.DEFAULT_PRIORITY);
        }

        /** A RUNNING notice: the task stays in flight. */
        public static Report running(String taskId, String resultJson, int priority) {
            return new Report(taskId, null, resultJson, priority > TaskMessage.DEFAULT_PRIORITY);
        }

        /** Whether this ends the task's stay in the in-flight list. */
        public boolean isFinal() {
            return rawTask != null;
        }
    }

    /**
     * A task an agent hands back: its text in the in-flight list, and what goes back to the queue
     * (the same text, or the task with a note added).
     */
    public record Returned(String raw, String payload) {
    }

    /** Puts tasks the agent took but will not finish back at the head of its queue, in their order. */
    public int handBack(String nodeId, List<Returned> tasks) {
        return nodeQueue.handBack(nodeId, tasks);
    }

    /** Takes the text of a copy of a task out of a node's in-flight list (the agent runs the task once, for both). */
    public void dropInflight(String nodeId, String raw) {
        nodeQueue.dropInflight(nodeId, raw);
    }

    /**
     * Sends every task in {@code list} to the head of {@code dest} to be placed again, keeping their
     * order ahead of newer submissions, each as {@code again} rewrites it (a note, an attempt spent);
     * an unreadable one goes to the dead-letter list, saying why. A task that has left the list
     * meanwhile is skipped. With {@code dest} {@code tasks:submitted}, a task of another priority
     * goes to the head of the list of its priority instead.
     *
     * @return how many were moved
     */
    public int requeueForPlacement(String list, String dest, UnaryOperator<TaskMessage> again) {
        return placing.requeueForPlacement(list, dest, again);
    }

    /** The last {@code count} tasks queued on a node, oldest first. Reading is not moving: see {@link #transfer}. */
    public List<String> lastQueued(String nodeId, int count) {
        return placing.lastQueued(nodeId, count);
    }

    /** What {@link #transfer} did. */
    public enum Transfer {
        MOVED,
        /** The task had left the source queue (taken, or moved by someone else). */
        TASK_GONE,
        /** The destination node has stopped reporting: it gets nothing more. */
        NODE_GONE
    }

    /**
     * Moves one task queued on node {@code from} into node {@code to}'s queue by priority, as
     * {@code payload}, only while {@code to} reports.
     */
    public Transfer transfer(String from, String to, String raw, String payload) {
        return placing.transfer(from, to, raw, payload);
    }

    /** Adds to counters (a key per status and minute), each kept {@code keptSeconds} after its last count, in one round trip. */
    public void count(Map<String, Long> counts, long keptSeconds) {
        replies.count(counts, keptSeconds);
    }

    /**
     * Moves one unusable message from the list it is in to the dead-letter list, saying why.
     *
     * @param cameFrom the queue to name as its source (the one it was pushed to)
     */
    public void deadLetter(String list, String cameFrom, String raw, String reason) {
        deadLetters.deadLetter(list, cameFrom, raw, reason);
    }

    /** The text kept on the dead-letter list for {@code raw}. */
    static String deadLetterEntry(String source, String raw, String reason) {
        return DeadLetters.entry(source, raw, reason);
    }

    /** The newest dead letters first. */
    public List<DeadLetter> deadLetters(int limit) {
        return deadLetters.deadLetters(limit);
    }

    public long length(String key) {
        return scripts.redis.call(j -> j.llen(key));
    }
}
