package colmena.api;

import colmena.auth.Role;
import colmena.auth.UserStore;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each user's role and session epoch as stored, read at most every {@link #ROLE_CACHE_MS}: every
 * authenticated request asks, and a role change or "sign out everywhere" need only take effect
 * within that time. While the database is away, what was last read stands.
 */
final class Accounts {
    /** How long a user's role and epoch are trusted before they are read again (a change takes effect within this). */
    static final long ROLE_CACHE_MS = 2_000;

    /** A user's role (null: the user is gone) and session epoch, trusted until {@code untilMs}. */
    record Account(Role role, int epoch, long untilMs) {
    }

    private final UserStore users;
    private final Map<String, Account> read = new ConcurrentHashMap<>();

    Accounts(UserStore users) {
        this.users = users;
    }

    /** A user's role and session epoch as stored now (within {@link #ROLE_CACHE_MS}). */
    Account current(String user) throws SQLException {
        String name = UserStore.canonical(user);
        Account c = read.get(name);
        long now = System.currentTimeMillis();
        if (c != null && c.untilMs() > now) {
            return c;
        }
        UserStore.Account stored;
        try {
            stored = users.account(name);
        } catch (SQLException e) {
            if (c != null) {
                return c; // the database is away: what was last read stands meanwhile
            }
            throw e;
        }
        Account fresh = stored == null ? new Account(null, -1, now + ROLE_CACHE_MS)
                : new Account(stored.role(), stored.sessionEpoch(), now + ROLE_CACHE_MS);
        read.put(name, fresh);
        return fresh;
    }

    /** A user's role as stored now; null when the user is gone. */
    Role role(String user) throws SQLException {
        return current(user).role();
    }

    /** Reads the user again at the next ask. */
    void forget(String user) {
        read.remove(UserStore.canonical(user));
    }

    /** Reads every user again at the next ask (after a user or password change). */
    void forgetAll() {
        read.clear();
    }
}
