package colmena.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing, per user name and per address. After a key's free failures (5 for a user,
 * 20 for an address, which a classroom behind one router shares), each further failure makes the
 * next attempt wait, twice as long each time, up to the key's longest wait. Only failures set a
 * wait; a success clears the user's count and takes one off the address's. While a password is
 * being checked the attempt is "in flight", and a key with few failures left accepts no more
 * attempts in flight than it has left, so parallel guesses cannot slip past the count. A key left
 * alone for {@link #FORGET_MS} starts afresh.
 */
final class LoginThrottle {
    static final long FIRST_WAIT_MS = 1_000;
    static final long FORGET_MS = 15 * 60_000;

    /** How many failures a kind of key forgives, and its longest wait. */
    record Limits(int freeFailures, long maxWaitMs) {
    }

    static final Limits USER = new Limits(5, 15_000);
    static final Limits ADDRESS = new Limits(20, 60_000);

    private record State(int failures, long lastFailureMs, long blockedUntilMs, int inFlight) {
    }

    private final Map<String, State> byKey = new ConcurrentHashMap<>();

    /**
     * Starts an attempt for each key, or refuses it.
     *
     * @throws ApiException 429 with how long to wait
     */
    void begin(String key, Limits limits) {
        long now = System.currentTimeMillis();
        byKey.compute(key, (k, s) -> {
            State st = s == null || (s.inFlight() == 0 && now - s.lastFailureMs() > FORGET_MS) ? new State(0, 0, 0, 0) : s;
            if (st.blockedUntilMs() > now) {
                throw tooMany(key, (st.blockedUntilMs() - now + 999) / 1000);
            }
            int room = Math.max(1, limits.freeFailures() - st.failures());
            if (st.inFlight() >= room) {
                throw tooMany(key, 1);
            }
            return new State(st.failures(), st.lastFailureMs(), st.blockedUntilMs(), st.inFlight() + 1);
        });
    }

    /** Ends an attempt begun with {@link #begin}: failed, succeeded, or neither (the check itself broke). */
    void end(String key, Limits limits, Boolean succeeded) {
        long now = System.currentTimeMillis();
        byKey.computeIfPresent(key, (k, s) -> {
            int inFlight = Math.max(0, s.inFlight() - 1);
            if (succeeded == null) {
                return new State(s.failures(), s.lastFailureMs(), s.blockedUntilMs(), inFlight);
            }
            if (succeeded) {
                int failures = key.startsWith("user:") ? 0 : Math.max(0, s.failures() - 1);
                return failures == 0 && inFlight == 0 ? null : new State(failures, s.lastFailureMs(), 0, inFlight);
            }
            int failures = s.failures() + 1;
            long wait = failures <= limits.freeFailures() ? 0
                    : Math.min(limits.maxWaitMs(), FIRST_WAIT_MS << Math.min(20, failures - limits.freeFailures() - 1));
            return new State(failures, now, now + wait, inFlight);
        });
    }

    private static ApiException tooMany(String key, long seconds) {
        long s = Math.max(1, seconds);
        String who = key.startsWith("address:") ? "from " + key.substring("address:".length()) : "for this user";
        return new ApiException(429, "too many failed logins " + who + "; try again in " + s + " s",
                Map.of("retryAfterSeconds", s));
    }
}
