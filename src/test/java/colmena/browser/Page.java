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

    /** Fills the login form's user and password fields afresh and presses its button. */
    static void logIn(WebDriver browser, String user, String password) throws Exception {
        String u = browser.findAll("#login-user").get(0);
        String p = browser.findAll("#login-password").get(0);
        browser.clear(u);
        browser.type(u, user);
        browser.clear(p);
        browser.type(p, password);
        browser.click(browser.findAll("#login-button").get(0));
    }

    /** Waits up to {@link #UI} for {@code check}; a check that throws (element not there yet) counts as not yet. */
    static void waitFor(String what, Check check) {
        waitFor(what, UI, check);
    }

    /** Waits up to {@code timeout} for {@code check}, as {@link #waitFor(String, Check)} does. */
    static void waitFor(String what, Duration timeout, Check check) {
        Eventually.within(timeout, what, () -> {
            try {
                return check.ok();
            } catch (Exception e) {
                return false;
            }
        });
    }
}
