package colmena.bench;

import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.log.Durations;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code colmena bench simulate}: {@link SimulatedNodes} in a process of their own, until stopped
 * (Ctrl+C, SIGTERM), then one line of what they did. {@code bench scale} runs it beside the
 * coordinator and the API; pointed at any Colmena's Redis it shows the dashboard with that many
 * nodes (they run the tasks placed on them, for real).
 */
final class BenchSimulate {
    static final List<Option> OPTIONS = List.of(
            Option.value("nodes", null, "1000", "N", "simulated nodes (sim0001, sim0002, ...)"),
            Settings.REDIS,
            Settings.INTERVAL);
    /** The line printed on stop starts with this; {@code bench scale} reads the figures after it. */
    static final String DONE = "Simulated nodes stopped:";

    private BenchSimulate() {
    }

    static int run(Flags flags) throws Exception {
        int n = flags.integer("nodes", 1, 10_000);
        Duration interval = flags.duration("interval", Duration.ofMillis(100), Duration.ofMinutes(1));
        SimulatedNodes sims = new SimulatedNodes(flags.string("redis"), n, interval.toMillis());
        CountDownLatch stopped = new CountDownLatch(1);
        long t0 = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                sims.close();
                System.out.printf(Locale.ROOT, "%s beats %d failed %d worstGapMs %d tasks %d after %.0f s%n", DONE,
                        sims.beats(), sims.beatFailures(), sims.worstGap().toMillis(), sims.finished(),
                        (System.nanoTime() - t0) / 1e9);
                System.out.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "sim-stop"));
        sims.start();
        System.out.printf(Locale.ROOT, "Simulating %,d nodes (%d kept above 90 %% CPU), stats every %s, to %s; Ctrl+C stops%n",
                n, SimulatedNodes.hotCount(n), Durations.format(interval), flags.string("redis"));
        stopped.await();
        return 0;
    }
}
