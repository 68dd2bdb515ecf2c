package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.api.ApiServer;
import colmena.broker.NodeCredentials;
import colmena.broker.RedisKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Add a PC" in a real headless Chromium: the teacher types a name, gets the line to run on that
 * PC (whose credential logs in to the real Redis), and removes the PC again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AddPcBrowserTest {
    private static final String ADMIN_PASSWORD = "teacher-pass-1";

    @RegisterExtension
    static final Dashboard dash = new Dashboard(null);

    private static Cluster cluster;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeFalse(TestRedis.underWine(), "Redis 5.0 has no ACL users");
        cluster = dash.cluster(new Cluster());
        for (String n : new NodeCredentials(cluster.redis).nodes()) {
            new NodeCredentials(cluster.redis).remove(n);
        }
        dash.serve(ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, Duration.ofHours(1)));
        browser = dash.open(WebDriver.start(1400, 1000));
        browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
    }

    @AfterAll
    static void forgetPcs() {
        if (cluster != null) {
            for (String n : new NodeCredentials(cluster.redis).nodes()) {
                new NodeCredentials(cluster.redis).remove(n);
            }
        }
    }

    @Test
    void anAdminAddsAPcSeesItsLineOnceAndRemovesIt() throws Exception {
        Page.waitFor("the login form", () -> visible("form#login-form"));
        Page.logIn(browser, "admin", ADMIN_PASSWORD);
        Page.waitFor("the Student PCs part", () -> visible("#admin-pcs"));

        type("input#pc-name", "pc07");
        browser.click(browser.findAll("button#pc-add").get(0));
        Page.waitFor("the line for pc07", () -> visible("#new-pc")
                && value("#new-pc-line").startsWith("java -jar colmena.jar agent --redis redis://pc07:"));
        Page.waitFor("pc07 listed", () -> browser.text(browser.findAll("#pc-list").get(0)).contains("pc07"));
        Page.waitFor("pc07's card, offline until its agent starts", () -> visible(".node-card[data-node=\"pc07\"]"));
        browser.script("window.scrollTo(0, 0);");
        browser.screenshot(Path.of("target", "dashboard-add-pc-nodes.png"));
        scrollTo("#admin-pcs");
        browser.screenshot(Path.of("target", "dashboard-add-pc.png"));

        Matcher m = Pattern.compile("redis://pc07:([A-Za-z0-9_-]+)@[^:]+:(\\d+)$").matcher(value("#new-pc-line"));
        assertTrue(m.find(), value("#new-pc-line"));
        int port = URI.create(TestRedis.url()).getPort();
        assertEquals(port, Integer.parseInt(m.group(2)));
        try (Jedis pc = new Jedis("127.0.0.1", port)) {
            pc.auth("pc07", m.group(1));
            pc.psetex(RedisKeys.nodeStats("pc07"), 1_000, "{}");
        }

        browser.click(browser.findAll("button#new-pc-done").get(0));
        Page.waitFor("the line hidden", () -> !visible("#new-pc") && value("#new-pc-line").isEmpty());

        browser.script("window.confirm = () => true;");
        browser.clickOn("button.remove-pc[data-node=\"pc07\"]");
        Page.waitFor("pc07 gone from the list", () -> browser.findAll("button.remove-pc").isEmpty());
        assertEquals(List.of(), new NodeCredentials(cluster.redis).nodes());
        try (Jedis pc = new Jedis("127.0.0.1", port)) {
            assertThrows(JedisDataException.class, () -> pc.auth("pc07", m.group(1)));
        }
        assertTrue(browser.text(browser.findAll("#pcs-status").get(0)).contains("pc07"), "says what was done");
    }

    private static void type(String css, String text) throws Exception {
        String e = browser.findAll(css).get(0);
        browser.clear(e);
        browser.type(e, text);
    }

    private static String value(String css) throws Exception {
        return browser.script("return document.querySelector(arguments[0]).value;", css).getAsString();
    }

    private static void scrollTo(String css) throws Exception {
        browser.script("document.querySelector(arguments[0]).scrollIntoView();", css);
    }

    private static boolean visible(String css) throws Exception {
        return browser.script("const e = document.querySelector(arguments[0]);"
                + " return !!e && !e.closest('[hidden]') && !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);", css)
                .getAsBoolean();
    }
}
