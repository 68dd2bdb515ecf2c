package colmena.bench;

import colmena.config.UsageException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code colmena bench NAME}: the benchmarks. Each starts what it needs (a bundled Redis on a free
 * port, a fresh database in a temporary folder, processes of this jar), measures, prints its
 * figures, and stops everything it started.
 */
public final class BenchCommand {
    /** One benchmark: its name, one line saying what it measures, and its entry point. */
    public interface Bench {
        int run(String[] args) throws Exception;
    }

    private record Entry(String summary, Bench bench) {
    }

    private static final Map<String, Entry> BENCHES = new LinkedHashMap<>();

    static {
        register("api", "GET /api/nodes (50 nodes) and /api/tasks?limit=50 (1,000,000 rows) at 200 requests/s: latency percentiles", BenchApi::run);
        register("failover", "kill -9 an agent holding tasks: time to offline and to its tasks running elsewhere", BenchFailover::run);
        register("throughput", "sleep(ms=0) tasks through the whole pipeline: tasks/s and Redis commands per task", BenchThroughput::run);
        register("latency", "one sleep(ms=0) task at a time at 500/s: submission-to-stored percentiles", BenchLatency::run);
        register("soak", "thousands of small tasks while agents are killed and restarted at random; counts checked", BenchSoak::run);
    }

    private BenchCommand() {
    }

    private static void register(String name, String summary, Bench bench) {
        BENCHES.put(name, new Entry(summary, bench));
    }

    public static String usage() {
        StringBuilder sb = new StringBuilder("Usage: java -jar dist/colmena.jar bench NAME [options]\n\nBenchmarks:\n");
        BENCHES.forEach((name, e) -> sb.append(String.format("  %-10s %s%n", name, e.summary())));
        return sb.append("\nRun 'bench NAME --help' for a benchmark's options.\n").toString();
    }

    public static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        Entry e = BENCHES.get(args[0]);
        if (e == null) {
            throw new UsageException("unknown benchmark \"" + args[0] + "\"; benchmarks: " + String.join(", ", BENCHES.keySet()));
        }
        return e.bench().run(Arrays.copyOfRange(args, 1, args.length));
    }
}
