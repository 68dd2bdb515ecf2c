package colmena.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Conditions a developer's machine may lack, which CI (any run with the environment variable
 * {@code CI} set) must have: there, a test that would skip fails instead of passing silently.
 */
public final class Ci {
    private Ci() {
    }

    /** True when running on CI. */
    public static boolean on() {
        return System.getenv("CI") != null;
    }

    /** Returns when {@code ok}; otherwise aborts the test saying {@code why}, or on CI fails it. */
    public static void assume(boolean ok, String why) {
        if (ok) {
            return;
        }
        if (on()) {
            Assertions.fail("on CI this may not be skipped: " + why);
        }
        Assumptions.abort(why);
    }
}
