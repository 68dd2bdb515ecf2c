package colmena.cli;

import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.coordinator.Coordinator;
import colmena.coordinator.Placement;
import colmena.store.Database;
import colmena.store.Retention;

import java.nio.file.Path;
import java.util.List;

/** {@code colmena coordinator}: placement and results. */
final class CoordinatorCommand {
    static final List<Option> OPTIONS = List.of(
            Settings.REDIS, Settings.NAMESPACE, Settings.DB, Settings.DB_USER, Settings.DB_PASSWORD, Settings.DATA_DIR,
            Option.value("policy", "COLMENA_POLICY", "least-loaded", "NAME",
                    "how to choose a node: " + String.join(", ", Placement.NAMES)),
            Option.value("demo-rate", "COLMENA_DEMO_RATE", "0", "R",
                    "also submit R operation-intensive tasks a second, as the paper's coordinator did"),
            Option.value("max-attempts", "COLMENA_MAX_ATTEMPTS", "3", "N",
                    "a task placed this many times without finishing is FAILED"),
            Option.value("hold-back-at", "COLMENA_HOLD_BACK_AT", Integer.toString(Coordinator.HOLD_BACK_AT), "N",
                    "placement holds back while this many placed tasks wait for their TaskHistory rows and at least "
                    + "1,000 results (or N, if fewer) wait to be stored; the rest wait in tasks:submitted (and tasks:submitted:<priority>)"),
            Option.value("keep-days", "COLMENA_KEEP_DAYS", "365", "N",
                    "delete finished TaskHistory rows last changed more than N days ago (0: keep them)"),
            Option.value("keep-rows", "COLMENA_KEEP_ROWS", "5000000", "N",
                    "delete finished TaskHistory rows beyond the newest N (0: no limit)"),
            Option.value("retention-export", "COLMENA_RETENTION_EXPORT", null, "DIR",
                    "append the rows retention deletes to DIR/taskhistory-<day>.csv first"));
    static final String SUMMARY = "Places each submitted task on the least-loaded node and stores every result in TaskHistory.";

    private CoordinatorCommand() {
    }

    static int run(String[] args) {
        Flags flags = Startup.flags("coordinator", SUMMARY, Startup.withProcessOptions(OPTIONS), args);
        if (flags == null) {
            return 0;
        }
        Coordinator.Config config = config(flags);
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

    /**
     * What the flags ask the coordinator to do.
     *
     * @throws UsageException naming an unknown policy, a number out of range, or an export with nothing to export
     */
    static Coordinator.Config config(Flags flags) {
        Placement policy;
        try {
            policy = Placement.named(flags.string("policy"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(flags.source("policy") + ": " + e.getMessage());
        }
        String export = flags.string("retention-export");
        Retention.Policy retention = new Retention.Policy(flags.integer("keep-days", 0, 36_500),
                flags.number("keep-rows", 0, Long.MAX_VALUE), Coordinator.RETENTION_BATCH_ROWS,
                export == null || export.isBlank() ? null : Path.of(export));
        if (retention.exportDir() != null && !retention.enabled()) {
            throw new UsageException(flags.source("retention-export") + ": nothing is deleted with --keep-days 0 "
                    + "and --keep-rows 0, so nothing would be exported; set one of them");
        }
        return new Coordinator.Config(flags.string("redis"), Startup.dbUrl(flags), flags.string("db-user"),
                flags.string("db-password"), policy, flags.decimal("demo-rate", 0, 10_000),
                flags.integer("max-attempts", 1, 100), retention, flags.integer("hold-back-at", 1, 10_000_000));
    }
}
