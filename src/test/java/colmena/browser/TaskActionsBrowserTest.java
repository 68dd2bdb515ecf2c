package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.api.ApiServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user features on the dashboard, in real Chromium: a task submitted from the form with a
 * priority and retries carries them (its reason says the priority, its row is marked with it and
 * its detail shows it), and the task's detail cancels
 * it while it runs, so it ends CANCELLED; axe-core finds nothing to fix in the dialog.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TaskActionsBrowserTest {
    private static final String ADMIN_PASSWORD = "teacher-pass-1";

    @RegisterExtension
    static final Dashboard dash = new Dashboard(null);

    private static Cluster cluster;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        dash.serve(ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, Duration.ofHours(1)));
        browser = dash.open(WebDriver.start(1400, 1000));
    }

    @Test
    void aTaskSubmittedWithAPriorityAndRetriesIsCancelledFromItsDetail() throws Exception {
        Page.waitFor("the login form", () -> !browser.findAll("#login-form").isEmpty()
                && browser.script("return !document.getElementById('login-form').closest('[hidden]');").getAsBoolean());
        Page.logIn(browser, "admin", ADMIN_PASSWORD);
        Page.waitFor("the submit form with its types", () -> browser.script(
                "return [...document.querySelectorAll('#submit-type option')].some(o => o.value === 'sleep');").getAsBoolean());
        browser.script("const s = document.getElementById('submit-type'); s.value = 'sleep';"
                + "s.dispatchEvent(new Event('change', {bubbles: true}));");
        Page.waitFor("the ms field", () -> !browser.findAll("#param-fields input[data-param='ms']").isEmpty());
        browser.script("const i = document.querySelector(\"#param-fields input[data-param='ms']\"); i.value = '60000';"
                + "i.dispatchEvent(new Event('input', {bubbles: true}));"
                + "document.getElementById('submit-priority').value = '8';"
                + "const r = document.getElementById('submit-retries'); r.value = '2';");
        browser.click(browser.findAll("#submit-button").get(0));
        Page.waitFor("the task RUNNING", () -> cluster.rows("Status = 'RUNNING'") == 1);
        assertEquals(1, cluster.rows("Reason LIKE '%priority 8%'"), "the priority reached the task");
        assertEquals(1, cluster.rows("Priority = 8 AND Retries = 2 AND Failures = 0"), "and its row in TaskHistory");

        Page.waitFor("its row", () -> !browser.findAll("tr.task-row button.task-open").isEmpty());
        Page.waitFor("its priority marked beside its type", () -> browser.script(
                "const m = document.querySelector('tr.task-row td.task-type .priority-mark');"
                        + "return !!m && /\\b8\\b/.test(m.textContent) && /\\b8\\b/.test(m.title);").getAsBoolean());
        browser.clickOn("tr.task-row button.task-open");
        Page.waitFor("the dialog with a cancel button", () -> browser.script(
                "return document.getElementById('task-detail').open && !document.getElementById('detail-cancel').hidden;").getAsBoolean());
        assertTrue(browser.script("const dts = [...document.querySelectorAll('#detail-list dt')];"
                + "const dt = dts.find(d => /^(Prioridad|Priority)$/.test(d.textContent));"
                + "return !!dt && dt.nextElementSibling.textContent === '8';").getAsBoolean(),
                "the detail says its priority: " + browser.text(browser.findAll("#detail-list").get(0)));
        assertTrue(browser.script("const dts = [...document.querySelectorAll('#detail-list dt')];"
                + "const dt = dts.find(d => /^(Reintentos|Retries)$/.test(d.textContent));"
                + "return !!dt && /^0 (de|of) 2 /.test(dt.nextElementSibling.textContent);").getAsBoolean(),
                "the detail says its retries: " + browser.text(browser.findAll("#detail-list").get(0)));
        List<String> found = Axe.violations(browser);
        assertTrue(found.isEmpty(), "task detail with its cancel button:\n" + String.join("\n", found));
        browser.click(browser.findAll("#detail-cancel").get(0));
        Page.waitFor("the task CANCELLED", () -> cluster.rows("Status = 'CANCELLED'") == 1);
        Page.waitFor("the dialog says so and hides the button", () -> browser.script(
                "return document.getElementById('detail-cancel').hidden"
                        + " && document.getElementById('detail-list').textContent.includes('CANCELLED');").getAsBoolean());
        browser.screenshot(Path.of("target", "task-cancelled.png"));
        assertEquals(0, cluster.rows("Status IN ('PENDING', 'RUNNING')"));
    }
}
