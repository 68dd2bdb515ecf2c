package colmena.cli;

import colmena.broker.MalformedMessageException;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.log.Durations;
import colmena.log.Glyphs;
import colmena.log.Outage;
import colmena.task.TaskProgress;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
    private final int total;
    private final Duration timeout;
    private int failed;
    private long downSinceNanos = -1;
    /** How often the running tasks' progress is looked at, and shown when it changed. */
    static final long PROGRESS_EVERY_MS = 1_000;
    private long progressAtNanos = System.nanoTime();
    private String shownProgress = "";
    private final boolean terminal = System.console() != null;

    ResultWait(Redis redis, String reply, List<String> ids, Duration timeout) {
        this.redis = redis;
        this.reply = reply;
        this.waiting = new HashSet<>(ids);
        this.total = this.waiting.size();
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
                    clearProgressLine();
                    onReply(popped.get(1));
                }
                showProgressIfDue();
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
            r = TaskResult.read(raw);
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

    /**
     * Once a second: how many of several tasks are finished and what the running ones last said of
     * their progress, on one line of stderr (redrawn in place on a terminal, printed when it
     * changes otherwise).
     */
    private void showProgressIfDue() {
        if (System.nanoTime() - progressAtNanos < PROGRESS_EVERY_MS * 1_000_000L) {
            return;
        }
        progressAtNanos = System.nanoTime();
        Map<String, String> all = new Nodes(redis).allProgress();
        StringBuilder line = new StringBuilder();
        int shown = 0;
        int running = 0;
        for (String id : new TreeSet<>(waiting)) {
            String json = all.get(id);
            if (json == null) {
                continue;
            }
            running++;
            if (shown < 3) {
                line.append(shown == 0 ? "" : "; ").append(describe(id, json));
                shown++;
            }
        }
        if (running > shown) {
            line.append("; ").append(running - shown).append(" more running");
        }
        if (total > 1) {
            line.insert(0, (total - waiting.size()) + " of " + total + " finished" + (line.length() == 0 ? "" : "; "));
        }
        String now = line.toString();
        if (now.equals(shownProgress)) {
            return;
        }
        clearProgressLine();
        if (!now.isEmpty()) {
            System.err.print(terminal ? "\r" + now : now + System.lineSeparator());
            System.err.flush();
        }
        shownProgress = now;
    }

    /** {@code …b953e011 45 % row 300 of 1200}, from what the agent wrote. */
    static String describe(String id, String json) {
        String shortId = id.length() > 8 ? Glyphs.ellipsis() + id.substring(id.length() - 8) : id;
        TaskProgress p = TaskProgress.read(json);
        if (p == null) {
            return shortId + " running";
        }
        return shortId + " " + p.percent() + " %" + (p.text() == null ? "" : " " + p.text());
    }

    private void clearProgressLine() {
        if (terminal && !shownProgress.isEmpty()) {
            System.err.print("\r" + " ".repeat(shownProgress.length()) + "\r");
            System.err.flush();
            shownProgress = "";
        }
    }

    private void down(JedisConnectionException e) {
        if (downSinceNanos < 0) {
            downSinceNanos = System.nanoTime();
            System.err.println("Redis at " + redis.url() + " unreachable (" + Outage.reason(e) + "); still waiting for "
                    + waiting.size() + " results, reconnecting every " + RETRY_MS / 1000 + " s until --timeout "
                    + Durations.format(timeout));
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
            System.err.println("Gave up after " + Durations.format(timeout) + ": Redis at " + redis.url()
                    + " is still unreachable; " + waiting.size() + " results not seen (see the dashboard once it is back)");
            return SubmitCommand.EXIT_NO_REDIS;
        }
        System.err.println("Gave up after " + Durations.format(timeout) + ": " + waiting.size()
                + " tasks not finished yet (they go on; see the dashboard)");
        return SubmitCommand.EXIT_TIMEOUT;
    }
}
