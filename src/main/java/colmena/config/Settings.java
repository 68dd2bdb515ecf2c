package colmena.config;

import colmena.log.Durations;

import java.time.Duration;

/**
 * The options several subcommands share, each with its environment variable and default.
 * Subcommand-specific options live next to the subcommand; every default is written once.
 */
public final class Settings {
    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    public static final int DEFAULT_API_PORT = 8000;
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    public static final Option REDIS = Option.value("redis", "COLMENA_REDIS_URL", DEFAULT_REDIS_URL, "URL",
            "Redis to use: redis://[user:password@]host:port[/db], rediss:// for TLS");
    public static final Option NAMESPACE = Option.value("namespace", "COLMENA_NAMESPACE", null, "NAME",
            "prefix every Redis key with NAME: (two classes share one Redis without meeting); default none");
    public static final Option DB = Option.value("db", "COLMENA_DB_URL", null, "JDBC-URL",
            "TaskHistory database (jdbc:h2:... or jdbc:sqlserver://...); default an H2 file under --data-dir");
    public static final Option DB_USER = Option.value("db-user", "COLMENA_DB_USER", null, "NAME",
            "database user (SQL Server)");
    public static final Option DB_PASSWORD = Option.value("db-password", "COLMENA_DB_PASSWORD", null, "SECRET",
            "database password (SQL Server)");
    public static final Option DATA_DIR = Option.value("data-dir", "COLMENA_DATA_DIR", "data", "DIR",
            "folder for the default H2 database and the bundled Redis's files");
    public static final Option INTERVAL = Option.value("interval", "COLMENA_INTERVAL",
            Durations.format(DEFAULT_INTERVAL), "DURATION", "stats interval: agents report this often");

    public static final Duration DEFAULT_WAIT_FOR_REDIS = Duration.ofSeconds(60);
    public static final Option WAIT_FOR_REDIS = Option.value("wait-for-redis", "COLMENA_WAIT_FOR_REDIS",
            Durations.format(DEFAULT_WAIT_FOR_REDIS), "DURATION",
            "at start, wait this long for Redis (and the database) to answer; 0 fails at once");
    public static final Option PID_FILE = Option.value("pid-file", "COLMENA_PID_FILE", null, "FILE",
            "write this process's id to FILE while it runs (deleted on exit)");
    public static final Option STOP_FILE = Option.value("stop-file", "COLMENA_STOP_FILE", null, "FILE",
            "stop as on Ctrl+C when FILE appears (a graceful stop that works the same on Windows)");

    private Settings() {
    }
}
