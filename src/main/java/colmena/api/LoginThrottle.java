package colmena.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing, per address and per user name: after {@link #FREE_FAILURES} failed logins,
 * each further attempt must wait, twice as long after every failure, up to {@link #MAX_WAIT_MS}.
 * An attempt counts as failed from the moment it starts (so parallel guesses cannot slip through
 * while a password is being hashed) and is taken back if it succeeds. A success also clears the
 * user's own count, not the address's (so one's own login does not reset guessing at another's).
 * A key left alone for {@link #FORGET_MS} starts afresh.
 */
final class LoginThrottle {
    static final int FREE_FAILURES = 5;
    static final long FIRST_WAIT_MS = 1_000;
    static final long MAX_WAIT_MS = 60_000;
    static final long FORGET_MS = 15 * 60_000;

    private record State(int failures, long lastFailureMs, long blockedUntilMs) {
    }

    private final Map<String, State> byKey = new ConcurrentHashMap<>();

    /**
     * Checks that none of {@code keys} must wait, then counts this attempt as failed for each.
     *
     * @throws ApiException 429 with how long to wait, while any of them is slowed down
     */
    void begin(String... keys) {
        long now = System.currentTimeMillis();
        for (String key : keys) {
            State s = byKey.get(key);
            if (s != null && s.blockedUntilMs() > now) {
                long seconds = Math.max(1, (s.blockedUntilMs() - now + 999) / 1000);
                String who = key.startsWith("address:") ? "from " + key.substring(8) : "for this user";
                throw new ApiException(429, "too many failed logins " + who + "; try again in " + seconds + " s",
                        Map.of("retryAfterSeconds", seconds));
            }
        }
        for (String key : keys) {
            byKey.compute(key, (k, s) -> {
                int failures = s == null || now - s.lastFailureMs() > FORGET_MS ? 1 : s.failures() + 1;
                long wait = failures <= FREE_FAILURES ? 0
                        : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS << Math.min(20, failures - FREE_FAILURES - 1));
                return new State(failures, now, now + wait);
            });
        }
    }

    /** The attempt begun with {@code address} and {@code user} succeeded. */
    void succeeded(String address, String user) {
        byKey.remove(user);
        byKey.computeIfPresent(address, (k, s) -> s.failures() <= 1 ? null
                : new State(s.failures() - 1, s.lastFailureMs(), s.failures() - 1 <= FREE_FAILURES ? 0 : s.blockedUntilMs()));
    }
}
