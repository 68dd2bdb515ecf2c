package colmena.browser;

import colmena.Cluster;
import colmena.api.ApiServer;

/**
 * What the Photos-panel browser tests run against, set up in their {@link Dashboard}: a
 * coordinator and two one-worker agents on the real test Redis and a fresh database, the API
 * serving the page without login, and headless Chromium on the page in English.
 */
final class PhotosPage {
    private PhotosPage() {
    }

    /** Starts it all under {@code dash} (which closes it after the class) and returns the browser on the page. */
    static WebDriver open(Dashboard dash) throws Exception {
        Cluster cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        cluster.startAgent("nodo2", 1);
        dash.serve(ApiServer.Config.local(cluster.redisUrl, 0));
        WebDriver browser = dash.open(WebDriver.start(1400, 1600));
        browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
        return browser;
    }
}
