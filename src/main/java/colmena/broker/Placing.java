package colmena.broker;

import colmena.task.TaskMessage;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** Appends tasks to the list of one priority, waking the placer. Its contract: lua/submit_lane.lua. */
    private static final Script SUBMIT_LANE = Script.load("checks", "submit_lane");
    /** Schedules retries and marks them scheduled. Its contract: lua/delay_retries.lua. */
    private static final Script DELAY_RETRIES = Script.load("delay_retries");

    private final QueueScripts scripts;

    Placing(QueueScripts scripts) {
        this.scripts = scripts;
    }

    /** {@link TaskQueue#submit}. */
    void submit(List<String> encodedTasks) {
        Map<String, List<String>> byList = new LinkedHashMap<>();
        for (String raw : encodedTasks) {
            byList.computeIfAbsent(RedisKeys.submitted(priorityOf(raw)), k -> new ArrayList<>()).add(raw);
        }
        List<String> plain = byList.remove(RedisKeys.submitted());
        if (plain != null) { // the usual case: all in one round trip
            scripts.redis.call(j -> {
                Pipeline p = j.pipelined();
                for (int i = 0; i < plain.size(); i += QueueScripts.PUSH_CHUNK) {
                    p.rpush(RedisKeys.submitted(), plain.subList(i, Math.min(plain.size(), i + QueueScripts.PUSH_CHUNK))
                            .toArray(new String[0]));
                }
                p.sync();
                return null;
            });
        }
        byList.forEach((lane, tasks) -> {
            for (int i = 0; i < tasks.size(); i += QueueScripts.PUSH_CHUNK) {
                submitToLane(lane, tasks.subList(i, Math.min(tasks.size(), i + QueueScripts.PUSH_CHUNK)));
            }
        });
    }

    /**
     * A task's priority as submitted: the default for one that says none (read without parsing
     * it whole), or that cannot be read (the placer dead-letters it).
     */
    static int priorityOf(String raw) {
        if (!raw.contains("\"priority\"")) {
            return TaskMessage.DEFAULT_PRIORITY;
        }
        try {
            return priorityOf(TaskMessage.read(raw));
        } catch (MalformedMessageException e) {
            return TaskMessage.DEFAULT_PRIORITY;
        }
    }

    /** A task's priority, the default for one out of range (made by hand: the placer says so). */
    private static int priorityOf(TaskMessage task) {
        return TaskMessage.knownPriority(task.priorityOrDefault());
    }

    /** Appends tasks to the list of a priority other than the default, waking a placer waiting on tasks:submitted. */
    private void submitToLane(String lane, List<String> tasks) {
        List<String> args = new ArrayList<>(tasks.size() + 1);
        args.add(TaskQueue.WAKE_PLACER);
        args.addAll(tasks);
        scripts.redis.call(j -> SUBMIT_LANE.run(j, List.of(lane, RedisKeys.submitted()), args));
    }

    /** {@link TaskQueue#takeSubmitted}. */
    List<String> takeSubmitted(int max, Duration wait) {
        return scripts.take(RedisKeys.submittedInOrder(), RedisKeys.submitted(), TaskQueue.WAKE_PLACER, RedisKeys.placing(),
                max, wait);
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

    /** {@link TaskQueue#delayRetries}. */
    boolean[] delayRetries(List<TaskMessage> tasks, List<Long> dueMs, java.util.function.Predicate<TaskMessage> again) {
        boolean[] added = new boolean[tasks.size()];
        if (tasks.isEmpty()) {
            return added;
        }
        List<String> keys = new ArrayList<>(tasks.size() + 1);
        List<String> args = new ArrayList<>(3 * tasks.size() + 1);
        keys.add(RedisKeys.delayed());
        args.add(Long.toString(TaskQueue.RETRY_MARK_SECONDS));
        for (int i = 0; i < tasks.size(); i++) {
            TaskMessage t = tasks.get(i);
            keys.add(RedisKeys.retryScheduled(t.id(), t.attempt()));
            args.add(Json.write(t));
            args.add(Long.toString(dueMs.get(i)));
            args.add(again.test(t) ? "1" : "0");
        }
        @SuppressWarnings("unchecked")
        List<Long> flags = (List<Long>) scripts.redis.call(j -> DELAY_RETRIES.run(j, keys, args));
        for (int i = 0; i < added.length; i++) {
            added[i] = flags.get(i) == 1L;
        }
        return added;
    }

    /** {@link TaskQueue#keepRetryMarks}. */
    void keepRetryMarks(List<TaskMessage> retried, long seconds) {
        if (retried.isEmpty()) {
            return;
        }
        scripts.redis.call(j -> {
            Pipeline p = j.pipelined();
            for (TaskMessage t : retried) {
                p.expire(RedisKeys.retryScheduled(t.id(), t.attempt()), seconds);
            }
            p.sync();
            return null;
        });
    }

    /** {@link TaskQueue#waitingToBePlaced}. */
    long waitingToBePlaced() {
        return messagesIn(scripts.redis, RedisKeys.submittedInOrder());
    }

    /**
     * {@link TaskQueue#messagesIn}: the lengths of {@code lists} in one round trip, less a wake-up
     * ({@link TaskQueue#WAKE_PLACER}) at the head of tasks:submitted, which is no task.
     */
    static long messagesIn(Redis redis, List<String> lists) {
        return redis.call(j -> {
            Pipeline p = j.pipelined();
            List<Response<Long>> lengths = new ArrayList<>(lists.size());
            for (String key : lists) {
                lengths.add(p.llen(key));
            }
            Response<String> head = lists.contains(RedisKeys.submitted()) ? p.lindex(RedisKeys.submitted(), 0) : null;
            p.sync();
            long n = head != null && TaskQueue.WAKE_PLACER.equals(head.get()) ? -1 : 0;
            for (Response<Long> l : lengths) {
                n += l.get();
            }
            return n;
        });
    }

    /** {@link TaskQueue#releaseDue}. */
    int releaseDue(int max) {
        List<String> keys = new ArrayList<>(List.of(RedisKeys.delayed()));
        for (int p = 0; p <= TaskMessage.MAX_PRIORITY; p++) {
            keys.add(RedisKeys.submitted(p));
        }
        List<String> args = List.of(Long.toString(scripts.now()), Integer.toString(max),
                Integer.toString(TaskMessage.DEFAULT_PRIORITY));
        return (int) (long) scripts.redis.call(j -> (Long) RELEASE_DUE.run(j, keys, args));
    }

    /** {@link TaskQueue#delayedCount}. */
    long delayedCount() {
        return scripts.redis.call(j -> j.zcard(RedisKeys.delayed()));
    }

    /**
     * {@link TaskQueue#requeueForPlacement}. Sent back to tasks:submitted, a task of another
     * priority goes to the list of its priority (and a placer waiting is woken).
     */
    int requeueForPlacement(String list, String dest, UnaryOperator<TaskMessage> again) {
        List<String> held = scripts.pending(list);
        List<Move> moves = new ArrayList<>(held.size());
        Set<String> lanes = new HashSet<>();
        // Prepended from the newest back, so they keep their order.
        for (int i = held.size() - 1; i >= 0; i--) {
            String raw = held.get(i);
            try {
                TaskMessage task = again.apply(TaskMessage.read(raw));
                String to = dest.equals(RedisKeys.submitted()) ? RedisKeys.submitted(priorityOf(task)) : dest;
                if (!to.equals(dest)) {
                    lanes.add(to);
                }
                moves.add(Move.prepend(raw, to, Json.write(task)));
            } catch (MalformedMessageException e) {
                moves.add(Move.deadLetter(raw, DeadLetters.entry(list, raw, e.getMessage())));
            }
        }
        int moved = scripts.moveFromAnywhere(list, moves);
        for (String lane : lanes) {
            submitToLane(lane, List.of());
        }
        return moved;
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
