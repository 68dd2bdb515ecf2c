package colmena.api;

import colmena.auth.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins, written to the audit log in aggregate: a user's 1st, 10th, 100th, ... failure
 * within {@link #WINDOW_MS} is a row (the later ones saying how many), so a guessing burst is
 * visible in a few rows instead of burying the log.
 */
final class FailedLogins {
    private static final Logger LOG = LoggerFactory.getLogger(FailedLogins.class);
    static final long WINDOW_MS = 3_600_000;

    private record Burst(long startMs, int count) {
    }

    private final UserStore users;
    private final Map<String, Burst> bursts = new ConcurrentHashMap<>();

    FailedLogins(UserStore users) {
        this.users = users;
    }

    void onFailure(String user, String address, String via) {
        long now = System.currentTimeMillis();
        String key = String.valueOf(user);
        Burst b = bursts.compute(key, (k, old) -> old == null || now - old.startMs() > WINDOW_MS
                ? new Burst(now, 1) : new Burst(old.startMs(), old.count() + 1));
        if (bursts.size() > 10_000) {
            bursts.entrySet().removeIf(e -> now - e.getValue().startMs() > WINDOW_MS);
        }
        if (!isPowerOfTen(b.count())) {
            return;
        }
        String detail = b.count() == 1 ? via
                : b.count() + " failed logins for this user in " + Math.max(1, (now - b.startMs()) / 60_000) + " min (last: " + via + ")";
        try {
            users.audit(user, b.count() == 1 ? "login_failed" : "login_failed_burst", user, address, detail);
        } catch (SQLException e) {
            LOG.warn("Audit row not written (login_failed {} from {}): {}", user, address, e.getMessage());
        }
    }

    static boolean isPowerOfTen(int n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }
}
