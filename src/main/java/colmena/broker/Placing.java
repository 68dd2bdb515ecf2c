package colmena.broker;

import colmena.task.TaskMessage;
import redis.clients.jedis.Pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@link TaskQueue}'s verbs for submission and placement: {@code tasks:submitted}, the
 * coordinator's {@code tasks:placing}, the retries waiting in {@code tasks:delayed}, and the moves
 * that send a task (back) to be placed or on to another node. Each verb's contract is on
 * {@link TaskQueue}.
 */
final class Placing {
    /**
     * Moves tasks whose retry is due from {@code tasks:delayed} to {@code tasks:submitted}.
     * Its contract: lua/release_due.lua.
     */
    private static final Script RELEASE_DUE = Script.load("checks", "release_due");

    private final QueueScripts scripts;

    Placing(QueueScripts scripts) {
        this.scripts = scripts;
    }

    /** {@link TaskQueue#submit}. */
    void submit(List<String> encodedTasks) {
        scripts.redis.call(j -> {
            Pipeline p = j.pipelined();
            for (int i = 0; i < encodedTasks.size(); i += QueueScripts.PUSH_CHUNK) {
                List<String> chunk = encodedTasks.subList(i,
                        Math.min(encodedTasks.size(), i + QueueScripts.PUSH_CHUNK));
                p.rpush(RedisKeys.submitted(), chunk.toArray(new String[0]));
            }
            p.sync();
            return null;
        });
    }

    /** {@link TaskQueue#takeSubmitted}. */
    List<String> takeSubmitted(int max, Duration wait) {
        return scripts.take(RedisKeys.submitted(), RedisKeys.placing(), max, wait);
    }

    /** {@link TaskQueue#delay}. */
    void delay(List<TaskMessage> tasks, List<Long> dueMs) {
        if (tasks.isEmpty()) {
            return;
        }
        Map<String, Double> members = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            members.put(Json.write(tasks.get(i)), (double) dueMs.get(i));
        }
        scripts.redis.call(j -> j.zadd(RedisKeys.delayed(), members));
    }

    /** {@link TaskQueue#waitingToBePlaced}. */
    long waitingToBePlaced() {
        return scripts.redis.call(j -> j.llen(RedisKeys.submitted()));
    }

    /** {@link TaskQueue#releaseDue}. */
    int releaseDue(int max) {
        List<String> keys = List.of(RedisKeys.delayed(), RedisKeys.submitted());
        List<String> args = List.of(Long.toString(scripts.now()), Integer.toString(max));
        return (int) (long) scripts.redis.call(j -> (Long) RELEASE_DUE.run(j, keys, args));
    }

    /** {@link TaskQueue#delayedCount}. */
    long delayedCount() {
        return scripts.redis.call(j -> j.zcard(RedisKeys.delayed()));
    }

    /** {@link TaskQueue#requeueForPlacement}. */
    int requeueForPlacement(String list, String dest, UnaryOperator<TaskMessage> again) {
        List<String> held = scripts.pending(list);
        List<Move> moves = new ArrayList<>(held.size());
        // Prepended from the newest back, so they keep their order.
        for (int i = held.size() - 1; i >= 0; i--) {
            String raw = held.get(i);
            try {
                moves.add(Move.prepend(raw, dest, Json.write(again.apply(TaskMessage.read(raw)))));
            } catch (MalformedMessageException e) {
                moves.add(Move.deadLetter(raw, DeadLetters.entry(list, raw, e.getMessage())));
            }
        }
        return scripts.moveFromAnywhere(list, moves);
    }

    /** {@link TaskQueue#lastQueued}. */
    List<String> lastQueued(String nodeId, int count) {
        String queue = RedisKeys.nodeTasks(nodeId);
        return scripts.redis.call(j -> j.lrange(queue, -count, -1));
    }

    /** {@link TaskQueue#transfer}. */
    TaskQueue.Transfer transfer(String from, String to, String raw, String payload) {
        if (scripts.moveFromAnywhere(RedisKeys.nodeTasks(from), List.of(Move.toNode(raw, to, payload))) == 1) {
            return TaskQueue.Transfer.MOVED;
        }
        return scripts.redis.call(j -> j.exists(RedisKeys.nodeStats(to)))
                ? TaskQueue.Transfer.TASK_GONE : TaskQueue.Transfer.NODE_GONE;
    }
}
