package colmena.cli;

import colmena.auth.Passwords;
import colmena.auth.Role;
import colmena.auth.UserStore;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.store.Database;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code colmena admin reset-password}: on the machine that holds the database, gives an admin
 * account a new password (a random one shown on this terminal, or one from a file or variable),
 * ending its sessions. For a teacher who lost the first-start password: whoever can run this can
 * already read the database.
 */
final class AdminCommand {
    static final List<Option> OPTIONS = List.of(Settings.DB, Settings.DB_USER, Settings.DB_PASSWORD, Settings.DATA_DIR,
            Option.value("user", null, "admin", "NAME", "the account to reset (made an admin, created if missing)"),
            Option.value("new-password", "COLMENA_NEW_PASSWORD", null, Flags.SECRET,
                    "the new password (default: a random one, shown here once)"));
    static final String SUMMARY = "admin reset-password: gives an admin account a new password and ends its sessions.\n"
            + "admin recount: counts TaskHistory again for the task list's totals (after rows were edited by hand).";
    static final List<Option> RECOUNT_OPTIONS = List.of(Settings.DB, Settings.DB_USER, Settings.DB_PASSWORD, Settings.DATA_DIR);

    private AdminCommand() {
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].startsWith("--") && !args[0].equals("--help")) {
            throw new UsageException("expected a subcommand: reset-password or recount");
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(Flags.usage("admin reset-password", SUMMARY, OPTIONS));
            return 0;
        }
        if (args[0].equals("recount")) {
            Flags flags = Startup.flags("admin recount", SUMMARY, RECOUNT_OPTIONS, Arrays.copyOfRange(args, 1, args.length));
            return flags == null ? 0 : recount(flags);
        }
        if (!args[0].equals("reset-password")) {
            throw new UsageException("unknown subcommand \"" + args[0] + "\"; expected reset-password or recount");
        }
        Flags flags = Startup.flags("admin reset-password", SUMMARY, OPTIONS, Arrays.copyOfRange(args, 1, args.length));
        if (flags == null) {
            return 0;
        }
        return resetPassword(flags);
    }

    /**
     * {@code admin recount}: TaskCounts made to say what TaskHistory holds, counted again whole
     * (a minute or more for tens of millions of rows); the coordinator may go on meanwhile.
     */
    private static int recount(Flags flags) {
        Database db = Startup.database(Startup.dbUrl(flags), flags.string("db-user"), flags.string("db-password"), Duration.ZERO);
        long started = System.nanoTime();
        System.out.println("Counting TaskHistory in " + db.describe() + "...");
        colmena.store.HistoryCounts.Recount r;
        try (java.sql.Connection c = db.connect()) {
            r = colmena.store.HistoryCounts.recount(c, db.dialect(), System.currentTimeMillis());
        } catch (SQLException e) {
            throw new StartupException("cannot count TaskHistory in " + db.describe() + " (" + e.getMessage() + ")");
        }
        System.out.printf(java.util.Locale.ROOT, "TaskHistory holds %,d rows; the task list's totals now say so (%.1f s).%n",
                r.rows(), (System.nanoTime() - started) / 1e9);
        if (!r.exact()) {
            System.out.println("SQL Server's ALLOW_SNAPSHOT_ISOLATION is off: a task written or deleted during the count may "
                    + "be counted wrong. Run it again with the coordinator stopped, or turn it on (see docs/sqlserver.md).");
        }
        return 0;
    }

    /** {@code admin reset-password}: the account becomes an admin with the new password, and its sessions end. */
    private static int resetPassword(Flags flags) {
        String user = UserStore.canonical(flags.string("user"));
        if (!UserStore.USER_NAME.matcher(user).matches()) {
            throw new UsageException("--user: \"" + flags.string("user") + "\" is not a user name");
        }
        String password = flags.string("new-password");
        boolean made = password == null;
        if (made) {
            password = Passwords.readable();
        } else if (password.length() < UserStore.MIN_PASSWORD) {
            throw new UsageException(flags.source("new-password") + ": must be at least " + UserStore.MIN_PASSWORD + " characters");
        }
        Database db = Startup.database(Startup.dbUrl(flags), flags.string("db-user"), flags.string("db-password"), Duration.ZERO);
        UserStore users = new UserStore(db);
        try {
            boolean existed = users.exists(user);
            users.put(user, Role.ADMIN, password);
            users.endSessions(user);
            users.audit("console", "admin_password_reset", user, null, existed ? "password reset, sessions ended" : "account created");
        } catch (SQLException e) {
            throw new StartupException("cannot change the account in " + db.describe() + " (" + e.getMessage() + ")");
        }
        if (made) {
            // Printed here, on this terminal, and nowhere else; only its hash is stored.
            System.out.println("New password of " + user + ": " + password);
        } else {
            System.out.println("Password of " + user + " changed.");
        }
        System.out.println("Every session of " + user + " has ended; log in again on the dashboard.");
        return 0;
    }
}
