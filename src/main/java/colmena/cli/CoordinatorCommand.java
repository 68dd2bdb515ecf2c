package colmena.cli;

import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.coordinator.Coordinator;
import colmena.store.Database;

/** {@code colmena coordinator}: placement and results. */
final class CoordinatorCommand {
    private CoordinatorCommand() {
    }

    static int run(String[] args) {
        Flags flags = Startup.flags("coordinator", Coordinator.SUMMARY, Startup.withProcessOptions(Coordinator.OPTIONS), args);
        if (flags == null) {
            return 0;
        }
        Coordinator.Config config = Coordinator.Config.from(flags);
        ProcessFiles.install(flags);
        Redis redis = Startup.redis(config.redisUrl(), 12, Startup.startWait(flags));
        Database db = Startup.database(config.dbUrl(), config.dbUser(), config.dbPassword(), Startup.startWait(flags));
        Coordinator coordinator = new Coordinator(config, redis, db);
        coordinator.start();
        Startup.runUntilStopped(() -> {
            coordinator.stop();
            redis.close();
        });
        return 0;
    }
}
