package colmena.agent;

import colmena.broker.Nodes;
import colmena.metrics.NodeSampler;
import colmena.metrics.NodeStats;
import colmena.support.Outage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes the node's metrics to {@code node:<id>:stats} every interval. */
final class Heartbeat implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final NodeSampler sampler;
    private final Nodes nodes;
    private final long intervalMs;
    private final Outage redisOutage;
    private final Runnable onLoginRefused;
    private volatile boolean running = true;

    /** @param onLoginRefused told once, and the beats stop, when Redis refuses the node's credential */
    Heartbeat(NodeSampler sampler, Nodes nodes, long intervalMs, Outage redisOutage, Runnable onLoginRefused) {
        this.sampler = sampler;
        this.nodes = nodes;
        this.intervalMs = intervalMs;
        this.redisOutage = redisOutage;
        this.onLoginRefused = onLoginRefused;
    }

    /** Samples and writes once. */
    NodeStats beat() {
        NodeStats stats = sampler.sample();
        nodes.beat(stats);
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

    synchronized void stop() {
        running = false;
        notifyAll();
    }
}
