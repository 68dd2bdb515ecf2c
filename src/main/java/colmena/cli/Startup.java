package colmena.cli;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.log.Outage;
import colmena.store.Database;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/** What every process does on the way up: read its flags, reach Redis and the database, wait for Ctrl+C. */
final class Startup {
    private Startup() {
    }

    /** Parses flags; {@code null} when {@code --help} was asked for (the usage is then printed). */
    static Flags flags(String command, String summary, List<Option> options, String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(Flags.usage(command, summary, options));
                return null;
            }
        }
        Flags flags = Flags.parse(command, options, args, System.getenv());
        if (options.contains(Settings.NAMESPACE)) {
            try {
                RedisKeys.useNamespace(flags.string("namespace"));
            } catch (IllegalArgumentException e) {
                throw new UsageException(flags.source("namespace") + ": " + e.getMessage());
            }
        }
        return flags;
    }

    /** {@code options} with the ones every long-running process shares: the start wait, pid and stop files. */
    static List<Option> withProcessOptions(List<Option> options) {
        List<Option> all = new ArrayList<>(options);
        all.addAll(List.of(Settings.WAIT_FOR_REDIS, Settings.PID_FILE, Settings.STOP_FILE));
        return all;
    }

    /** The TaskHistory database: {@code --db}, else the default H2 file under {@code --data-dir}. */
    static String dbUrl(Flags flags) {
        String db = flags.string("db");
        return db != null ? db : Database.defaultUrl(Path.of(flags.string("data-dir")));
    }

    /** This machine's host name, or {@code fallback} when it cannot be found. */
    static String hostName(String fallback) {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return fallback;
        }
    }

    /** How long to wait at start for Redis and the database ({@code --wait-for-redis}). */
    static Duration startWait(Flags flags) {
        return flags.duration("wait-for-redis", Duration.ZERO, Duration.ofHours(1));
    }

    /**
     * Connects and waits, up to {@code wait}, for Redis to answer (a launcher may still be starting
     * it), printing a line while it waits. A refused password, or a request Redis cannot serve
     * at all, fails at once: waiting would not help.
     *
     * @throws StartupException one line naming the address and what to do
     */
    static Redis redis(String url, int connections, Duration wait) {
        Redis redis;
        try {
            redis = Redis.connect(url, connections);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--redis: " + e.getMessage());
        }
        StartWait waiting = new StartWait("Redis at " + redis.url(), wait);
        while (true) {
            try {
                redis.ping();
                waiting.done();
                return redis;
            } catch (RuntimeException e) {
                String reason = Outage.reason(e);
                String refused = authProblem(reason);
                if (refused != null) {
                    redis.close();
                    if (redis.user() != null && !reason.toUpperCase(Locale.ROOT).contains("ARGUMENTS")) {
                        refused = "the credential of node \"" + redis.user() + "\" was removed or mistyped; ask for a new "
                                + "line to run ('colmena node add " + redis.user() + "' on the teacher's machine)";
                    }
                    throw new StartupException("Redis at " + redis.url() + " refused the login (" + reason + "); " + refused);
                }
                if (!waiting.again(reason)) {
                    redis.close();
                    throw new StartupException("cannot reach Redis at " + redis.url() + waiting.waitedFor() + " ("
                            + reason + "); start one with: java -jar dist/colmena.jar redis");
                }
            }
        }
    }

    /** What to do about an authentication failure, or null when {@code reason} is not one. */
    static String authProblem(String reason) {
        String r = reason.toUpperCase(Locale.ROOT);
        if (r.contains("WRONG NUMBER OF ARGUMENTS FOR 'AUTH'")) {
            return "a user name in the URL needs Redis 6.0 or newer; give only the password: redis://:PASSWORD@host:port";
        }
        if (r.contains("NOAUTH")) {
            return "give its password in the URL: redis://:PASSWORD@host:port";
        }
        if (r.contains("WRONGPASS") || r.contains("INVALID PASSWORD") || r.contains("INVALID USERNAME")) {
            return "check the password in the URL (redis://:PASSWORD@host:port)";
        }
        if (r.contains("NO PASSWORD IS SET") || r.contains("WITHOUT ANY PASSWORD CONFIGURED")) {
            return "this Redis has no password; leave it out of the URL";
        }
        return null;
    }

    /**
     * Opens TaskHistory, waiting up to {@code wait} while the database cannot be reached (a SQL
     * Server still starting, an H2 file another process is opening). A refused login fails at once.
     *
     * @throws StartupException one line naming the database
     */
    static Database database(String url, String user, String password, Duration wait) {
        String shown = url.replaceAll("(?i)(password|pwd)=[^;]*", "$1=***");
        StartWait waiting = new StartWait("the database " + shown, wait);
        while (true) {
            try {
                Database db = Database.open(url, user, password);
                waiting.done();
                return db;
            } catch (IllegalArgumentException e) {
                throw new UsageException("--db: " + e.getMessage());
            } catch (SQLException e) {
                boolean login = e.getSQLState() != null && e.getSQLState().startsWith("28");
                if (login || !waiting.again(Outage.reason(e))) {
                    throw new StartupException("cannot open the database " + shown
                            + (login ? "" : waiting.waitedFor()) + " (" + Outage.reason(e) + ")");
                }
            }
        }
    }

    /**
     * Blocks until the JVM is asked to stop (Ctrl+C, SIGTERM, or the {@code --stop-file}), after
     * running {@code onStop} in a shutdown hook.
     */
    static void runUntilStopped(Runnable onStop) {
        awaitStop(stopOnExit(onStop));
    }

    /**
     * Runs {@code onStop} in a shutdown hook from now on, so a stop that comes while the process is
     * still starting (a stop file found, Ctrl+C) runs it too; the returned latch opens once it has
     * run. {@code onStop} must cope with a start that has not finished or not begun.
     */
    static CountDownLatch stopOnExit(Runnable onStop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                onStop.run();
            } finally {
                stopped.countDown();
            }
        }, "colmena-shutdown"));
        return stopped;
    }

    /** Blocks until the shutdown hook of {@link #stopOnExit} has run. */
    static void awaitStop(CountDownLatch stopped) {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
