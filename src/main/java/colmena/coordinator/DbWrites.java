package colmena.coordinator;

import colmena.log.Outage;
import colmena.store.DbErrors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether this coordinator can write TaskHistory now, as it learns it from its own writes: the
 * last commit that worked, and, since a write failed, when and why in words. Published in
 * {@code coordinator:stats} for the API's health. Safe for the coordinator's threads to share.
 */
final class DbWrites {
    private volatile long lastCommitMs;
    private volatile long failingSinceMs;
    private volatile String problem;

    /** A write was committed (and, for results, written out). */
    void committed() {
        lastCommitMs = System.currentTimeMillis();
        failingSinceMs = 0;
        problem = null;
    }

    /** A write failed; {@code e} says why. */
    void failed(Throwable e) {
        if (failingSinceMs == 0) {
            failingSinceMs = System.currentTimeMillis();
        }
        String known = DbErrors.problem(e);
        String reason = Outage.reason(e);
        problem = known == null ? "unreachable (" + reason + ")"
                : known.equals(DbErrors.REFUSED) ? "refuses a value (" + reason + ")" : known;
    }

    boolean failing() {
        return failingSinceMs != 0;
    }

    /** {@code writable}, {@code lastCommitAtMs} (0: none yet), and while failing {@code failingSinceMs} and {@code problem}. */
    Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        long since = failingSinceMs;
        out.put("writable", since == 0);
        out.put("lastCommitAtMs", lastCommitMs);
        if (since != 0) {
            out.put("failingSinceMs", since);
            out.put("problem", problem);
        }
        return out;
    }
}
