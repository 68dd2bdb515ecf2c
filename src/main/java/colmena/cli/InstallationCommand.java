package colmena.cli;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.install.Identity;
import colmena.install.Installation;
import colmena.install.InstallationStore;
import colmena.install.Stamp;
import colmena.store.Database;
import colmena.store.DbSession;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * {@code colmena installation [--name NEW]}: which installation the database and Redis belong to,
 * whether they agree, and (an admin, who can reach the database) a new name. Exit code 0 when they
 * agree, 1 when they belong to different installations.
 */
final class InstallationCommand {
    static final String SUMMARY = "Shows which installation the database and Redis belong to; --name renames it.";
    static final List<Option> OPTIONS = List.of(Settings.REDIS, Settings.NAMESPACE, Settings.DB, Settings.DB_USER,
            Settings.DB_PASSWORD, Settings.DATA_DIR,
            Option.value("name", null, null, "NAME", "give the installation this name (shown on the dashboard)"));

    private InstallationCommand() {
    }

    static int run(String[] args) {
        Flags flags = Startup.flags("installation", SUMMARY, OPTIONS, args);
        if (flags == null) {
            return 0;
        }
        String newName = flags.string("name");
        if (newName != null && !Installation.isValidName(newName)) {
            try {
                Installation.validName(newName);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--name: " + e.getMessage());
            }
        }
        Redis redis = Startup.redis(flags.string("redis"), 2, Duration.ZERO);
        Database database = Startup.database(Startup.dbUrl(flags), flags.string("db-user"), flags.string("db-password"), Duration.ZERO);
        try (DbSession db = new DbSession(database)) {
            Installation held = db.inTransaction(InstallationStore::read);
            if (newName != null) {
                held = rename(db, database, redis, newName);
            }
            return show(held, redis, database);
        } catch (SQLException e) {
            throw new StartupException("cannot read the installation from " + database.shortName() + " (" + e.getMessage() + ")");
        } finally {
            redis.close();
        }
    }

    /** Renames the installation in the database and in Redis's stamp; the installation renamed. */
    private static Installation rename(DbSession db, Database database, Redis redis, String newName) throws SQLException {
        Installation held = db.inTransaction(c -> InstallationStore.rename(c, newName));
        if (held == null) {
            throw new StartupException("the database " + database.shortName()
                    + " holds no installation yet: start a coordinator first, it makes one");
        }
        Stamp.rename(redis, held);
        System.out.println("Renamed.");
        return held;
    }

    /** Prints what the database and Redis say; exit code 1 when they do not belong together. */
    private static int show(Installation held, Redis redis, Database database) {
        Stamp stamp = Stamp.read(redis);
        String namespace = RedisKeys.namespace();
        System.out.println("installation: " + (held == null ? "(none yet)" : held.id() + " \"" + held.name() + "\""));
        System.out.println("namespace:    " + (namespace.isEmpty() ? "(default)" : namespace));
        System.out.println("database:     " + database.shortName());
        System.out.println("redis:        " + redis.url() + " stamped " + (stamp == null ? "(none)" : stamp.describe()));
        String problem = Identity.problem(held, stamp, namespace, Identity.where(redis.url(), namespace),
                database.shortName());
        if (problem != null) {
            System.out.println("MISMATCH:     " + problem);
            return 1;
        }
        return 0;
    }
}
