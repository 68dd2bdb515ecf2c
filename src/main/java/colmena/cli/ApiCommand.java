package colmena.cli;

import colmena.api.ApiServer;
import colmena.api.TlsException;
import colmena.api.WebSecurity;
import colmena.auth.OwnerOnly;
import colmena.auth.UserStore;
import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** {@code colmena api}: the REST API and the dashboard. */
final class ApiCommand {
    static final List<Option> OPTIONS = List.of(
            Settings.REDIS, Settings.NAMESPACE, Settings.DB, Settings.DB_USER, Settings.DB_PASSWORD, Settings.DATA_DIR,
            Option.value("port", "COLMENA_API_PORT", Integer.toString(Settings.DEFAULT_API_PORT), "N",
                    "port for the API and the dashboard (0 picks a free one)"),
            Option.value("bind", "COLMENA_API_BIND", "127.0.0.1", "ADDRESS",
                    "address to listen on; 0.0.0.0 lets other machines in"),
            Option.value("alert-cpu", "COLMENA_ALERT_CPU", "90", "PERCENT", "alert when a node's CPU stays above this"),
            Option.value("alert-memory", "COLMENA_ALERT_MEMORY", "90", "PERCENT", "alert when memory stays above this"),
            Option.value("alert-disk", "COLMENA_ALERT_DISK", "95", "PERCENT", "alert when disk use stays above this"),
            Option.value("alert-after", "COLMENA_ALERT_AFTER", "5s", "DURATION", "how long a value must stay above to alert"),
            Option.value("admin-password", "COLMENA_ADMIN_PASSWORD", null, "SECRET",
                    "password of the admin account (default: a random one, made and printed once on first start)"),
            Option.value("session-ttl", "COLMENA_SESSION_TTL", "8h", "DURATION", "how long a dashboard login lasts"),
            Option.value("max-unplaced", "COLMENA_MAX_UNPLACED", Long.toString(ApiServer.DEFAULT_MAX_UNPLACED), "N",
                    "most tasks waiting for a coordinator to place them; beyond it POST /api/tasks answers 503 (0: no bound)"),
            Option.flag("no-auth", "COLMENA_NO_AUTH", "no login at all: anyone who reaches the port is admin (single-user laptop only)"),
            Option.value("nodes-max-age", "COLMENA_NODES_MAX_AGE", "250ms", "DURATION",
                    "the nodes' figures, and the newest page of each task list filter, are shared by all requests for at most this long (or ten times as long as a slow read took), read again ahead of time; 0 reads them for every request"),
            // How the API faces the network: WebSecurity.
            Option.flag("tls", "COLMENA_TLS", "serve HTTPS; without --tls-keystore a self-signed certificate is made on "
                    + "first start (under --data-dir) and its fingerprint printed"),
            Option.value("tls-keystore", "COLMENA_TLS_KEYSTORE", null, "FILE", "a PKCS#12 keystore (.p12) holding the key and "
                    + "certificate to serve with"),
            Option.value("tls-password-file", "COLMENA_TLS_PASSWORD_FILE", null, "FILE", "a file holding the keystore's password"),
            Option.flag("insecure-http", "COLMENA_INSECURE_HTTP", "allow plain HTTP on an address other machines reach "
                    + "(passwords and cookies then cross the network in clear)"),
            Option.value("host-name", "COLMENA_API_HOSTS", null, "NAMES", "further names (comma-separated) browsers may use "
                    + "for this server, e.g. a DNS name or a proxy's; localhost, this machine's name and IP addresses always work"));
    static final String SUMMARY = "Serves the REST API and the live dashboard.";

    private ApiCommand() {
    }

    /**
     * Shows the admin password made on first start where only this user sees it, never through
     * the log (whose output the start scripts keep in logs/api.log): on the terminal when there is
     * one, else in an owner-only file of the data folder that the start scripts show and the
     * admin's first login deletes.
     */
    private static void showFirstPassword(ApiServer server, String url, Logger log) {
        String reset = "Forgot it? java -jar dist/colmena.jar admin reset-password";
        Console console = System.console();
        if (console != null) {
            console.printf("==============================================================%n"
                    + " Colmena admin account created. Log in at %s%n"
                    + "   user:     admin%n"
                    + "   password: %s%n"
                    + " It is shown only this once. %s%n"
                    + "==============================================================%n", url, server.generatedAdminPassword(), reset);
            console.flush();
            log.info("Colmena admin account created (user admin); its password was shown on the terminal, not in this log");
            return;
        }
        Path file = server.firstPasswordFile();
        try {
            OwnerOnly.writeSecret(file, server.generatedAdminPassword() + System.lineSeparator());
            log.info("Colmena admin account created (user admin). Its password is in {} (readable by you only, deleted at the "
                    + "admin's first login); it is not in this log. {}", file.toAbsolutePath(), reset);
        } catch (IOException e) {
            throw new StartupException("cannot write the first admin password to " + file + " (" + e.getMessage()
                    + "); set it with COLMENA_ADMIN_PASSWORD_FILE instead");
        }
    }

    static int run(String[] args) {
        Flags flags = Startup.flags("api", SUMMARY, Startup.withProcessOptions(OPTIONS), args);
        if (flags == null) {
            return 0;
        }
        ApiServer.Config config = config(flags);
        ProcessFiles.install(flags);
        Redis redis = Startup.redis(config.redisUrl(), 16, Startup.startWait(flags));
        Database db = Startup.database(config.dbUrl(), config.dbUser(), config.dbPassword(), Startup.startWait(flags));
        ApiServer server = server(config, redis, db);
        server.start();
        Logger log = LoggerFactory.getLogger(ApiCommand.class);
        String url = config.web().scheme() + "://localhost:" + server.port();
        logSecurity(server, config, url, log);
        logListening(server, config, url, log);
        Startup.runUntilStopped(() -> {
            server.stop();
            redis.close();
        });
        return 0;
    }

    /** The API server, not yet started; on failure Redis is closed and the reason said. */
    static ApiServer server(ApiServer.Config config, Redis redis, Database db) {
        try {
            return new ApiServer(config, redis, db);
        } catch (IOException e) {
            redis.close();
            throw new StartupException("cannot listen on " + config.bind() + ":" + config.port() + " (" + e.getMessage()
                    + "); is another API running? Choose another --port");
        } catch (SQLException e) {
            redis.close();
            throw new StartupException("cannot set up the admin account in the database (" + e.getMessage() + ")");
        } catch (TlsException e) {
            redis.close();
            throw new StartupException(e.getMessage());
        }
    }

    /** Says how the API is protected: its certificate, or a warning for plain HTTP or no login; a first admin password. */
    private static void logSecurity(ApiServer server, ApiServer.Config config, String url, Logger log) {
        if (server.tlsFingerprint() != null) {
            log.info("HTTPS with {} certificate {} (SHA-256 fingerprint {}){}", server.tlsCertificateMade() ? "the self-signed" : "the",
                    server.tlsKeystore(), server.tlsFingerprint(), server.tlsCertificateMade()
                            ? "; browsers warn about a self-signed certificate: check that they show this fingerprint before accepting it"
                            : "");
        } else if (config.web().insecureHttp()) {
            log.warn("--insecure-http: plain HTTP on {}. Passwords, session cookies and API tokens cross the network in clear, "
                    + "readable by anyone on it; use --tls unless this network is yours alone.", config.bind());
        }
        if (config.noAuth()) {
            log.warn("--no-auth: NO LOGIN. Anyone who can reach port {} can see, submit, and manage nodes. "
                    + "Use this only on a single-user laptop.", server.port());
        } else if (server.generatedAdminPassword() != null) {
            showFirstPassword(server, url, log);
        }
    }

    /** Says where the API listens: {@code url}, and the address others use when it listens on every address. */
    private static void logListening(ApiServer server, ApiServer.Config config, String url, Logger log) {
        String scheme = config.web().scheme();
        boolean everywhere = "0.0.0.0".equals(config.bind()) || "::".equals(config.bind());
        if (everywhere) {
            log.info("Colmena API listening on {} and on port {} of every address of this machine (others use {}://{}:{})",
                    url, server.port(), scheme, Startup.hostName("this-machine"), server.port());
        } else if (!"127.0.0.1".equals(config.bind()) && !"localhost".equals(config.bind())) {
            log.info("Colmena API listening on {}://{}:{}", scheme, config.bind(), server.port());
        } else {
            log.info("Colmena API listening on {}", url);
        }
    }

    /**
     * What the flags ask the API to be, once it is a configuration the API may run with.
     *
     * @throws UsageException naming a value out of range, a short admin password, or a setting that
     *                        would expose the API ({@link WebSecurity#check})
     */
    static ApiServer.Config config(Flags flags) {
        ApiServer.Config config = new ApiServer.Config(flags.string("redis"), Startup.dbUrl(flags), flags.string("db-user"),
                flags.string("db-password"), flags.integer("port", 0, 65_535), flags.string("bind"),
                flags.decimal("alert-cpu", 1, 100), flags.decimal("alert-memory", 1, 100),
                flags.decimal("alert-disk", 1, 100),
                flags.duration("alert-after", Duration.ZERO, Duration.ofHours(1)),
                adminPassword(flags), flags.duration("session-ttl", Duration.ofSeconds(1), Duration.ofDays(30)),
                flags.bool("no-auth"), flags.duration("nodes-max-age", Duration.ZERO, Duration.ofSeconds(10)),
                webSecurity(flags), flags.number("max-unplaced", 0, 100_000_000));
        try {
            return config.checked();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String adminPassword(Flags flags) {
        String p = flags.string("admin-password");
        if (p != null && p.length() < UserStore.MIN_PASSWORD) {
            throw new UsageException(flags.source("admin-password") + ": must be at least "
                    + UserStore.MIN_PASSWORD + " characters");
        }
        return p;
    }

    /** How the API faces the network, from the TLS and host-name flags. */
    static WebSecurity webSecurity(Flags flags) {
        String keystore = flags.string("tls-keystore");
        String passwordFile = flags.string("tls-password-file");
        boolean tls = flags.bool("tls") || keystore != null;
        if (passwordFile != null && keystore == null) {
            throw new UsageException(flags.source("tls-password-file") + ": goes with --tls-keystore (a made keystore "
                    + "keeps its own password)");
        }
        List<String> names;
        try {
            names = WebSecurity.parseHostNames(flags.string("host-name"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(flags.source("host-name") + ": " + e.getMessage());
        }
        return new WebSecurity(tls, keystore == null ? null : Path.of(keystore), passwordFile == null ? null : Path.of(passwordFile),
                flags.bool("insecure-http"), names, Path.of(flags.string("data-dir")));
    }
}
