package colmena.coordinator;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.Script;
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

    /** Takes or renews the lease for one installation; its contract: lua/lease_renew.lua. */
    private static final Script RENEW = Script.load("lease_renew");
    /** Gives the lease up; its contract: lua/lease_release.lua. */
    private static final Script RELEASE = Script.load("lease_release");

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
        Object got = RENEW.run(redis, List.of(RedisKeys.leader(), RedisKeys.installation(), RedisKeys.coordinatorStandby()),
                List.of(holder, Long.toString(ttl.toMillis()), installation.id(), installation.stamp(),
                        Long.toString(STAMP_TTL.toMillis())));
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
        RELEASE.run(redis, List.of(RedisKeys.leader(), RedisKeys.coordinatorStandby()), List.of(holder));
    }

    String holder() {
        return holder;
    }
}
