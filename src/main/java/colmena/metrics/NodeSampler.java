package colmena.metrics;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OperatingSystem;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * OSHI in, {@link NodeStats} out. CPU use and network rates are measured between two calls of
 * {@link #sample()} (from tick and byte counters, not a one-off reading), so the first call
 * covers the time since construction.
 *
 * <p>When the agent is pinned to some CPUs ({@code taskset}), the CPU figure is the load of those
 * CPUs only, so two agents pinned to different cores of one machine each see their own.
 */
public final class NodeSampler {
    /** Network interfaces come and go (Wi-Fi, VPN); look for new ones this often. */
    private static final long NETWORK_REFRESH_MS = 60_000;

    private final String nodeId;
    private final int workers;
    private final long intervalMs;
    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private final HardwareAbstractionLayer hal;
    private final OperatingSystem os;
    private final String host;
    private final String osName;
    private final BitSet allowedCpus;
    private final int cores;
    private final Path diskPath;

    private long[] systemTicks;
    private long[][] cpuTicks;
    private List<NetworkIF> interfaces = List.of();
    private long networkListedAtMs;
    private long rxBytes;
    private long txBytes;
    private long lastSampleNanos;

    public NodeSampler(String nodeId, int workers, long intervalMs, Path diskPath) {
        this.nodeId = nodeId;
        this.workers = workers;
        this.intervalMs = intervalMs;
        this.diskPath = diskPath;
        SystemInfo info = new SystemInfo();
        this.hal = info.getHardware();
        this.cpu = hal.getProcessor();
        this.memory = hal.getMemory();
        this.os = info.getOperatingSystem();
        this.host = hostName();
        this.osName = os.toString();
        this.allowedCpus = allowedCpus(cpu.getLogicalProcessorCount());
        this.cores = allowedCpus == null ? cpu.getLogicalProcessorCount() : allowedCpus.cardinality();
        this.systemTicks = cpu.getSystemCpuLoadTicks();
        this.cpuTicks = allowedCpus == null ? null : cpu.getProcessorCpuLoadTicks();
        refreshNetwork(System.currentTimeMillis());
        long[] bytes = networkBytes();
        this.rxBytes = bytes[0];
        this.txBytes = bytes[1];
        this.lastSampleNanos = System.nanoTime();
    }

    public int cores() {
        return cores;
    }

    /** Measures everything since the previous call. */
    public synchronized NodeStats sample() {
        long now = System.currentTimeMillis();
        long nanos = System.nanoTime();
        double seconds = Math.max(0.001, (nanos - lastSampleNanos) / 1e9);
        lastSampleNanos = nanos;

        double cpuPercent = Math.round(Math.max(0, Math.min(1, cpuLoad())) * 1000) / 10.0;

        long memTotal = memory.getTotal();
        long memUsed = memTotal - memory.getAvailable();

        long[] disk = disk();
        long[] rates = networkRates(now, seconds);
        return new NodeStats(nodeId, host, osName, cores, cpuPercent, memUsed, memTotal, disk[1], disk[0],
                rates[0], rates[1], os.getSystemUptime(), workers, intervalMs, now);
    }

    /** The CPU load (0 to 1) since the previous call, over the CPUs this process may use. */
    private double cpuLoad() {
        if (allowedCpus == null) {
            double load = cpu.getSystemCpuLoadBetweenTicks(systemTicks);
            systemTicks = cpu.getSystemCpuLoadTicks();
            return load;
        }
        double[] each = cpu.getProcessorCpuLoadBetweenTicks(cpuTicks);
        cpuTicks = cpu.getProcessorCpuLoadTicks();
        double sum = 0;
        for (int i = allowedCpus.nextSetBit(0); i >= 0 && i < each.length; i = allowedCpus.nextSetBit(i + 1)) {
            sum += each[i];
        }
        return sum / Math.max(1, cores);
    }

    /** {@code [total, used]} bytes of the disk that holds {@link #diskPath}. */
    private long[] disk() {
        long diskTotal = 0;
        long diskUsed = 0;
        try {
            FileStore store = Files.getFileStore(diskPath);
            diskTotal = store.getTotalSpace();
            diskUsed = diskTotal - store.getUsableSpace();
        } catch (IOException e) {
            // A disk that cannot be read reports 0 of 0; the other figures are still worth sending.
        }
        return new long[] {diskTotal, diskUsed};
    }

    /** {@code [received, sent]} bytes a second over the last {@code seconds}, on every interface but loopback. */
    private long[] networkRates(long now, double seconds) {
        if (now - networkListedAtMs > NETWORK_REFRESH_MS) {
            refreshNetwork(now);
        }
        long[] bytes = networkBytes();
        long rxRate = Math.max(0, Math.round((bytes[0] - rxBytes) / seconds));
        long txRate = Math.max(0, Math.round((bytes[1] - txBytes) / seconds));
        rxBytes = bytes[0];
        txBytes = bytes[1];
        return new long[] {rxRate, txRate};
    }

    private void refreshNetwork(long now) {
        List<NetworkIF> real = new ArrayList<>();
        for (NetworkIF nif : hal.getNetworkIFs(false)) {
            try {
                if (!nif.queryNetworkInterface().isLoopback()) {
                    real.add(nif);
                }
            } catch (SocketException e) {
                // An interface that vanished while being listed is simply not counted.
            }
        }
        interfaces = real;
        networkListedAtMs = now;
        long[] bytes = networkBytes();
        rxBytes = bytes[0];
        txBytes = bytes[1];
    }

    private long[] networkBytes() {
        long rx = 0;
        long tx = 0;
        for (NetworkIF nif : interfaces) {
            nif.updateAttributes();
            rx += nif.getBytesRecv();
            tx += nif.getBytesSent();
        }
        return new long[] {rx, tx};
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? System.getenv().getOrDefault("COMPUTERNAME", "unknown") : env;
        }
    }

    /**
     * The CPUs this process may run on, when that is fewer than all of them (Linux only: from
     * {@code Cpus_allowed_list} in {@code /proc/self/status}); null when it may use them all.
     */
    static BitSet allowedCpus(int logical) {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    BitSet set = parseCpuList(line.substring(line.indexOf(':') + 1).trim());
                    set.clear(logical, Math.max(logical, set.length()));
                    return set.isEmpty() || set.cardinality() >= logical ? null : set;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Without the list the agent measures the whole machine, which is right unless pinned.
        }
        return null;
    }

    /** Parses a Linux CPU list such as {@code 0-3,8,10-11}. */
    static BitSet parseCpuList(String list) {
        BitSet set = new BitSet();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                set.set(Integer.parseInt(p));
            } else {
                set.set(Integer.parseInt(p.substring(0, dash)), Integer.parseInt(p.substring(dash + 1)) + 1);
            }
        }
        return set;
    }
}
