package colmena.broker;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link TaskQueue}'s verbs for results: taking them from {@code results:queue} into the
 * coordinator's {@code results:storing}, answering {@code submit --wait} on {@code reply:<uuid>}
 * lists, and the per-minute counters. Each verb's contract is on {@link TaskQueue}.
 */
final class Replies {
    /** Pushes texts to {@code reply:<uuid>} lists, each of which then expires. Its contract: lua/reply.lua. */
    private static final Script REPLY = Script.load("checks", "reply");

    private final QueueScripts scripts;

    Replies(QueueScripts scripts) {
        this.scripts = scripts;
    }

    /** {@link TaskQueue#takeResults}. */
    List<String> takeResults(int max, Duration wait) {
        return scripts.take(RedisKeys.resultsQueue(), RedisKeys.storing(), max, wait);
    }

    /** {@link TaskQueue#outboxes}. */
    List<TaskQueue.Outbox> outboxes(List<String> nodeIds) {
        List<Response<Long>> results = new ArrayList<>(nodeIds.size());
        List<Response<Long>> dead = new ArrayList<>(nodeIds.size());
        scripts.redis.call(j -> {
            Pipeline p = j.pipelined();
            for (String id : nodeIds) {
                results.add(p.llen(RedisKeys.nodeResults(id)));
                dead.add(p.llen(RedisKeys.nodeDeadLetter(id)));
            }
            p.sync();
            return null;
        });
        List<TaskQueue.Outbox> out = new ArrayList<>(nodeIds.size());
        for (int i = 0; i < nodeIds.size(); i++) {
            out.add(new TaskQueue.Outbox(results.get(i).get(), dead.get(i).get()));
        }
        return out;
    }

    /** {@link TaskQueue#reply}. */
    void reply(Map<String, List<String>> replies) {
        if (replies.isEmpty()) {
            return;
        }
        List<String> fenced = scripts.fenceArgs();
        List<String> args = new ArrayList<>();
        args.add(fenced.get(0));
        args.add(Long.toString(TaskQueue.REPLY_KEPT_SECONDS));
        args.add(fenced.get(1));
        replies.forEach((list, texts) -> {
            for (String text : texts) {
                args.add(list);
                args.add(text);
            }
        });
        scripts.runFenced(REPLY, List.of(RedisKeys.leader(), RedisKeys.installation()), args);
    }

    /** {@link TaskQueue#count}. */
    void count(Map<String, Long> counts, long keptSeconds) {
        if (counts.isEmpty()) {
            return;
        }
        scripts.redis.call(j -> {
            Pipeline p = j.pipelined();
            counts.forEach((key, n) -> {
                p.incrBy(key, n);
                p.expire(key, keptSeconds);
            });
            p.sync();
            return null;
        });
    }
}
