package colmena.browser;

import colmena.Cluster;
import colmena.api.ApiServer;
import colmena.support.Ci;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a dashboard browser test runs against, as a class-level extension
 * ({@code @RegisterExtension static final Dashboard dash = new Dashboard("name.png")}): before the
 * class, it aborts where no Chromium is installed, except on CI, where the missing browser fails
 * the test; in its {@code @BeforeAll} the test hands over its {@link Cluster}, starts the API with
 * {@link #serve} and opens the page with {@link #open}; after the class, the extension takes the
 * screenshot (when one is named) and closes the browser, the API, the cluster and whatever the test
 * added with {@link #closeLast}, in that order, whichever of them were reached.
 */
final class Dashboard implements BeforeAllCallback, AfterAllCallback {
    private final String screenshot;
    private final List<AutoCloseable> last = new ArrayList<>();
    private Cluster cluster;
    private ApiServer api;
    private WebDriver browser;

    /** {@code screenshot} names the picture of the page left in target/ after the class, or is null for none. */
    Dashboard(String screenshot) {
        this.screenshot = screenshot;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String missing = WebDriver.missing();
        Ci.assume(missing == null, missing);
    }

    /** Takes {@code cluster} to close after the class, and returns it. */
    Cluster cluster(Cluster cluster) {
        this.cluster = cluster;
        return cluster;
    }

    /** Starts the API with {@code config} over the cluster and returns the dashboard's address, ending in {@code /}. */
    String serve(ApiServer.Config config) throws Exception {
        api = new ApiServer(config, cluster.redis, cluster.db);
        api.start();
        return page();
    }

    /** The dashboard's address, ending in {@code /}. */
    String page() {
        return "http://127.0.0.1:" + api.port() + "/";
    }

    ApiServer api() {
        return api;
    }

    /** Stops the API (the page loses it); {@link #serve} starts it again. */
    void stopApi() {
        api.stop();
        api = null;
    }

    /** Keeps {@code browser} to close after the class and returns it. */
    WebDriver keep(WebDriver browser) {
        this.browser = browser;
        return browser;
    }

    /** Keeps {@code browser} to close after the class, opens the dashboard in it and returns it. */
    WebDriver open(WebDriver browser) throws Exception {
        keep(browser).open(page());
        return browser;
    }

    /** Closes {@code resource} after the cluster (such as the Redis server the cluster used). */
    void closeLast(AutoCloseable resource) {
        last.add(resource);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (browser != null && screenshot != null) {
                browser.screenshot(Path.of("target", screenshot));
            }
        } finally {
            try {
                if (browser != null) {
                    browser.close();
                }
                if (api != null) {
                    api.stop();
                }
            } finally {
                if (cluster != null) {
                    cluster.close();
                }
                for (AutoCloseable c : last) {
                    c.close();
                }
            }
        }
    }
}
