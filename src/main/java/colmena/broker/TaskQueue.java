package colmena.broker;

import colmena.task.TaskIds;
import colmena.task.TaskMessage;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.params.ScanParams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 */
public final class TaskQueue {
    public static final int MAX_MESSAGE_BYTES = TaskMessage.MAX_MESSAGE_CHARS;
    public static final int DEAD_LETTER_MAX = 1_000;
    public static final int DEAD_LETTER_RAW_CHARS = 4_096;
    /** On a Redis without BLMOVE (before 6.2), an empty queue is looked at this often. */
    private static final long POLL_MS = 10;
    private static final int PUSH_CHUNK = 1_000;

    /**
     * Takes a batch from the head of one list to the tail of another, dead-lettering oversized messages.
     * Its contract: lua/take.lua.
     */
    private static final Script TAKE = Script.load("checks", "take");

    /** Takes messages out of a list and sends each on ({@link Move}), in one step. Its contract: lua/move.lua. */
    private static final Script MOVE = Script.load("checks", "move");

    /**
     * An agent's finished tasks: out of its in-flight list and onto the results list, in one step.
     * Its contract: lua/finish.lua.
     */
    private static final Script FINISH = Script.load("checks", "finish");

    /** Pushes texts to {@code reply:<uuid>} lists, each of which then expires. Its contract: lua/reply.lua. */
    private static final Script REPLY = Script.load("checks", "reply");

    /** The prefix of the error a fenced script answers with. */
    private static final String FENCED = "FENCED ";

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

    private final Redis redis;
    /** The fence of a coordinator's queue, read at each move; null for agents, the API and the CLI. */
    private final Supplier<Fence> fence;
    /** Where this queue's takes and moves put dead letters, and where an agent's results go. */
    private final String deadLetterKey;
    private final String resultsKey;

    public TaskQueue(Redis redis) {
        this(redis, null, RedisKeys.deadLetter(), RedisKeys.resultsQueue());
    }

    private TaskQueue(Redis redis, Supplier<Fence> fence, String deadLetterKey, String resultsKey) {
        this.redis = redis;
        this.fence = fence;
        this.deadLetterKey = deadLetterKey;
        this.resultsKey = resultsKey;
    }

    /**
     * The queue of an agent that logs in with its own credential: it touches only its node's keys,
     * so its results go to {@code node:<id>:results} and its dead letters to
     * {@code node:<id>:deadletter}, for the coordinator to check and move on.
     */
    public static TaskQueue confined(Redis redis, String nodeId) {
        return new TaskQueue(redis, null, RedisKeys.nodeDeadLetter(nodeId), RedisKeys.nodeResults(nodeId));
    }

    /** Whether this queue keeps to one node's keys ({@link #confined}). */
    public boolean isConfined() {
        return !resultsKey.equals(RedisKeys.resultsQueue());
    }

    /** A confined queue runs no scripts ({@link PlainMoves}), where the server has LMOVE (6.2). */
    private boolean plain() {
        return isConfined() && redis.hasBlmove();
    }

    /**
     * The same queue, whose takes, moves and replies happen only while {@code fence} holds (see
     * {@link Fence}); otherwise they throw {@link FencedException} and change nothing.
     */
    public TaskQueue fencedBy(Supplier<Fence> fence) {
        return new TaskQueue(redis, fence, deadLetterKey, resultsKey);
    }

    /** The fence's holder and installation as script arguments ("" and "" when unfenced). */
    private List<String> fenceArgs() {
        Fence f = fence == null ? null : fence.get();
        if (fence != null && (f == null || f.installationId() == null)) {
            throw new FencedException("this coordinator has not confirmed its installation yet");
        }
        return f == null ? List.of("", "") : List.of(f.holder(), f.installationId());
    }

    /** Runs a script, turning its fence refusal into a {@link FencedException}. */
    private Object runFenced(Script script, List<String> keys, List<String> args) {
        try {
            return redis.call(j -> script.run(j, keys, args));
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(FENCED)) {
                throw new FencedException(e.getMessage().substring(FENCED.length()));
            }
            throw e;
        }
    }

    /** Now on Redis's clock, the one every time in TaskHistory is read on ({@link RedisClock}). */
    public long now() {
        return redis.clock().now();
    }

    public Redis redis() {
        return redis;
    }

    // ---- submitting ----------------------------------------------------------------------

    /** Appends already-encoded tasks to {@code tasks:submitted}, a thousand per round trip. */
    public void submit(List<String> encodedTasks) {
        redis.call(j -> {
            Pipeline p = j.pipelined();
            for (int i = 0; i < encodedTasks.size(); i += PUSH_CHUNK) {
                List<String> chunk = encodedTasks.subList(i, Math.min(encodedTasks.size(), i + PUSH_CHUNK));
                p.rpush(RedisKeys.submitted(), chunk.toArray(new String[0]));
            }
            p.sync();
            return null;
        });
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

    /** The same, at a priority (0–9, higher first among the tasks queued on a node). */
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
        if (replies.isEmpty()) {
            return;
        }
        List<String> fenced = fenceArgs();
        List<String> args = new ArrayList<>();
        args.add(fenced.get(0));
        args.add(Long.toString(REPLY_KEPT_SECONDS));
        args.add(fenced.get(1));
        replies.forEach((list, texts) -> {
            for (String text : texts) {
                args.add(list);
                args.add(text);
            }
        });
        runFenced(REPLY, List.of(RedisKeys.leader(), RedisKeys.installation()), args);
    }

    /**
     * Moves up to {@code max} submitted tasks into {@code tasks:placing}, waiting up to
     * {@code wait} when there are none. The caller must then {@link #move} each one on (or leave
     * them for the next leader to find with {@link #pending(String)}).
     */
    public List<String> takeSubmitted(int max, Duration wait) {
        return take(RedisKeys.submitted(), RedisKeys.placing(), max, wait);
    }

    /**
     * Moves tasks whose retry is due from {@code tasks:delayed} to {@code tasks:submitted}.
     * Its contract: lua/release_due.lua.
     */
    private static final Script RELEASE_DUE = Script.load("checks", "release_due");

    /**
     * Puts tasks to be tried again in {@code tasks:delayed}, each due at its time (epoch ms on
     * Redis's clock). The same text added twice is one entry: a collector that stores a failure
     * again after a crash schedules one retry, not two.
     */
    public void delay(List<TaskMessage> tasks, List<Long> dueMs) {
        if (tasks.isEmpty()) {
            return;
        }
        Map<String, Double> members = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            members.put(Json.write(tasks.get(i)), (double) dueMs.get(i));
        }
        redis.call(j -> j.zadd(RedisKeys.delayed(), members));
    }

    /** Moves retries that are due to {@code tasks:submitted}; returns how many. */
    public int releaseDue(int max) {
        List<String> keys = List.of(RedisKeys.delayed(), RedisKeys.submitted());
        List<String> args = List.of(Long.toString(now()), Integer.toString(max));
        return (int) (long) redis.call(j -> (Long) RELEASE_DUE.run(j, keys, args));
    }

    // ---- cancelling ----------------------------------------------------------------------

    /** Takes named tasks out of a list, answering each CANCELLED, in one step. Its contract: lua/cancel_in_list.lua. */
    private static final Script CANCEL_IN_LIST = Script.load("checks", "cancel_in_list");

    /**
     * The same for tasks waiting out a retry's back-off in {@code tasks:delayed}.
     * Its contract: lua/cancel_delayed.lua.
     */
    private static final Script CANCEL_DELAYED = Script.load("checks", "cancel_delayed");

    /**
     * Asks for tasks to be cancelled: the coordinator takes each out of wherever it waits, or has
     * its node stop it, and records it CANCELLED.
     *
     * @param requests {@code taskId -> who asked and when, as JSON}
     */
    public void requestCancel(Map<String, String> requests) {
        if (!requests.isEmpty()) {
            redis.call(j -> j.hset(RedisKeys.cancelRequests(), requests));
        }
    }

    /** Cancel requests not yet carried out, at most about {@code max}. */
    public Map<String, String> cancelRequests(int max) {
        return redis.call(j -> {
            if (j.hlen(RedisKeys.cancelRequests()) <= max) {
                return j.hgetAll(RedisKeys.cancelRequests());
            }
            var page = j.hscan(RedisKeys.cancelRequests(), ScanParams.SCAN_POINTER_START, new ScanParams().count(max));
            Map<String, String> out = new HashMap<>();
            for (var e : page.getResult()) {
                out.put(e.getKey(), e.getValue());
            }
            return out;
        });
    }

    /** Forgets cancel requests that are carried out, or moot (the task had finished). */
    public void forgetCancel(Collection<String> ids) {
        if (!ids.isEmpty()) {
            redis.call(j -> j.hdel(RedisKeys.cancelRequests(), ids.toArray(new String[0])));
        }
    }

    /**
     * Takes the tasks named out of {@code list} (a queue, or tasks:delayed) and answers each
     * CANCELLED with {@code why}; returns the ids it found there.
     *
     * @param node the node whose queue it is, named in the results; null for the shared lists
     */
    @SuppressWarnings("unchecked")
    public List<String> cancelIn(String list, String node, Collection<String> ids, String why) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(ids.size() + 3);
        args.add(Long.toString(now()));
        args.add(Json.write(why));
        args.add(node == null ? "" : node);
        args.addAll(ids);
        List<String> keys = List.of(list, RedisKeys.resultsQueue());
        Script script = list.equals(RedisKeys.delayed()) ? CANCEL_DELAYED : CANCEL_IN_LIST;
        return redis.call(j -> (List<String>) script.run(j, keys, args));
    }

    /** Tells a node to stop the tasks named, which it holds. */
    public void signalCancel(String nodeId, Collection<String> ids) {
        if (!ids.isEmpty()) {
            redis.call(j -> j.sadd(RedisKeys.nodeCancel(nodeId), ids.toArray(new String[0])));
        }
    }

    /** What this node is asked to cancel. */
    public Set<String> cancelSignals(String nodeId) {
        return redis.call(j -> j.smembers(RedisKeys.nodeCancel(nodeId)));
    }

    /** Clears signals the node has acted on (or that name tasks it does not hold). */
    public void clearCancelSignals(String nodeId, Collection<String> ids) {
        if (!ids.isEmpty()) {
            redis.call(j -> j.srem(RedisKeys.nodeCancel(nodeId), ids.toArray(new String[0])));
        }
    }

    /** Tasks waiting for a retry. */
    public long delayedCount() {
        return redis.call(j -> j.zcard(RedisKeys.delayed()));
    }

    /** Moves up to {@code max} results into {@code results:storing}; the caller drops them once stored. */
    public List<String> takeResults(int max, Duration wait) {
        return take(RedisKeys.resultsQueue(), RedisKeys.storing(), max, wait);
    }

    /** The first {@code max} entries of a list, oldest first. */
    public List<String> head(String key, int max) {
        return redis.call(j -> j.lrange(key, 0, max - 1));
    }

    /** Everything in a list, oldest first: what a previous taker left in its in-flight list. */
    public List<String> pending(String key) {
        return redis.call(j -> j.lrange(key, 0, -1));
    }

    /**
     * Applies {@code moves} to messages at the head of {@code source}, in order, stopping at the
     * first that is not there or whose guard key is gone.
     *
     * @return how many were moved
     */
    public int moveFromHead(String source, List<Move> moves) {
        return move(source, "head", moves);
    }

    /**
     * Applies each of {@code moves} whose raw text is still somewhere in {@code source}; those
     * already gone (finished, or taken by someone else) are skipped.
     *
     * @return how many were moved
     */
    public int moveFromAnywhere(String source, List<Move> moves) {
        return move(source, "any", moves);
    }

    private int move(String source, String mode, List<Move> moves) {
        if (moves.isEmpty()) {
            return 0;
        }
        if (plain()) {
            if (mode.equals("head")) {
                throw new IllegalStateException("an agent's queue moves from anywhere in its lists, never from the head");
            }
            return redis.call(j -> PlainMoves.moveFromAnywhere(j, source, moves, deadLetterKey, DEAD_LETTER_MAX));
        }
        int total = 0;
        for (int i = 0; i < moves.size(); i += PUSH_CHUNK) {
            List<Move> chunk = moves.subList(i, Math.min(moves.size(), i + PUSH_CHUNK));
            List<String> args = new ArrayList<>(7 + chunk.size() * 5);
            args.add(mode);
            args.add(deadLetterKey);
            args.add(Integer.toString(DEAD_LETTER_MAX));
            args.add(Long.toString(System.currentTimeMillis()));
            args.addAll(fenceArgs());
            args.add(Integer.toString(DEAD_LETTER_RAW_CHARS));
            for (Move m : chunk) {
                args.add(m.raw());
                args.add(m.op().code);
                args.add(m.dest());
                args.add(m.payload());
                args.add(m.guard() == null ? "" : m.guard());
            }
            long moved = (Long) runFenced(MOVE, List.of(source, RedisKeys.leader(), RedisKeys.installation()), args);
            total += (int) moved;
            if (moved < chunk.size() && mode.equals("head")) {
                break;
            }
        }
        return total;
    }

    // ---- agents ---------------------------------------------------------------------------

    /**
     * Moves up to {@code max} tasks from {@code node:<id>:tasks} into {@code node:<id>:inflight},
     * waiting up to {@code wait} when there are none. Each task taken must later be
     * {@link #finish finished} or {@link #handBack handed back}.
     */
    public List<String> take(String nodeId, int max, Duration wait) {
        return take(RedisKeys.nodeTasks(nodeId), RedisKeys.nodeInflight(nodeId), max, wait);
    }

    /**
     * Sends results to {@code results:queue} (or, {@link #confined}, the node's own results list), each removing its task from the node's in-flight
     * list in the same step.
     *
     * @param finishedCount how many of them are final (DONE or FAILED), for the node's done count
     */
    public void finish(String nodeId, List<Report> results, int finishedCount) {
        if (results.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(1 + results.size() * 2);
        args.add(Integer.toString(finishedCount));
        for (Report r : results) {
            args.add(r.isFinal() ? r.rawTask() : "");
            args.add(r.resultJson());
        }
        if (plain()) {
            redis.call(j -> {
                PlainMoves.finish(j, RedisKeys.nodeInflight(nodeId), resultsKey, RedisKeys.nodeDone(nodeId), results,
                        finishedCount);
                return null;
            });
            return;
        }
        List<String> keys = List.of(RedisKeys.nodeInflight(nodeId), resultsKey, RedisKeys.nodeDone(nodeId));
        redis.call(j -> FINISH.run(j, keys, args));
    }

    /**
     * What an agent reports about a task it holds, as a {@link colmena.task.TaskResult} in JSON: a
     * final result, which replaces the task's text in the in-flight list, or a RUNNING notice,
     * which leaves the task there ({@code rawTask} null).
     *
     * @param taskId the task's id, so the sender can say which tasks are done with
     */
    public record Report(String taskId, String rawTask, String resultJson) {
        /** A final result (DONE, FAILED or CANCELLED) for the task whose in-flight text is {@code rawTask}. */
        public static Report result(String taskId, String rawTask, String resultJson) {
            return new Report(taskId, rawTask, resultJson);
        }

        /** A RUNNING notice: the task stays in flight. */
        public static Report running(String taskId, String resultJson) {
            return new Report(taskId, null, resultJson);
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
        List<Move> moves = new ArrayList<>();
        String queue = RedisKeys.nodeTasks(nodeId);
        for (int i = tasks.size() - 1; i >= 0; i--) {
            moves.add(Move.prepend(tasks.get(i).raw(), queue, tasks.get(i).payload()));
        }
        return moveFromAnywhere(RedisKeys.nodeInflight(nodeId), moves);
    }

    /** Takes the text of a copy of a task out of a node's in-flight list (the agent runs the task once, for both). */
    public void dropInflight(String nodeId, String raw) {
        moveFromAnywhere(RedisKeys.nodeInflight(nodeId), List.of(Move.drop(raw)));
    }

    /**
     * Sends every task in {@code list} to the head of {@code dest} to be placed again, keeping their
     * order ahead of newer submissions, each as {@code again} rewrites it (a note, an attempt spent);
     * an unreadable one goes to the dead-letter list, saying why. A task that has left the list
     * meanwhile is skipped.
     *
     * @return how many were moved
     */
    public int requeueForPlacement(String list, String dest, UnaryOperator<TaskMessage> again) {
        List<String> held = pending(list);
        List<Move> moves = new ArrayList<>(held.size());
        // Prepended from the newest back, so they keep their order.
        for (int i = held.size() - 1; i >= 0; i--) {
            String raw = held.get(i);
            try {
                moves.add(Move.prepend(raw, dest, Json.write(again.apply(TaskMessage.read(raw)))));
            } catch (MalformedMessageException e) {
                moves.add(Move.deadLetter(raw, deadLetterEntry(list, raw, e.getMessage())));
            }
        }
        return moveFromAnywhere(list, moves);
    }

    /** The last {@code count} tasks queued on a node, oldest first. Reading is not moving: see {@link #transfer}. */
    public List<String> lastQueued(String nodeId, int count) {
        String queue = RedisKeys.nodeTasks(nodeId);
        return redis.call(j -> j.lrange(queue, -count, -1));
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
        if (moveFromAnywhere(RedisKeys.nodeTasks(from), List.of(Move.toNode(raw, to, payload))) == 1) {
            return Transfer.MOVED;
        }
        return redis.call(j -> j.exists(RedisKeys.nodeStats(to))) ? Transfer.TASK_GONE : Transfer.NODE_GONE;
    }

    /** Adds to counters (a key per status and minute), each kept {@code keptSeconds} after its last count, in one round trip. */
    public void count(Map<String, Long> counts, long keptSeconds) {
        if (counts.isEmpty()) {
            return;
        }
        redis.call(j -> {
            Pipeline p = j.pipelined();
            counts.forEach((key, n) -> {
                p.incrBy(key, n);
                p.expire(key, keptSeconds);
            });
            p.sync();
            return null;
        });
    }

    /**
     * Moves one unusable message from the list it is in to the dead-letter list, saying why.
     *
     * @param cameFrom the queue to name as its source (the one it was pushed to)
     */
    public void deadLetter(String list, String cameFrom, String raw, String reason) {
        moveFromAnywhere(list, List.of(Move.deadLetter(raw, deadLetterEntry(cameFrom, raw, reason))));
    }

    /** The text kept on the dead-letter list for {@code raw}. */
    public static String deadLetterEntry(String source, String raw, String reason) {
        String kept = raw.length() > DEAD_LETTER_RAW_CHARS ? raw.substring(0, DEAD_LETTER_RAW_CHARS) : raw;
        return Json.write(new DeadLetter(source, reason, kept, System.currentTimeMillis()));
    }

    /** The newest dead letters first. */
    public List<DeadLetter> deadLetters(int limit) {
        List<String> raw = redis.call(j -> j.lrange(RedisKeys.deadLetter(), 0, limit - 1));
        List<DeadLetter> out = new ArrayList<>(raw.size());
        for (String r : raw) {
            try {
                out.add(Json.GSON.fromJson(r, DeadLetter.class));
            } catch (RuntimeException e) {
                out.add(new DeadLetter("?", "unreadable dead-letter entry", r, 0));
            }
        }
        return out;
    }

    public long length(String key) {
        return redis.call(j -> j.llen(key));
    }

    // ---- the one way anything is taken ----------------------------------------------------

    private List<String> take(String source, String inflight, int max, Duration wait) {
        List<String> got = takeNow(source, inflight, max);
        if (!got.isEmpty() || wait.isZero()) {
            return got;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        if (redis.hasBlmove()) {
            // Waits for the list to be non-empty without taking anything: moving its last element
            // to its own tail changes nothing. The timeout lets the caller notice a shutdown.
            double seconds = Math.max(0.01, wait.toMillis() / 1000.0);
            String woke = redis.call(j -> j.blmove(source, source, ListDirection.RIGHT, ListDirection.RIGHT, seconds));
            return woke == null ? List.of() : takeNow(source, inflight, max);
        }
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
            got = takeNow(source, inflight, max);
            if (!got.isEmpty()) {
                return got;
            }
        }
        return List.of();
    }

    /** As {@link #takeNow}, without a script: oversized messages are dead-lettered from the in-flight list. */
    private List<String> takePlain(String source, String inflight, int max) {
        List<String> taken = redis.call(j -> PlainMoves.take(j, source, inflight, max));
        List<String> out = new ArrayList<>(taken.size());
        for (String v : taken) {
            if (v.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
                moveFromAnywhere(inflight, List.of(Move.deadLetter(v, deadLetterEntry(source, v,
                        "message of " + v.length() + " characters; the limit is " + MAX_MESSAGE_BYTES + " bytes"))));
            } else {
                out.add(v);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<String> takeNow(String source, String inflight, int max) {
        if (plain()) {
            return takePlain(source, inflight, max);
        }
        List<String> keys = List.of(source, inflight, deadLetterKey, RedisKeys.leader(), RedisKeys.installation());
        List<String> fenced = fenceArgs();
        List<String> args = List.of(Integer.toString(max), Integer.toString(MAX_MESSAGE_BYTES),
                Integer.toString(DEAD_LETTER_MAX), Long.toString(System.currentTimeMillis()),
                Integer.toString(DEAD_LETTER_RAW_CHARS), fenced.get(0), fenced.get(1));
        Object out = runFenced(TAKE, keys, args);
        return out == null ? List.of() : (List<String>) out;
    }

}
