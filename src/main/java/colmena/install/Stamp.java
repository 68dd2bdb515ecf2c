package colmena.install;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;

/**
 * What Redis says about the installation of this namespace ({@link RedisKeys#installation()},
 * {@code <id> <name>}); the working coordinator keeps it alive, so it disappears a while after the
 * installation's last coordinator stopped, or at once when Redis is emptied.
 */
public record Stamp(String id, String name) {

    /** The stamp of this process's namespace, or null when there is none. */
    public static Stamp read(Redis redis) {
        return parse(redis.call(j -> j.get(RedisKeys.installation())));
    }

    /** Null for null; an id alone when the text has no name. */
    public static Stamp parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        int space = text.indexOf(' ');
        return space < 0 ? new Stamp(text, "") : new Stamp(text.substring(0, space), text.substring(space + 1));
    }

    public String describe() {
        return id + (name.isEmpty() ? "" : " \"" + name + "\"");
    }
}
