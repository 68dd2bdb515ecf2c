package colmena.coordinator;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.install.Installation;
import colmena.install.Stamp;

import java.time.Duration;
import java.util.List;

/**
 * The lease that lets one coordinator work while others stand by: a key that expires unless its
 * holder renews it. A holder counts itself the leader only until its last renewal would have
 * expired, less a margin, so two never act as leader at once while their clocks run alike.
 *
 * <p>The lease belongs to an installation: renewing it checks, in the same script, that Redis's
 * installation stamp ({@link RedisKeys#installation()}) names this coordinator's installation. The
 * leader stamps a Redis that has none (new, or emptied) and keeps the stamp alive for
 * {@link #STAMP_TTL}; a coordinator of another installation never gets the lease.
 */
final class LeaderLease {
    /**
     * An installation's stamp outlives its last coordinator this long: a restart within it finds
     * its Redis still claimed, and a new installation may claim the Redis only after it.
     */
    static final Duration STAMP_TTL = Duration.ofSeconds(10);

    /*
     * KEYS[1] the lease, KEYS[2] the installation's stamp, KEYS[3] the standby set. Returns {1 or 0
     * (leader or not), stamp before} or {-1, the other installation's stamp}. A holder that does not
     * get the lease is entered in the standby set until Redis's own clock passes the lease's time to
     * live, so the dashboard can tell "one working, one standing by" from "one working"
     * (replicate_commands: TIME before a write, for Redis 5).
     */
    private static final String RENEW = """
            redis.replicate_commands()
            local cur = redis.call('GET', KEYS[2])
            if cur and string.match(cur, '^(%S+)') ~= ARGV[3] then
              if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
              redis.call('ZREM', KEYS[3], ARGV[1])
              return {-1, cur}
            end
            local ours = 0
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              ours = 1
            elseif redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              ours = 1
            end
            if ours == 1 then
              if cur then redis.call('PEXPIRE', KEYS[2], ARGV[5]) -- keeps a name given since
              else redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5]) end
              redis.call('ZREM', KEYS[3], ARGV[1])
            else
              local t = redis.call('TIME')
              redis.call('ZADD', KEYS[3], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2]), ARGV[1])
            end
            return {ours, cur or ''}
            """;
    private static final String RELEASE = """
            redis.call('ZREM', KEYS[2], ARGV[1])
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """;

    private final Redis redis;
    private final String holder;
    private final Duration ttl;
    private volatile long validUntilNanos;

    LeaderLease(Redis redis, String holder, Duration ttl) {
        this.redis = redis;
        this.holder = holder;
        this.ttl = ttl;
    }

    /**
     * What a renewal found.
     *
     * @param stamp the installation stamp Redis held before the call (null when none)
     */
    record Renewal(boolean leader, boolean foreign, Stamp stamp) {
    }

    /**
     * Takes the lease if free, renews it if ours, both only for {@code installation}: a Redis
     * stamped by another installation gives no lease (and takes back one this holder had).
     */
    Renewal renew(Installation installation) {
        long asked = System.nanoTime();
        Object got = redis.call(j -> j.eval(RENEW, List.of(RedisKeys.leader(), RedisKeys.installation(),
                        RedisKeys.coordinatorStandby()),
                List.of(holder, Long.toString(ttl.toMillis()), installation.id(), installation.stamp(),
                        Long.toString(STAMP_TTL.toMillis()))));
        List<?> answer = (List<?>) got;
        long code = (Long) answer.get(0);
        Stamp stamp = Stamp.parse((String) answer.get(1));
        boolean ours = code == 1;
        validUntilNanos = ours ? asked + ttl.toNanos() - ttl.toNanos() / 5 : 0;
        return new Renewal(ours, code == -1, stamp);
    }

    /** Stops counting itself the leader at once (the key expires, or {@link #release} removes it). */
    void resign() {
        validUntilNanos = 0;
    }

    boolean isLeader() {
        return System.nanoTime() - validUntilNanos < 0;
    }

    /** Who holds the lease now, or null. */
    String currentHolder() {
        return redis.call(j -> j.get(RedisKeys.leader()));
    }

    void release() {
        validUntilNanos = 0;
        redis.call(j -> j.eval(RELEASE, List.of(RedisKeys.leader(), RedisKeys.coordinatorStandby()), List.of(holder)));
    }

    String holder() {
        return holder;
    }
}
