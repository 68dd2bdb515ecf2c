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

    /** Gives the stamp of installation ARGV[1] the name ARGV[2], keeping its expiry; 0 when Redis holds another. */
    private static final String RENAME = """
            local cur = redis.call('GET', KEYS[1])
            if not cur or string.match(cur, '^(%S+)') ~= ARGV[1] then return 0 end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl > 0 then redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ttl)
            else redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2]) end
            return 1
            """;

    /**
     * Carries a new name to Redis at once (the database holds it already), if Redis's stamp is
     * {@code installation}'s; the leader keeps a stamp's text as it is and only renews it.
     *
     * @return whether Redis held this installation's stamp
     */
    public static boolean rename(Redis redis, Installation installation) {
        Object done = redis.call(j -> j.eval(RENAME, java.util.List.of(RedisKeys.installation()),
                java.util.List.of(installation.id(), installation.name())));
        return Long.valueOf(1).equals(done);
    }

    public String describe() {
        return id + (name.isEmpty() ? "" : " \"" + name + "\"");
    }
}
