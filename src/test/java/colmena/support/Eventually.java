package colmena.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that other threads or processes will make true, within a bound. */
public final class Eventually {
    private Eventually() {
    }

    /** @throws AssertionError with {@code what} when {@code condition} is still false after {@code timeout} */
    public static void within(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
        }
    }
}
