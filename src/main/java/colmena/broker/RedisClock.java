package colmena.broker;

import redis.clients.jedis.Jedis;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One clock for every process of an installation: Redis's {@code TIME}. Machines in a lab keep
 * their own time, often minutes apart; times written to TaskHistory (submitted, started, finished,
 * stored) are all read on this clock, so a task never seems to start before it was submitted and
 * the tasks-per-minute figures count the minutes the dashboard shows.
 *
 * <p>Each process measures how far its own clock is from Redis's ({@link #offsetMs}, its clock minus
 * Redis's, the round trip halved) and corrects its readings by that. {@link #now()} never waits on
 * Redis for long: it measures again at most every {@link #RESYNC_MS}, and keeps the last figure
 * while Redis is away.
 */
public final class RedisClock {
    static final long RESYNC_MS = 10_000;
    /**
     * Moves this process's own clock, for testing a lab whose machines disagree on the time
     * ({@code -Dcolmena.clock.skewMs=-600000}: ten minutes slow). Zero in normal use.
     */
    static final long LOCAL_SKEW_MS = Long.getLong("colmena.clock.skewMs", 0L);

    private final Redis redis;
    private final ReentrantLock syncing = new ReentrantLock();
    private volatile long offsetMs;
    private volatile boolean measured;
    private volatile long triedAtNanos;

    RedisClock(Redis redis) {
        this.redis = redis;
    }

    /** This machine's own clock, epoch milliseconds. */
    public static long local() {
        return System.currentTimeMillis() + LOCAL_SKEW_MS;
    }

    /** Now, on Redis's clock, epoch milliseconds; this machine's clock until Redis has been asked once. */
    public long now() {
        if (!measured || System.nanoTime() - triedAtNanos > RESYNC_MS * 1_000_000L) {
            syncIfFree();
        }
        return local() - offsetMs;
    }

    /** How far this machine's clock is ahead of Redis's, in milliseconds (negative: behind). */
    public long offsetMs() {
        return offsetMs;
    }

    /** Whether {@link #offsetMs} has been measured. */
    public boolean measured() {
        return measured;
    }

    /**
     * Asks Redis for its time and takes the middle of the round trip as the moment it answered.
     *
     * @throws redis.clients.jedis.exceptions.JedisException when Redis does not answer
     */
    public void sync() {
        syncing.lock();
        try {
            triedAtNanos = System.nanoTime();
            long before = local();
            List<String> time = redis.call(Jedis::time);
            long after = local();
            long redisMs = Long.parseLong(time.get(0)) * 1_000L + Long.parseLong(time.get(1)) / 1_000L;
            offsetMs = before + (after - before) / 2 - redisMs;
            measured = true;
        } finally {
            syncing.unlock();
        }
    }

    private void syncIfFree() {
        if (!syncing.tryLock()) {
            return; // another thread is asking; this reading uses the last figure
        }
        try {
            if (measured && System.nanoTime() - triedAtNanos <= RESYNC_MS * 1_000_000L) {
                return;
            }
            sync();
        } catch (RuntimeException e) {
            // Redis is away: the last figure stands, and the next reading after RESYNC_MS asks again.
        } finally {
            syncing.unlock();
        }
    }
}
