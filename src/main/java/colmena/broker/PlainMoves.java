package colmena.broker;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link TaskQueue}'s agent-side moves without Lua, for an agent with its own credential: such a
 * credential may not run scripts at all, so a flaw in Redis's Lua interpreter is out of a student
 * PC's reach. Each move keeps the scripts' promise, a task in exactly one visible place: a take
 * is one LMOVE, and every "take out of the in-flight list and send on" is one MULTI/EXEC,
 * written only after WATCH has seen what is there (and done again if the list changed meanwhile).
 * Needs Redis 6.2 (LMOVE), which ACL users imply here.
 */
final class PlainMoves {
    /** An in-flight list changes under a move only when the agent's own threads race; a few tries settle it. */
    private static final int TRIES = 50;

    private PlainMoves() {
    }

    /** Up to {@code max} messages from the head of {@code source} to the tail of {@code inflight}, each atomically. */
    static List<String> take(Jedis j, String source, String inflight, int max) {
        Pipeline p = j.pipelined();
        List<Response<String>> moved = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            moved.add(p.lmove(source, inflight, ListDirection.LEFT, ListDirection.RIGHT));
        }
        p.sync();
        List<String> out = new ArrayList<>(max);
        for (Response<String> r : moved) {
            if (r.get() != null) {
                out.add(r.get());
            }
        }
        return out;
    }

    /**
     * Results out: each final result's task leaves {@code inflight}, all results join
     * {@code results}, and the node's done count grows, in one transaction.
     */
    static void finish(Jedis j, String inflight, String results, String doneKey, List<TaskQueue.Report> batch,
                       int finishedCount) {
        Transaction t = j.multi();
        for (TaskQueue.Report f : batch) {
            if (f.rawTask() != null) {
                t.lrem(inflight, 1, f.rawTask());
            }
        }
        // In their order, even those of a higher priority: the coordinator reads this list from its
        // head and puts those ahead in results:queue itself (NodeOutbox).
        List<String> texts = batch.stream().map(TaskQueue.Report::resultJson).toList();
        for (int i = 0; i < texts.size(); i += 1_000) {
            t.rpush(results, texts.subList(i, Math.min(texts.size(), i + 1_000)).toArray(new String[0]));
        }
        if (finishedCount > 0) {
            t.incrBy(doneKey, finishedCount);
        }
        t.exec();
    }

    /**
     * Each move whose raw text is in {@code source} takes it out and sends its payload on, all in
     * one transaction; moves whose text has gone are skipped.
     *
     * @return how many were moved
     * @throws IllegalStateException when the list keeps changing (the agent's own threads never stop)
     */
    static int moveFromAnywhere(Jedis j, String source, List<Move> moves, String deadLetter, int deadLetterMax) {
        for (int attempt = 0; attempt < TRIES; attempt++) {
            j.watch(source);
            List<Move> found = present(j.lrange(source, 0, -1), moves);
            if (found.isEmpty()) {
                j.unwatch();
                return 0;
            }
            if (move(j.multi(), source, found, deadLetter, deadLetterMax)) {
                return found.size();
            }
        }
        throw new IllegalStateException(source + " kept changing during " + TRIES + " tries to move " + moves.size()
                + " messages out of it");
    }

    /** The moves whose raw text is in {@code list}, each text counted as often as it is there. */
    private static List<Move> present(List<String> list, List<Move> moves) {
        Map<String, Integer> there = new HashMap<>();
        for (String v : list) {
            there.merge(v, 1, Integer::sum);
        }
        List<Move> found = new ArrayList<>();
        for (Move m : moves) {
            Integer left = there.get(m.raw());
            if (left != null && left > 0) {
                there.put(m.raw(), left - 1);
                found.add(m);
            }
        }
        return found;
    }

    /** Runs the moves in transaction {@code t}; false when the watched source changed and nothing was done. */
    private static boolean move(Transaction t, String source, List<Move> found, String deadLetter, int deadLetterMax) {
        boolean trim = false;
        for (Move m : found) {
            t.lrem(source, 1, m.raw());
            switch (m.op()) {
                case APPEND -> t.rpush(m.dest(), m.payload());
                case PREPEND -> t.lpush(m.dest(), m.payload());
                case DEAD_LETTER -> {
                    t.lpush(deadLetter, m.payload());
                    trim = true;
                }
                case DROP -> {
                    // taken out, sent nowhere
                }
            }
        }
        if (trim) {
            t.ltrim(deadLetter, 0, deadLetterMax - 1L);
        }
        return t.exec() != null;
    }
}
