package colmena.browser;

import colmena.support.Eventually;

import java.time.Duration;

/** Waiting for what a page shows: the page polls the API, so assertions wait a bounded time. */
final class Page {
    static final Duration UI = Duration.ofSeconds(20);

    private Page() {
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Waits up to {@link #UI} for {@code check}; a check that throws (element not there yet) counts as not yet. */
    static void waitFor(String what, Check check) {
        Eventually.within(UI, what, () -> {
            try {
                return check.ok();
            } catch (Exception e) {
                return false;
            }
        });
    }
}
