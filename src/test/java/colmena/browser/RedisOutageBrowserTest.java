package colmena.browser;

import colmena.Cluster;
import colmena.TestDatabase;
import colmena.TestRedis;
import colmena.api.ApiServer;
import colmena.process.BundledRedis;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis stopped under a running API: the API still answers, so the page must judge from what it
 * answers. It says Redis is away, marks every figure stale, and recovers when Redis is back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisOutageBrowserTest {
    @RegisterExtension
    static final Dashboard dash = new Dashboard("dashboard-redis-down.png");

    private static Path dir;
    private static int port;
    private static BundledRedis redis;
    private static Cluster cluster;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        dir = colmena.TempDirs.make("colmena-redis-outage");
        port = TestRedis.freePort();
        redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", null, dir);
        dash.closeLast(() -> {
            if (redis != null) {
                redis.kill();
            }
        });
        cluster = dash.cluster(new Cluster(redis.url(), TestDatabase.fresh()));
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        dash.serve(ApiServer.Config.local(redis.url(), 0));
        browser = dash.open(WebDriver.start(1400, 1000));
        browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
    }

    @Test
    void withRedisDownThePageSaysSoAndMarksEverythingStaleThenRecovers() throws Exception {
        Page.waitFor("nodo1 with figures", () -> browser.text(browser.findAll(".node-card[data-node=\"nodo1\"] .cpu-value").get(0)).contains("%"));
        Page.waitFor("connected", () -> "ok".equals(browser.attribute(browser.findAll("#connection").get(0), "data-state")));
        redis.kill();
        Page.waitFor("the Redis banner", () -> "redis".equals(browser.attribute(browser.findAll("#conn-banner").get(0), "data-kind")));
        assertTrue(browser.text(browser.findAll("#conn-banner").get(0)).contains("cannot read Redis"));
        assertEquals("true", browser.attribute(browser.findAll("#main").get(0), "data-stale"));
        assertTrue(browser.script("return document.title;").getAsString().startsWith("⚠"));
        String updated = browser.text(browser.findAll("#updated").get(0));
        Thread.sleep(3_200);
        assertEquals(updated, browser.text(browser.findAll("#updated").get(0)), "the updated time froze");

        redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", null, dir);
        Page.waitFor("connected again", () -> !"redis".equals(browser.attribute(browser.findAll("#connection").get(0), "data-state"))
                && "false".equals(browser.attribute(browser.findAll("#main").get(0), "data-stale")));
        Page.waitFor("the banner gone", () -> browser.script("return document.getElementById('conn-banner').hidden;").getAsBoolean());
    }
}
