package colmena.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing: after {@link #FREE_FAILURES} failed logins from one address, each further
 * attempt must wait, twice as long after every failure, up to {@link #MAX_WAIT_MS}. A success
 * clears the address; an address left alone for {@link #FORGET_MS} starts afresh.
 */
final class LoginThrottle {
    static final int FREE_FAILURES = 5;
    static final long FIRST_WAIT_MS = 1_000;
    static final long MAX_WAIT_MS = 60_000;
    static final long FORGET_MS = 15 * 60_000;

    private record State(int failures, long lastFailureMs, long blockedUntilMs) {
    }

    private final Map<String, State> byAddress = new ConcurrentHashMap<>();

    /** @throws ApiException 429 with how long to wait, while the address is slowed down */
    void check(String address) {
        State s = byAddress.get(address);
        long now = System.currentTimeMillis();
        if (s != null && s.blockedUntilMs() > now) {
            long seconds = Math.max(1, (s.blockedUntilMs() - now + 999) / 1000);
            throw new ApiException(429, "too many failed logins from " + address + "; try again in " + seconds + " s",
                    Map.of("retryAfterSeconds", seconds));
        }
    }

    void failed(String address) {
        long now = System.currentTimeMillis();
        byAddress.compute(address, (k, s) -> {
            int failures = s == null || now - s.lastFailureMs() > FORGET_MS ? 1 : s.failures() + 1;
            long wait = failures <= FREE_FAILURES ? 0
                    : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS << Math.min(20, failures - FREE_FAILURES - 1));
            return new State(failures, now, now + wait);
        });
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }
}
