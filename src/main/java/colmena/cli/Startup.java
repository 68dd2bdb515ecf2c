package colmena.cli;

import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.UsageException;
import colmena.store.Database;
import colmena.support.Outage;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
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
        return Flags.parse(command, options, args, System.getenv());
    }

    /** Connects and checks Redis answers, or fails with one line naming the address. */
    static Redis redis(String url, int connections) {
        Redis redis;
        try {
            redis = Redis.connect(url, connections);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--redis: " + e.getMessage());
        }
        try {
            redis.ping();
        } catch (RuntimeException e) {
            redis.close();
            String reason = Outage.reason(e);
            String hint = reason.contains("NOAUTH") || reason.contains("WRONGPASS") || reason.contains("invalid password")
                    ? "give its password in the URL: redis://:PASSWORD@host:port"
                    : "start one with: java -jar dist/colmena.jar redis";
            throw new StartupException("cannot reach Redis at " + redis.url() + " (" + reason + "); " + hint);
        }
        return redis;
    }

    /** Opens TaskHistory, or fails with one line naming the database. */
    static Database database(String url, String user, String password) {
        try {
            return Database.open(url, user, password);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--db: " + e.getMessage());
        } catch (SQLException e) {
            String shown = url.replaceAll("(?i)(password|pwd)=[^;]*", "$1=***");
            throw new StartupException("cannot open the database " + shown + " (" + Outage.reason(e) + ")");
        }
    }

    /** Blocks until the JVM is asked to stop, after running {@code onStop} in a shutdown hook. */
    static void runUntilStopped(Runnable onStop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                onStop.run();
            } finally {
                stopped.countDown();
            }
        }, "colmena-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, String> env() {
        return System.getenv();
    }
}
