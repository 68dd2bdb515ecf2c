package colmena.browser;

import colmena.Cluster;
import colmena.TestRedis;
import colmena.api.ApiServer;
import com.google.gson.JsonElement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open dashboard at rest costs the machine little: the CPU time of all the browser's processes,
 * and its main thread's busy time as Chromium
 * itself counts it (the DevTools Performance domain's TaskDuration), over a quiet stretch with two
 * live nodes. The figure is printed, for docs/, as well as checked.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IdlePageBrowserTest {
    /**
     * The issue asks for under 5 % of a core at rest, and the page measures 4–7 % on a loaded 2-core
     * machine (25–30 % before the bars stopped animating). The check allows twice the goal for all
     * the browser's processes together, as CPU time (not stretched by waiting for a core), so that it
     * catches a return of the old cost without failing on a busy machine.
     */
    static final double MAX_CPU_SHARE = 0.10;
    private static final long MEASURE_MS = 20_000;

    @RegisterExtension
    static final Dashboard dash = new Dashboard(null);

    private static Cluster cluster;
    private static WebDriver browser;
    private static String page;

    @BeforeAll
    static void start() throws Exception {
        cluster = dash.cluster(new Cluster());
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        cluster.startAgent("nodo2", 1);
        page = dash.serve(ApiServer.Config.local(TestRedis.url(), 0));
        browser = dash.open(WebDriver.start(1400, 1000));
        Page.waitFor("two cards with figures", () -> browser.findAll(".node-card .cpu-value").size() == 2
                && browser.text(browser.findAll(".node-card .cpu-value").get(0)).contains("%"));
    }

    @Test
    void theOpenPageAtRestCostsTheBrowserLittleCpu() throws Exception {
        browser.cdp("Performance.enable", Map.of());
        Thread.sleep(3_000);   // the first full history fetch and drawing are done
        double before = taskSeconds();
        double cpuBefore = browser.browserCpuSeconds();
        long t0 = System.nanoTime();
        Thread.sleep(MEASURE_MS);
        double busy = taskSeconds() - before;
        double cpu = browser.browserCpuSeconds() - cpuBefore;
        double wall = (System.nanoTime() - t0) / 1e9;
        double share = busy / wall;
        System.out.printf("idle dashboard: main thread busy %.3f s of %.1f s = %.1f %% of a core;"
                + " all browser processes %.2f s CPU = %.1f %% of a core%n", busy, wall, share * 100, cpu, cpu / wall * 100);
        double cpuShare = Double.isNaN(cpu) ? share : cpu / wall;
        assertTrue(cpuShare < MAX_CPU_SHARE, String.format("the browser used %.1f %% of a core", cpuShare * 100));
    }

    @Test
    void thePageLoadsWithoutLayoutShift() throws Exception {
        browser.open("about:blank");
        browser.open(page);
        Thread.sleep(8_000);   // login check, first polls, full history, types, a few node reads
        JsonElement shifts = browser.scriptAsync("""
                const done = arguments[arguments.length - 1];
                const out = { total: 0, sources: [] };
                new PerformanceObserver((list) => {
                  for (const e of list.getEntries()) {
                    if (e.hadRecentInput) continue;
                    out.total += e.value;
                    for (const s of e.sources || []) {
                      const n = s.node;
                      out.sources.push((n && n.nodeType === 1 ? n.tagName + '#' + n.id + '.' + n.className : String(n))
                        + ' ' + e.value.toFixed(3) + ' @' + Math.round(e.startTime) + 'ms');
                    }
                  }
                }).observe({ type: 'layout-shift', buffered: true });
                setTimeout(() => done(out), 200);
                """);
        double cls = shifts.getAsJsonObject().get("total").getAsDouble();
        System.out.printf("layout shift while loading: %.3f %s%n", cls, shifts.getAsJsonObject().get("sources"));
        assertTrue(cls < 0.1, "cumulative layout shift " + cls + ": " + shifts.getAsJsonObject().get("sources"));
    }

    private static double taskSeconds() throws Exception {
        for (JsonElement m : browser.cdp("Performance.getMetrics", Map.of()).getAsJsonObject().getAsJsonArray("metrics")) {
            if (m.getAsJsonObject().get("name").getAsString().equals("TaskDuration")) {
                return m.getAsJsonObject().get("value").getAsDouble();
            }
        }
        throw new IllegalStateException("no TaskDuration metric");
    }
}
