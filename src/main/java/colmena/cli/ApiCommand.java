package colmena.cli;

import colmena.api.ApiServer;
import colmena.api.TlsException;
import colmena.auth.OwnerOnly;
import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Console;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;

/** {@code colmena api}: the REST API and the dashboard. */
final class ApiCommand {
    private ApiCommand() {
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this-machine";
        }
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
        Flags flags = Startup.flags("api", ApiServer.SUMMARY, Startup.withProcessOptions(ApiServer.OPTIONS), args);
        if (flags == null) {
            return 0;
        }
        ApiServer.Config config = ApiServer.Config.from(flags);
        ProcessFiles.install(flags);
        Redis redis = Startup.redis(config.redisUrl(), 16, Startup.startWait(flags));
        Database db = Startup.database(config.dbUrl(), config.dbUser(), config.dbPassword(), Startup.startWait(flags));
        ApiServer server;
        try {
            server = new ApiServer(config, redis, db);
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
        server.start();
        var log = LoggerFactory.getLogger(ApiCommand.class);
        String scheme = config.web().scheme();
        String url = scheme + "://localhost:" + server.port();
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
        boolean everywhere = "0.0.0.0".equals(config.bind()) || "::".equals(config.bind());
        if (everywhere) {
            log.info("Colmena API listening on {} and on port {} of every address of this machine (others use {}://{}:{})",
                    url, server.port(), scheme, hostName(), server.port());
        } else if (!"127.0.0.1".equals(config.bind()) && !"localhost".equals(config.bind())) {
            log.info("Colmena API listening on {}://{}:{}", scheme, config.bind(), server.port());
        } else {
            log.info("Colmena API listening on {}", url);
        }
        Startup.runUntilStopped(() -> {
            server.stop();
            redis.close();
        });
        return 0;
    }
}
