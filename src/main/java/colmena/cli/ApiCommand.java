package colmena.cli;

import colmena.api.ApiServer;
import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.store.Database;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/** {@code colmena api}: the REST API and the dashboard. */
final class ApiCommand {
    private ApiCommand() {
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this-machine";
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
        } catch (java.sql.SQLException e) {
            redis.close();
            throw new StartupException("cannot set up the admin account in the database (" + e.getMessage() + ")");
        } catch (colmena.api.TlsException e) {
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
            // Printed this once, in the first lines of the log; only its hash is stored.
            log.info("==============================================================");
            log.info(" Colmena admin account created. Log in at {}", url);
            log.info("   user:     admin");
            log.info("   password: {}", server.generatedAdminPassword());
            log.info(" It is shown only this once. To choose it yourself, set");
            log.info(" COLMENA_ADMIN_PASSWORD (or --admin-password) and restart.");
            log.info("==============================================================");
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
