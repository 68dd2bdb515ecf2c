package colmena.cli;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.log.Outage;
import colmena.task.InvalidTaskException;
import colmena.task.Param;
import colmena.task.TaskMessage;
import colmena.task.TaskType;
import colmena.task.TaskTypes;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code colmena submit}: queues tasks for the coordinator and prints their ids; with
 * {@code --wait}, prints each result as it is stored.
 */
final class SubmitCommand {
    static final int MAX_COUNT = 1_000_000;
    /** Exit codes, as {@code --help} lists them. */
    static final int EXIT_ALL_DONE = 0;
    static final int EXIT_SOME_FAILED = 1;
    static final int EXIT_TIMEOUT = 3;
    static final int EXIT_NO_REDIS = 4;
    static final List<Option> OPTIONS = List.of(
            Settings.REDIS, Settings.NAMESPACE,
            Option.value("type", null, null, "TYPE", "task type (see the list above)"),
            Option.repeated("param", "NAME=VALUE", "a parameter of the type"),
            Option.value("count", null, "1", "N", "how many tasks (1 to " + MAX_COUNT + ")"),
            Option.value("retries", null, "0", "N", "try a run that FAILED again up to N times (0 to "
                    + TaskMessage.MAX_RETRIES + "), waiting 1 s, 2 s, 4 s… (with jitter) in between"),
            Option.value("priority", null, "5", "0-9", "higher is placed and run first (above 5, stored first too)"),
            Option.flag("wait", null, "wait for the results and print them (exit codes below)"),
            Option.value("timeout", null, "10m", "DURATION", "with --wait, give up after this long (exit 3)"),
            Settings.WAIT_FOR_REDIS,
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
        return sb.append("\n\nExit codes: " + EXIT_ALL_DONE + " submitted (with --wait: every task DONE), "
                + EXIT_SOME_FAILED + " a task FAILED, 2 bad usage, " + EXIT_TIMEOUT + " --timeout passed first, "
                + EXIT_NO_REDIS + " Redis could not be reached (or refused the password) within --wait-for-redis,"
                + " or stayed unreachable until --timeout")
                .append("\n\nExamples:\n  submit --type primes --param n=2000000 --count 20 --wait\n"
                + "  submit --api http://teachers-pc:8000 --token colmena_... --type sleep --param ms=500 --count 5 --wait").toString();
    }

    static int run(String[] args) throws InterruptedException {
        Flags flags = Startup.flags("submit", summary(), OPTIONS, args);
        if (flags == null) {
            return 0;
        }
        String type = flags.required("type");
        Map<String, Object> params = params(flags.all("param"));
        try {
            TaskTypes.checkSubmitted(type, params);
        } catch (InvalidTaskException e) {
            throw new UsageException(e.getMessage());
        }
        int count = flags.integer("count", 1, MAX_COUNT);
        int retries = flags.integer("retries", 0, TaskMessage.MAX_RETRIES);
        int priority = flags.integer("priority", 0, TaskMessage.MAX_PRIORITY);
        boolean wait = flags.bool("wait");
        Duration timeout = flags.duration("timeout", Duration.ofSeconds(1), Duration.ofDays(7));

        if (flags.string("api") != null) {
            return ApiSubmitter.submit(flags.string("api"), flags.string("token"), type, params, count, retries, priority, wait, timeout);
        }
        String reply = wait ? RedisKeys.newReply(UUID.randomUUID()) : null;
        try (Redis redis = connect(flags)) {
            List<String> ids = submit(redis, type, params, count, reply, retries, priority);
            for (String id : ids) {
                System.out.println(id);
            }
            System.err.println("Submitted " + count + " × " + TaskMessage.submit("", type, params, 0, null).describe()
                    + (wait ? "; waiting for results" : ""));
            return wait ? new ResultWait(redis, reply, ids, timeout).await() : 0;
        }
    }

    /** The {@code --param NAME=VALUE} values, in order: a whole number as a long, anything else as text. */
    private static Map<String, Object> params(List<String> given) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (String p : given) {
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
        return params;
    }

    /** Redis, within {@code --wait-for-redis}; exit code {@link #EXIT_NO_REDIS} when it cannot be reached. */
    private static Redis connect(Flags flags) {
        try {
            return Startup.redis(flags.string("redis"), 2, Startup.startWait(flags));
        } catch (StartupException e) {
            throw new StartupException(e.getMessage(), EXIT_NO_REDIS);
        }
    }

    private static List<String> submit(Redis redis, String type, Map<String, Object> params, int count, String reply,
            int retries, int priority) {
        try {
            return new TaskQueue(redis).submitNew(type, params, count, reply, retries, priority);
        } catch (JedisException e) {
            // Pushed in one pipeline: if Redis went away mid-way, some may be queued already.
            throw new StartupException("could not submit: Redis at " + redis.url() + " failed ("
                    + Outage.reason(e) + "); if it went away just then, see the dashboard before submitting again",
                    EXIT_NO_REDIS);
        }
    }
}
