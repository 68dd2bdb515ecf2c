package colmena.broker;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link TaskQueue}'s verbs for the dead-letter list: moving an unusable message there with the
 * reason, and reading it back. Each verb's contract is on {@link TaskQueue}.
 */
final class DeadLetters {
    private final QueueScripts scripts;

    DeadLetters(QueueScripts scripts) {
        this.scripts = scripts;
    }

    /** {@link TaskQueue#deadLetterEntry}. */
    static String entry(String source, String raw, String reason) {
        int keep = TaskQueue.DEAD_LETTER_RAW_CHARS;
        String kept = raw.length() > keep ? raw.substring(0, keep) : raw;
        return Json.write(new DeadLetter(source, reason, kept, System.currentTimeMillis()));
    }

    /** {@link TaskQueue#deadLetter}. */
    void deadLetter(String list, String cameFrom, String raw, String reason) {
        scripts.moveFromAnywhere(list, List.of(Move.deadLetter(raw, entry(cameFrom, raw, reason))));
    }

    /** {@link TaskQueue#deadLetters}. */
    List<DeadLetter> deadLetters(int limit) {
        List<String> raw = scripts.redis.call(j -> j.lrange(RedisKeys.deadLetter(), 0, limit - 1));
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
}
