package colmena.config;

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
    public static final Option DB = Option.value("db", "COLMENA_DB_URL", null, "JDBC-URL",
            "TaskHistory database (jdbc:h2:... or jdbc:sqlserver://...); default an H2 file under --data-dir");
    public static final Option DB_USER = Option.value("db-user", "COLMENA_DB_USER", null, "NAME",
            "database user (SQL Server)");
    public static final Option DB_PASSWORD = Option.value("db-password", "COLMENA_DB_PASSWORD", null, "SECRET",
            "database password (SQL Server)");
    public static final Option DATA_DIR = Option.value("data-dir", "COLMENA_DATA_DIR", "data", "DIR",
            "folder for the default H2 database and the bundled Redis's files");
    public static final Option INTERVAL = Option.value("interval", "COLMENA_INTERVAL",
            Flags.format(DEFAULT_INTERVAL), "DURATION", "stats interval: agents report this often");

    private Settings() {
    }
}
