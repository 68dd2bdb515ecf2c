package colmena.coordinator;

import colmena.broker.Redis;

/**
 * Tells "this node died" from "Redis was away". Stats keys expire while Redis is unreachable (or
 * come back expired when it restarts from its file), so right after an outage every node looks
 * gone. For {@link #GRACE_MS} after Redis returns (this coordinator saw it fail, or it has been up
 * less than that), a node's missing stats key is not taken as its death: agents retry well within
 * the grace and report again, and only a node still silent after it is reclaimed.
 */
final class RedisPresence {
    static final long GRACE_MS = 5_000;

    private final Redis redis;
    private volatile long lastFailureNanos = Long.MIN_VALUE;

    RedisPresence(Redis redis) {
        this.redis = redis;
    }

    /** This coordinator could not reach Redis just now. */
    void failed() {
        lastFailureNanos = System.nanoTime();
    }

    /**
     * Whether Redis has answered long enough that a node without a stats key has really stopped
     * reporting. Reads Redis's uptime (one small round trip), so a restart this coordinator did
     * not notice counts too.
     */
    boolean steady() {
        long failure = lastFailureNanos;
        if (failure != Long.MIN_VALUE && System.nanoTime() - failure < GRACE_MS * 1_000_000L) {
            return false;
        }
        return uptimeSeconds() * 1_000L >= GRACE_MS;
    }

    private long uptimeSeconds() {
        String info = redis.call(j -> j.info("server"));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("uptime_in_seconds:")) {
                try {
                    return Long.parseLong(line.substring("uptime_in_seconds:".length()).trim());
                } catch (NumberFormatException e) {
                    return Long.MAX_VALUE / 2_000;
                }
            }
        }
        return Long.MAX_VALUE / 2_000;
    }
}
