package colmena.coordinator;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;

import java.time.Duration;
import java.util.List;

/**
 * The lease that lets one coordinator work while others stand by: a key that expires unless its
 * holder renews it. A holder counts itself the leader only until its last renewal would have
 * expired, less a margin, so two never act as leader at once while their clocks run alike.
 */
final class LeaderLease {
    /*
     * KEYS[1] the lease, KEYS[2] the standby set. A holder that does not get the lease is entered in
     * the standby set until Redis's own clock passes the lease's time to live, so the dashboard can
     * tell "one working, one standing by" from "one working" (replicate_commands: TIME before a
     * write, for Redis 5).
     */
    private static final String RENEW = """
            redis.replicate_commands()
            local ours = 0
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              ours = 1
            elseif redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              ours = 1
            end
            if ours == 1 then
              redis.call('ZREM', KEYS[2], ARGV[1])
            else
              local t = redis.call('TIME')
              redis.call('ZADD', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2]), ARGV[1])
            end
            return ours
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

    /** Takes the lease if free, renews it if ours; returns whether we hold it now. */
    boolean renew() {
        long asked = System.nanoTime();
        Object got = redis.call(j -> j.eval(RENEW, List.of(RedisKeys.LEADER, RedisKeys.COORDINATOR_STANDBY),
                List.of(holder, Long.toString(ttl.toMillis()))));
        boolean ours = Long.valueOf(1).equals(got);
        validUntilNanos = ours ? asked + ttl.toNanos() - ttl.toNanos() / 5 : 0;
        return ours;
    }

    boolean isLeader() {
        return System.nanoTime() - validUntilNanos < 0;
    }

    /** Who holds the lease now, or null. */
    String currentHolder() {
        return redis.call(j -> j.get(RedisKeys.LEADER));
    }

    void release() {
        validUntilNanos = 0;
        redis.call(j -> j.eval(RELEASE, List.of(RedisKeys.LEADER, RedisKeys.COORDINATOR_STANDBY), List.of(holder)));
    }

    String holder() {
        return holder;
    }
}
