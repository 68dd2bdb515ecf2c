package colmena.coordinator;

import colmena.log.Outage;
import colmena.store.DbErrors;

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

    /** What {@code coordinator:stats} says of the writes now. */
    CoordinatorReport.Database report() {
        long since = failingSinceMs;
        return since == 0 ? new CoordinatorReport.Database(true, lastCommitMs, null, null)
                : new CoordinatorReport.Database(false, lastCommitMs, since, problem);
    }
}
