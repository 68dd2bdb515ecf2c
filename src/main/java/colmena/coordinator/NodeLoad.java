package colmena.coordinator;

import java.util.List;

/**
 * What the coordinator knows of one live node while placing a batch. {@link #outstanding} starts
 * at the node's queued plus running tasks and grows with each task placed on it, so placement
 * between two stats samples does not herd onto one node.
 */
public final class NodeLoad {
    final String id;
    final int cores;
    final double cpuPercent;
    final double memPercent;
    final long queued;
    final long running;
    final boolean saturated;
    /** Task threads the agent runs; 0 when not known. */
    int workers;
    /** Of those, how many a long-running task holds (see {@link colmena.metrics.NodeStats#longRunning}). */
    int longRunning;
    long outstanding;
    long placedNow;
    /** Tasks a second this node was seen to finish while it had work waiting; NaN until seen. */
    double observedRate = Double.NaN;

    public NodeLoad(String id, int cores, double cpuPercent, double memPercent, long queued, long running,
                    boolean saturated) {
        this.id = id;
        this.cores = Math.max(1, cores);
        // A figure that is not a number (a stats key written by something else) counts as busy.
        this.cpuPercent = Double.isFinite(cpuPercent) ? Math.max(0, Math.min(100, cpuPercent)) : 100;
        this.memPercent = Double.isFinite(memPercent) ? Math.max(0, Math.min(100, memPercent)) : 100;
        this.queued = queued;
        this.running = running;
        this.saturated = saturated;
        this.outstanding = queued + running;
    }

    public String id() {
        return id;
    }

    public long outstanding() {
        return outstanding;
    }

    /**
     * CPU used by other programs, as a fraction: the reading less what this node's own running
     * tasks account for. A node busy with our work is not "loaded by others".
     */
    double otherCpu() {
        double ours = Math.min(running, cores) / (double) cores;
        return Math.max(0, Math.min(0.9, cpuPercent / 100.0 - ours));
    }

    /**
     * The cores our work can expect: the scheduler shares a busy CPU evenly between the threads
     * that want it, so where other programs keep a fraction {@code u} of the cores busy, our tasks,
     * one per core, get about {@code cores / (1 + u)}: all of a free node, half of one whose CPUs
     * another program keeps busy (not the tenth its CPU reading would leave).
     */
    double capacity() {
        return cores / (1 + otherCpu());
    }

    boolean hasObservedRate() {
        return observedRate > 0;
    }

    /**
     * Tasks a second this node is expected to finish: its observed rate, or, before it has one,
     * its capacity at {@code perCoreRate} (see {@link #perCoreRate}).
     */
    double rate(double perCoreRate) {
        double rate = hasObservedRate() ? observedRate : Math.max(0.1, capacity()) * perCoreRate;
        return rate * turningShare();
    }

    /**
     * The share of its workers no long-running task holds: a node whose workers are all held
     * starts nothing new until one of them ends, however fast it was before (a thousandth, not
     * zero, so such nodes still compare by what they hold when all are held).
     */
    double turningShare() {
        if (workers <= 0 || longRunning <= 0) {
            return 1;
        }
        return Math.max(0.001, (workers - Math.min(workers, longRunning)) / (double) workers);
    }

    /** Notes how many workers the agent runs and how many of them long-running tasks hold. */
    NodeLoad workers(int workers, int longRunning) {
        this.workers = Math.max(0, workers);
        this.longRunning = Math.max(0, longRunning);
        return this;
    }

    /**
     * What one core is worth in tasks a second, from the nodes with an observed rate (their tasks a
     * second over their cores), for estimating the others; 1 when none has been observed: every
     * node is then compared by its capacity in cores.
     */
    static double perCoreRate(List<NodeLoad> nodes) {
        double rate = 0;
        long cores = 0;
        for (NodeLoad n : nodes) {
            if (n.hasObservedRate()) {
                rate += n.observedRate;
                cores += n.cores;
            }
        }
        return cores > 0 ? rate / cores : 1;
    }

    /** Notes one more task placed on this node in the current batch. */
    void assign() {
        outstanding++;
        placedNow++;
    }

    @Override
    public String toString() {
        return id;
    }

    NodeLoad copy() {
        NodeLoad c = new NodeLoad(id, cores, cpuPercent, memPercent, queued, running, saturated);
        c.outstanding = outstanding;
        c.observedRate = observedRate;
        c.workers = workers;
        c.longRunning = longRunning;
        return c;
    }
}
