package colmena.agent;

import colmena.broker.Nodes;
import colmena.broker.RedisClock;
import colmena.log.Outage;
import colmena.metrics.NodeSampler;
import colmena.metrics.NodeStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** Writes the node's metrics to {@code node:<id>:stats} every interval. */
final class Heartbeat implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final NodeSampler sampler;
    private final Nodes nodes;
    private final RedisClock clock;
    private final IntSupplier longRunning;
    private final Supplier<Map<String, String>> progress;
    private boolean hadProgress;
    private final long intervalMs;
    private final Outage redisOutage;
    private final Runnable onLoginRefused;
    private volatile boolean running = true;

    /**
     * @param clock          Redis's clock, measured again at every beat
     * @param longRunning    how many workers a long-running task holds now
     * @param progress       what running tasks last said of their progress (see {@link Nodes#beat(NodeStats, java.util.Map)})
     * @param onLoginRefused told once, and the beats stop, when Redis refuses the node's credential
     */
    Heartbeat(NodeSampler sampler, Nodes nodes, RedisClock clock, IntSupplier longRunning,
              Supplier<Map<String, String>> progress, long intervalMs, Outage redisOutage,
              Runnable onLoginRefused) {
        this.progress = progress;
        this.sampler = sampler;
        this.nodes = nodes;
        this.clock = clock;
        this.longRunning = longRunning;
        this.intervalMs = intervalMs;
        this.redisOutage = redisOutage;
        this.onLoginRefused = onLoginRefused;
    }

    /** Samples and writes once, with how far this machine's clock is from Redis's. */
    NodeStats beat() {
        clock.sync();
        NodeStats stats = sampler.sample().withAgent(longRunning.getAsInt(), clock.offsetMs(), clock.now());
        Map<String, String> now = progress.get();
        synchronized (this) {
            // Once stopped, nothing more is written: the agent leaves next, and a beat sampled
            // before the stop and written after its leaving would show it online again.
            if (!running) {
                return stats;
            }
            // Written when there is some, and once more when there is none any longer (which clears it).
            nodes.beat(stats, now.isEmpty() && !hadProgress ? null : now);
        }
        hadProgress = !now.isEmpty();
        return stats;
    }

    @Override
    public void run() {
        long next = System.nanoTime();
        while (running) {
            try {
                beat();
                redisOutage.ok();
            } catch (RuntimeException e) {
                if (Outage.isLoginRefused(e)) {
                    onLoginRefused.run();
                    return;
                }
                redisOutage.failed(e);
            }
            next += intervalMs * 1_000_000L;
            long sleepMs = (next - System.nanoTime()) / 1_000_000L;
            if (sleepMs < 0) {
                next = System.nanoTime();
                continue;
            }
            synchronized (this) {
                try {
                    if (running) {
                        wait(sleepMs);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** No beat is written after this returns. */
    synchronized void stop() {
        running = false;
        notifyAll();
    }
}
