package colmena.metrics;

/**
 * One sample of a node's resources, as written to {@code node:<id>:stats}.
 *
 * @param cores       logical CPUs this agent may use (its affinity, not the whole machine's)
 * @param cpuPercent  utilisation of those CPUs over the last interval, 0–100, from tick counts
 * @param workers     task threads the agent runs
 * @param intervalMs  how often the agent samples; the key lives a few of these
 * @param sampledAtMs wall-clock time of the sample, epoch milliseconds
 */
public record NodeStats(String nodeId, String host, String os, int cores, double cpuPercent,
                        long memUsedBytes, long memTotalBytes, long diskUsedBytes, long diskTotalBytes,
                        long netRxBytesPerSec, long netTxBytesPerSec, long uptimeSeconds,
                        int workers, long intervalMs, long sampledAtMs) {

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
