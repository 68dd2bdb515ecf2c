package colmena.broker;

import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every group of {@link TaskQueue}'s verbs shares: the Redis connection, the fence of a
 * coordinator's queue, where dead letters and results go, and the two ways a task moves, taking
 * ({@link #take}) and moving ({@link #move}). Every take is an atomic move into an in-flight list
 * owned by the taker.
 */
final class QueueScripts {
    /** On a Redis without BLMOVE (before 6.2), an empty queue is looked at this often. */
    private static final long POLL_MS = 10;
    static final int PUSH_CHUNK = 1_000;

    /**
     * Takes a batch from the head of one list to the tail of another, dead-lettering oversized messages.
     * Its contract: lua/take.lua.
     */
    private static final Script TAKE = Script.load("checks", "take");

    /** Takes messages out of a list and sends each on ({@link Move}), in one step. Its contract: lua/move.lua. */
    private static final Script MOVE = Script.load("checks", "move");

    /** The prefix of the error a fenced script answers with. */
    private static final String FENCED = "FENCED ";

    final Redis redis;
    /** The fence of a coordinator's queue, read at each move; null for agents, the API and the CLI. */
    private final Supplier<TaskQueue.Fence> fence;
    /** Where this queue's takes and moves put dead letters, and where an agent's results go. */
    final String deadLetterKey;
    final String resultsKey;

    QueueScripts(Redis redis, Supplier<TaskQueue.Fence> fence, String deadLetterKey, String resultsKey) {
        this.redis = redis;
        this.fence = fence;
        this.deadLetterKey = deadLetterKey;
        this.resultsKey = resultsKey;
    }

    /** The same, fenced by {@code fence}. */
    QueueScripts fencedBy(Supplier<TaskQueue.Fence> fence) {
        return new QueueScripts(redis, fence, deadLetterKey, resultsKey);
    }

    /** Whether this queue keeps to one node's keys ({@link TaskQueue#confined}). */
    boolean isConfined() {
        return !resultsKey.equals(RedisKeys.resultsQueue());
    }

    /** A confined queue runs no scripts ({@link PlainMoves}), where the server has LMOVE (6.2). */
    boolean plain() {
        return isConfined() && redis.hasBlmove();
    }

    /** Now on Redis's clock ({@link RedisClock}). */
    long now() {
        return redis.clock().now();
    }

    /** The fence's holder and installation as script arguments ("" and "" when unfenced). */
    List<String> fenceArgs() {
        TaskQueue.Fence f = fence == null ? null : fence.get();
        if (fence != null && (f == null || f.installationId() == null)) {
            throw new TaskQueue.FencedException("this coordinator has not confirmed its installation yet");
        }
        return f == null ? List.of("", "") : List.of(f.holder(), f.installationId());
    }

    /** Runs a script, turning its fence refusal into a {@link TaskQueue.FencedException}. */
    Object runFenced(Script script, List<String> keys, List<String> args) {
        try {
            return redis.call(j -> script.run(j, keys, args));
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(FENCED)) {
                throw new TaskQueue.FencedException(e.getMessage().substring(FENCED.length()));
            }
            throw e;
        }
    }

    /** Everything in a list, oldest first. */
    List<String> pending(String key) {
        return redis.call(j -> j.lrange(key, 0, -1));
    }

    // ---- moving ---------------------------------------------------------------------------

    /** {@link TaskQueue#moveFromAnywhere}. */
    int moveFromAnywhere(String source, List<Move> moves) {
        return move(source, "any", moves);
    }

    /**
     * Applies {@code moves} to messages in {@code source}: in {@code "head"} mode in order,
     * stopping at the first that is not at the head; in {@code "run"} mode the same, but each
     * chunk whole or not at all, checked by its first and last text; in {@code "any"} mode
     * wherever they are.
     */
    int move(String source, String mode, List<Move> moves) {
        if (moves.isEmpty()) {
            return 0;
        }
        if (plain()) {
            if (!mode.equals("any")) {
                throw new IllegalStateException("an agent's queue moves from anywhere in its lists, never from the head");
            }
            return redis.call(j -> PlainMoves.moveFromAnywhere(j, source, moves, deadLetterKey,
                    TaskQueue.DEAD_LETTER_MAX));
        }
        int total = 0;
        for (int i = 0; i < moves.size(); i += PUSH_CHUNK) {
            List<Move> chunk = moves.subList(i, Math.min(moves.size(), i + PUSH_CHUNK));
            long moved = (Long) runFenced(MOVE, List.of(source, RedisKeys.leader(), RedisKeys.installation()),
                    moveArgs(mode, chunk));
            total += (int) moved;
            if (moved < chunk.size() && !mode.equals("any")) {
                break;
            }
        }
        return total;
    }

    private List<String> moveArgs(String mode, List<Move> chunk) {
        List<String> args = new ArrayList<>(7 + chunk.size() * 5);
        args.add(mode);
        args.add(deadLetterKey);
        args.add(Integer.toString(TaskQueue.DEAD_LETTER_MAX));
        args.add(Long.toString(System.currentTimeMillis()));
        args.addAll(fenceArgs());
        args.add(Integer.toString(TaskQueue.DEAD_LETTER_RAW_CHARS));
        for (int i = 0; i < chunk.size(); i++) {
            Move m = chunk.get(i);
            // A run is checked by its first and last text only: the others need not travel.
            args.add(mode.equals("run") && i > 0 && i < chunk.size() - 1 ? "" : m.raw());
            args.add(m.op().code);
            args.add(m.dest());
            args.add(m.payload());
            args.add(m.guard() == null ? "" : m.guard());
        }
        return args;
    }

    // ---- the one way anything is taken ----------------------------------------------------

    /**
     * Moves up to {@code max} messages from the head of {@code source} to {@code inflight},
     * waiting up to {@code wait} when there are none.
     */
    List<String> take(String source, String inflight, int max, Duration wait) {
        return take(List.of(source), source, null, inflight, max, wait);
    }

    /**
     * Moves up to {@code max} messages from the heads of {@code sources} in turn to
     * {@code inflight}, dropping any equal to {@code wakeUp} (null: none), waiting up to {@code wait}
     * for {@code waitOn} (one of them) when there are none.
     */
    List<String> take(List<String> sources, String waitOn, String wakeUp, String inflight, int max, Duration wait) {
        List<String> got = takeNow(sources, wakeUp, inflight, max);
        if (!got.isEmpty() || wait.isZero()) {
            return got;
        }
        if (redis.hasBlmove()) {
            // Waits for the list to be non-empty without taking anything: moving its last element
            // to its own tail changes nothing. The timeout lets the caller notice a shutdown.
            double seconds = Math.max(0.01, wait.toMillis() / 1000.0);
            String woke = redis.call(j -> j.blmove(waitOn, waitOn, ListDirection.RIGHT, ListDirection.RIGHT, seconds));
            return woke == null ? List.of() : takeNow(sources, wakeUp, inflight, max);
        }
        return poll(sources, wakeUp, inflight, max, System.nanoTime() + wait.toNanos());
    }

    /** Takes every {@link #POLL_MS} until something comes or the deadline ({@link System#nanoTime}) passes. */
    private List<String> poll(List<String> sources, String wakeUp, String inflight, int max, long deadline) {
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
            List<String> got = takeNow(sources, wakeUp, inflight, max);
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
        int limit = TaskQueue.MAX_MESSAGE_BYTES;
        for (String v : taken) {
            if (v.getBytes(StandardCharsets.UTF_8).length > limit) {
                moveFromAnywhere(inflight, List.of(Move.deadLetter(v, DeadLetters.entry(source, v,
                        "message of " + v.length() + " characters; the limit is " + limit + " bytes"))));
            } else {
                out.add(v);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<String> takeNow(List<String> sources, String wakeUp, String inflight, int max) {
        if (plain()) {
            if (sources.size() != 1 || wakeUp != null) {
                throw new IllegalStateException("an agent's queue takes from one list");
            }
            return takePlain(sources.get(0), inflight, max);
        }
        List<String> keys = new ArrayList<>(4 + sources.size());
        keys.addAll(List.of(sources.get(0), inflight, deadLetterKey, RedisKeys.leader(), RedisKeys.installation()));
        keys.addAll(sources.subList(1, sources.size()));
        List<String> fenced = fenceArgs();
        List<String> args = new ArrayList<>(List.of(Integer.toString(max), Integer.toString(TaskQueue.MAX_MESSAGE_BYTES),
                Integer.toString(TaskQueue.DEAD_LETTER_MAX), Long.toString(System.currentTimeMillis()),
                Integer.toString(TaskQueue.DEAD_LETTER_RAW_CHARS), fenced.get(0), fenced.get(1)));
        if (wakeUp != null) {
            args.add(wakeUp);
        }
        Object out = runFenced(TAKE, keys, args);
        return out == null ? List.of() : (List<String>) out;
    }
}
