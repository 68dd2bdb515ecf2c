package colmena.coordinator;

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
    long outstanding;
    long placedNow;

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

    /** Notes one more task placed on this node in the current batch. */
    void assign() {
        outstanding++;
        placedNow++;
    }

    NodeLoad copy() {
        NodeLoad c = new NodeLoad(id, cores, cpuPercent, memPercent, queued, running, saturated);
        c.outstanding = outstanding;
        return c;
    }
}
