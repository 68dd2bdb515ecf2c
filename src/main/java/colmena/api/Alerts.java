package colmena.api;

import colmena.metrics.NodeStats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Threshold alerts, worked out from each node's recent samples, so they need no state of their
 * own: a metric raises an alert when every sample of at least {@link #after} is above its
 * threshold, and the alert clears by itself once a sample falls back.
 */
final class Alerts {
    /** One alert: which node, which metric, how high, over what, since when. */
    record Alert(String node, String metric, double value, double threshold, Instant since) {
    }

    private final double cpuPercent;
    private final double memPercent;
    private final double diskPercent;
    private final Duration after;

    Alerts(double cpuPercent, double memPercent, double diskPercent, Duration after) {
        this.cpuPercent = cpuPercent;
        this.memPercent = memPercent;
        this.diskPercent = diskPercent;
        this.after = after;
    }

    /** How many of a node's newest samples to read to judge it, at a given interval. */
    int samplesNeeded(long intervalMs) {
        return (int) Math.min(600, after.toMillis() / Math.max(100, intervalMs) + 3);
    }

    /**
     * Whether a node whose latest stats are {@code s} could have an alert. An alert needs the
     * newest sample above a threshold, and the newest sample is the latest stats written with one
     * decimal; so a node whose figures are all at least {@link #MARGIN} under their thresholds has
     * none, and its samples need not be read. (A figure that is not a number may.)
     */
    boolean mayAlert(NodeStats s) {
        return s != null && !(s.cpuPercent() <= cpuPercent - MARGIN && s.memPercent() <= memPercent - MARGIN
                && s.diskPercent() <= diskPercent - MARGIN);
    }

    /** More than the rounding of a sample's figures to one decimal. */
    static final double MARGIN = 0.1;

    /** @param newestFirst samples {@code [atMs, cpu, mem, disk]} */
    List<Alert> of(String node, List<double[]> newestFirst) {
        List<Alert> out = new ArrayList<>();
        check(out, node, "cpu", 1, cpuPercent, newestFirst);
        check(out, node, "memory", 2, memPercent, newestFirst);
        check(out, node, "disk", 3, diskPercent, newestFirst);
        return out;
    }

    private void check(List<Alert> out, String node, String metric, int column, double threshold, List<double[]> newestFirst) {
        if (newestFirst.isEmpty() || newestFirst.get(0).length <= column) {
            return;
        }
        long newestMs = (long) newestFirst.get(0)[0];
        long sinceMs = -1;
        for (double[] s : newestFirst) {
            if (s.length <= column || s[column] <= threshold) {
                break;
            }
            sinceMs = (long) s[0];
        }
        if (sinceMs >= 0 && newestMs - sinceMs >= after.toMillis()) {
            out.add(new Alert(node, metric, newestFirst.get(0)[column], threshold, Instant.ofEpochMilli(sinceMs)));
        }
    }

    double cpuPercent() {
        return cpuPercent;
    }

    double memPercent() {
        return memPercent;
    }

    double diskPercent() {
        return diskPercent;
    }

    Duration after() {
        return after;
    }
}
