package colmena.cli;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.support.Glyphs;
import colmena.support.Outage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code submit --wait}: prints each result as the coordinator replies, until all are in or the
 * timeout passes. Redis going away meanwhile is said once, waited out, and its return said; the
 * replies wait in Redis, so none is missed.
 */
final class ResultWait {
    /**
     * Each BLPOP waits this long, in whole seconds: Redis before 6.0 (the Windows build is 5.0)
     * refuses a fractional timeout.
     */
    static final int POP_SECONDS = 1;
    private static final long RETRY_MS = 1_000;

    private final Redis redis;
    private final String reply;
    private final Set<String> waiting;
    private final Duration timeout;
    private int failed;
    private long downSinceNanos = -1;

    ResultWait(Redis redis, String reply, List<String> ids, Duration timeout) {
        this.redis = redis;
        this.reply = reply;
        this.waiting = new HashSet<>(ids);
        this.timeout = timeout;
    }

    /** Waits and returns the exit code: 0 all DONE, 1 any FAILED, 3 timed out, 4 Redis unreachable at the end. */
    int await() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!waiting.isEmpty()) {
            if (System.nanoTime() >= deadline) {
                return gaveUp();
            }
            try {
                List<String> popped = redis.call(j -> j.blpop(POP_SECONDS, reply));
                back();
                if (popped != null) {
                    onReply(popped.get(1));
                }
            } catch (JedisConnectionException e) {
                down(e);
            }
        }
        try {
            redis.call(j -> j.del(reply));
        } catch (JedisException e) {
            // Best effort: the reply list expires by itself.
        }
        return failed > 0 ? SubmitCommand.EXIT_SOME_FAILED : SubmitCommand.EXIT_ALL_DONE;
    }

    private void onReply(String raw) {
        TaskResult r;
        try {
            r = Json.readResult(raw);
        } catch (MalformedMessageException e) {
            return;
        }
        if (!waiting.remove(r.id())) {
            return;
        }
        if (r.status() == TaskStatus.DONE) {
            System.out.println(Glyphs.check() + " " + r.id() + " on " + r.node() + " in " + r.durationMs() + " ms "
                    + Glyphs.arrow() + " " + r.result());
        } else {
            failed++;
            System.out.println(Glyphs.cross() + " " + r.id() + " FAILED" + (r.node() == null ? "" : " on " + r.node())
                    + ": " + r.error());
        }
    }

    private void down(JedisConnectionException e) {
        if (downSinceNanos < 0) {
            downSinceNanos = System.nanoTime();
            System.err.println("Redis at " + redis.url() + " unreachable (" + Outage.reason(e) + "); still waiting for "
                    + waiting.size() + " results, reconnecting every " + RETRY_MS / 1000 + " s until --timeout "
                    + Flags.format(timeout));
        }
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private void back() {
        if (downSinceNanos >= 0) {
            System.err.println("Redis back after " + Math.round((System.nanoTime() - downSinceNanos) / 1e9)
                    + " s; waiting for " + waiting.size() + " results");
            downSinceNanos = -1;
        }
    }

    private int gaveUp() {
        if (downSinceNanos >= 0) {
            System.err.println("Gave up after " + Flags.format(timeout) + ": Redis at " + redis.url()
                    + " is still unreachable; " + waiting.size() + " results not seen (see the dashboard once it is back)");
            return SubmitCommand.EXIT_NO_REDIS;
        }
        System.err.println("Gave up after " + Flags.format(timeout) + ": " + waiting.size()
                + " tasks not finished yet (they go on; see the dashboard)");
        return SubmitCommand.EXIT_TIMEOUT;
    }
}
