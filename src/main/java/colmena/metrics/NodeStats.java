package colmena.metrics;

/**
 * One sample of a node's resources, as written to {@code node:<id>:stats}.
 *
 * @param cores       logical CPUs this agent may use (its affinity, not the whole machine's)
 * @param cpuPercent  utilisation of those CPUs over the last interval, 0–100, from tick counts
 * @param workers     task threads the agent runs
 * @param intervalMs  how often the agent samples; the key lives a few of these
 * @param sampledAtMs wall-clock time of the sample, epoch milliseconds
 * @param longRunning workers held by a task that has run for {@link #LONG_RUNNING_MS} or more:
 *                    a node whose workers are all held starts nothing new until one ends
 * @param clockOffsetMs how far the agent's clock is ahead of Redis's (negative: behind); its
 *                    task times are corrected by it, and the dashboard flags a node whose clock is off
 */
public record NodeStats(String nodeId, String host, String os, int cores, double cpuPercent,
                        long memUsedBytes, long memTotalBytes, long diskUsedBytes, long diskTotalBytes,
                        long netRxBytesPerSec, long netTxBytesPerSec, long uptimeSeconds,
                        int workers, long intervalMs, long sampledAtMs, int longRunning, long clockOffsetMs) {
    /** A task running this long holds its worker, as placement sees it. */
    public static final long LONG_RUNNING_MS = 1_000;

    /** A sample with no task held long and the clock taken as right (what a report without those fields means). */
    public NodeStats(String nodeId, String host, String os, int cores, double cpuPercent,
                     long memUsedBytes, long memTotalBytes, long diskUsedBytes, long diskTotalBytes,
                     long netRxBytesPerSec, long netTxBytesPerSec, long uptimeSeconds,
                     int workers, long intervalMs, long sampledAtMs) {
        this(nodeId, host, os, cores, cpuPercent, memUsedBytes, memTotalBytes, diskUsedBytes, diskTotalBytes,
                netRxBytesPerSec, netTxBytesPerSec, uptimeSeconds, workers, intervalMs, sampledAtMs, 0, 0);
    }

    /** This sample with what the agent knows beyond its resources, its time read on Redis's clock. */
    public NodeStats withAgent(int longRunning, long clockOffsetMs, long sampledAtMs) {
        return new NodeStats(nodeId, host, os, cores, cpuPercent, memUsedBytes, memTotalBytes, diskUsedBytes,
                diskTotalBytes, netRxBytesPerSec, netTxBytesPerSec, uptimeSeconds, workers, intervalMs, sampledAtMs,
                longRunning, clockOffsetMs);
    }

    public double memPercent() {
        return percent(memUsedBytes, memTotalBytes);
    }

    public double diskPercent() {
        return percent(diskUsedBytes, diskTotalBytes);
    }

    private static double percent(long used, long total) {
        return total <= 0 ? 0 : Math.round(1000.0 * used / total) / 10.0;
    }
}
