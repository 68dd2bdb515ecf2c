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
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
            return 0
            """;
    private static final String RELEASE = """
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
        Object got = redis.call(j -> j.eval(RENEW, List.of(RedisKeys.leader()),
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
        return redis.call(j -> j.get(RedisKeys.leader()));
    }

    void release() {
        validUntilNanos = 0;
        redis.call(j -> j.eval(RELEASE, List.of(RedisKeys.leader()), List.of(holder)));
    }

    String holder() {
        return holder;
    }
}
