package colmena.browser;

import colmena.Cluster;
import colmena.api.ApiServer;
import colmena.support.Ci;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the Photos-panel browser tests run against: a coordinator and two one-worker agents on the
 * real test Redis and a fresh database, the API serving the page without login, a folder for the
 * photos to choose, and headless Chromium on the page in English. Skipped only where no Chromium
 * is installed and not on CI.
 */
final class PhotosPage implements AutoCloseable {
    final Cluster cluster;
    final ApiServer api;
    final WebDriver browser;
    final Path dir;
    private final String screenshot;

    private PhotosPage(Cluster cluster, ApiServer api, WebDriver browser, Path dir, String screenshot) {
        this.cluster = cluster;
        this.api = api;
        this.browser = browser;
        this.dir = dir;
        this.screenshot = screenshot;
    }

    /** Starts it all; {@code screenshot} names the picture of the page left in target/ on close. */
    static PhotosPage start(String screenshot) throws Exception {
        String missing = WebDriver.missing();
        Ci.assume(missing == null, missing);
        Cluster cluster = new Cluster();
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        cluster.startAgent("nodo2", 1);
        ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
        api.start();
        WebDriver browser = null;
        try {
            browser = WebDriver.start(1400, 1600);
            browser.open("http://127.0.0.1:" + api.port() + "/");
            browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
            return new PhotosPage(cluster, api, browser, Files.createTempDirectory("colmena-photos"), screenshot);
        } catch (Exception | AssertionError e) {
            if (browser != null) {
                browser.close();
            }
            api.stop();
            cluster.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            browser.screenshot(Path.of("target", screenshot));
        } finally {
            browser.close();
            api.stop();
            cluster.close();
        }
    }
}
