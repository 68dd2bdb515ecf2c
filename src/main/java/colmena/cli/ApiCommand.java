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

    static int run(String[] args) {
        Flags flags = Startup.flags("api", ApiServer.SUMMARY, ApiServer.OPTIONS, args);
        if (flags == null) {
            return 0;
        }
        ApiServer.Config config = ApiServer.Config.from(flags);
        Redis redis = Startup.redis(config.redisUrl(), 16);
        Database db = Startup.database(config.dbUrl(), config.dbUser(), config.dbPassword());
        ApiServer server;
        try {
            server = new ApiServer(config, redis, db);
        } catch (IOException e) {
            redis.close();
            throw new StartupException("cannot listen on " + config.bind() + ":" + config.port() + " (" + e.getMessage()
                    + "); is another API running? Choose another --port");
        }
        server.start();
        String host = "0.0.0.0".equals(config.bind()) || "::".equals(config.bind()) ? "localhost" : config.bind();
        if ("127.0.0.1".equals(host)) {
            host = "localhost";
        }
        LoggerFactory.getLogger(ApiCommand.class).info("Colmena API listening on http://{}:{}", host, server.port());
        Startup.runUntilStopped(() -> {
            server.stop();
            redis.close();
        });
        return 0;
    }
}
