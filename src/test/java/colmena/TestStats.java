package colmena;

import colmena.metrics.NodeStats;

/** Node samples for tests that need a node to report without running an agent. */
public final class TestStats {
    private TestStats() {
    }

    /** A two-core, two-worker node on {@code host} whose figures are all small but {@code cpuPercent}. */
    public static NodeStats small(String id, String host, double cpuPercent, long intervalMs, long sampledAtMs) {
        return new NodeStats(id, host, "Linux", 2, cpuPercent, 1, 4, 1, 4, 0, 0, 1, 2, intervalMs, sampledAtMs);
    }

    /** {@link #small} on host "host", sampled at {@code sampledAtMs}, reporting every second. */
    public static NodeStats small(String id, double cpuPercent, long sampledAtMs) {
        return small(id, "host", cpuPercent, 1_000, sampledAtMs);
    }

    /** {@link #small} on host "host", sampled now, reporting every second. */
    public static NodeStats small(String id, double cpuPercent) {
        return small(id, cpuPercent, System.currentTimeMillis());
    }

    /** A four-core, four-worker node on host "host-{@code id}" with every figure set, sampled now. */
    public static NodeStats typical(String id) {
        return new NodeStats(id, "host-" + id, "Linux", 4, 37.5, 2_000, 4_000, 10, 100, 5, 6, 60, 4, 1_000,
                System.currentTimeMillis());
    }
}
