package colmena.install;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.Script;

import java.util.List;

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

    /** Renames the stamp of one installation, keeping its expiry; its contract: lua/stamp_rename.lua. */
    private static final Script RENAME = Script.load("stamp_rename");

    /**
     * Carries a new name to Redis at once (the database holds it already), if Redis's stamp is
     * {@code installation}'s; the leader keeps a stamp's text as it is and only renews it.
     *
     * @return whether Redis held this installation's stamp
     */
    public static boolean rename(Redis redis, Installation installation) {
        Object done = RENAME.run(redis, List.of(RedisKeys.installation()), List.of(installation.id(), installation.name()));
        return Long.valueOf(1).equals(done);
    }

    public String describe() {
        return id + (name.isEmpty() ? "" : " \"" + name + "\"");
    }
}
