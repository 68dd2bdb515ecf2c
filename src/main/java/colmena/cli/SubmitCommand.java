package colmena.cli;

import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.task.InvalidTaskException;
import colmena.task.Param;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import colmena.task.TaskType;
import colmena.task.TaskTypes;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code colmena submit}: queues tasks for the coordinator and prints their ids; with
 * {@code --wait}, prints each result as it is stored.
 */
final class SubmitCommand {
    static final int MAX_COUNT = 1_000_000;
    static final List<Option> OPTIONS = List.of(
            Settings.REDIS,
            Option.value("type", null, null, "TYPE", "task type (see the list above)"),
            Option.repeated("param", "NAME=VALUE", "a parameter of the type"),
            Option.value("count", null, "1", "N", "how many tasks (1 to " + MAX_COUNT + ")"),
            Option.flag("wait", null, "wait for the results and print them; exit 1 if any FAILED"),
            Option.value("timeout", null, "10m", "DURATION", "with --wait, give up after this long (exit 3)"),
            Option.value("api", "COLMENA_API_URL", null, "URL",
                    "submit through the API (e.g. http://teachers-pc:8000) instead of straight to Redis"),
            Option.value("token", "COLMENA_API_TOKEN", null, "TOKEN", "with --api: an API token made on the dashboard"));

    private SubmitCommand() {
    }

    static String summary() {
        StringBuilder sb = new StringBuilder("Queues tasks for the coordinator and prints their ids.\n\nTask types:");
        for (TaskType t : TaskTypes.all()) {
            if (t.madeByJobs()) {
                continue;
            }
            sb.append("\n  ").append(t.name()).append(" — ").append(t.summary());
            for (Param p : t.params()) {
                sb.append("\n      ").append(p.name()).append(": ").append(p.help()).append(" (")
                        .append(p.min()).append(" to ").append(p.max()).append(", default ").append(p.defaultValue())
                        .append(")");
            }
        }
        return sb.append("\n\nExamples:\n  submit --type primes --param n=2000000 --count 20 --wait\n"
                + "  submit --api http://teachers-pc:8000 --token colmena_... --type sleep --param ms=500 --count 5 --wait").toString();
    }

    static int run(String[] args) throws InterruptedException {
        Flags flags = Startup.flags("submit", summary(), OPTIONS, args);
        if (flags == null) {
            return 0;
        }
        String type = flags.required("type");
        Map<String, Object> params = new LinkedHashMap<>();
        for (String p : flags.all("param")) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--param: expected NAME=VALUE, got \"" + p + "\"");
            }
            String value = p.substring(eq + 1).trim();
            Object parsed;
            try {
                parsed = Long.parseLong(value);
            } catch (NumberFormatException e) {
                parsed = value;
            }
            params.put(p.substring(0, eq).trim(), parsed);
        }
        try {
            TaskTypes.checkSubmitted(type, params);
        } catch (InvalidTaskException e) {
            throw new UsageException(e.getMessage());
        }
        int count = flags.integer("count", 1, MAX_COUNT);
        boolean wait = flags.bool("wait");
        Duration timeout = flags.duration("timeout", Duration.ofSeconds(1), Duration.ofDays(7));

        if (flags.string("api") != null) {
            return ApiSubmitter.submit(flags.string("api"), flags.string("token"), type, params, count, wait, timeout);
        }
        String reply = wait ? RedisKeys.newReply(UUID.randomUUID()) : null;
        try (Redis redis = Startup.redis(flags.string("redis"), 2)) {
            List<String> ids = new TaskQueue(redis).submitNew(type, params, count, reply);
            for (String id : ids) {
                System.out.println(id);
            }
            System.err.println("Submitted " + count + " × " + TaskMessage.submit("", type, params, 0, null).describe()
                    + (wait ? "; waiting for results" : ""));
            return wait ? awaitResults(redis, reply, new HashSet<>(ids), timeout) : 0;
        }
    }

    private static int awaitResults(Redis redis, String reply, Set<String> waiting, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int failed = 0;
        while (!waiting.isEmpty()) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0) {
                System.err.println("Gave up after " + Flags.format(timeout) + ": " + waiting.size()
                        + " tasks not finished yet (they go on; see the dashboard)");
                return 3;
            }
            double seconds = Math.min(1.0, leftMs / 1000.0);
            var popped = redis.call(j -> j.blpop(seconds, reply));
            if (popped == null) {
                continue;
            }
            TaskResult r;
            try {
                r = Json.readResult(popped.getValue());
            } catch (MalformedMessageException e) {
                continue;
            }
            if (!waiting.remove(r.id())) {
                continue;
            }
            if (r.status() == TaskStatus.DONE) {
                System.out.println("✓ " + r.id() + " on " + r.node() + " in " + r.durationMs() + " ms → " + r.result());
            } else {
                failed++;
                System.out.println("✗ " + r.id() + " FAILED" + (r.node() == null ? "" : " on " + r.node()) + ": " + r.error());
            }
        }
        redis.call(j -> j.del(reply));
        return failed > 0 ? 1 : 0;
    }
}
