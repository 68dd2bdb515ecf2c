package colmena.bench;

import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.UsageException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * {@code colmena bench NAME}: the benchmarks. Each starts what it needs (a bundled Redis on a free
 * port, a fresh database in a temporary folder, processes of this jar), measures, prints its
 * figures, and stops everything it started.
 */
public final class BenchCommand {
    /** One benchmark's entry point, given its parsed options. */
    public interface Bench {
        int run(Flags flags) throws Exception;
    }

    private record Entry(String summary, List<Option> options, Bench bench) {
    }

    private static final Map<String, Entry> BENCHES = new LinkedHashMap<>();

    static {
        register("api", "GET /api/nodes (50 nodes) and /api/tasks?limit=50 (1,000,000 rows) at 200 requests/s: latency percentiles", BenchApi.OPTIONS, BenchApi::run);
        register("failover", "kill -9 an agent holding tasks: time to offline and to its tasks running elsewhere", BenchFailover.OPTIONS, BenchFailover::run);
        register("throughput", "sleep(ms=0) tasks through the whole pipeline: tasks/s and Redis commands per task", BenchThroughput.OPTIONS, BenchThroughput::run);
        register("latency", "one sleep(ms=0) task at a time at 500/s: submission-to-stored percentiles", BenchLatency.OPTIONS, BenchLatency::run);
        register("footprint", "an idle agent for a minute: its CPU and resident memory, from /proc", BenchFootprint.OPTIONS, BenchFootprint::run);
        register("scale", "1,000 simulated nodes: the coordinator's placement time, GET /api/nodes latency, nodes staying online", BenchScale.OPTIONS, BenchScale::run);
        register("placement", "two pinned agents, one beside a CPU hog: each policy's makespan against the lower bound", BenchPlacement.OPTIONS, BenchPlacement::run);
        register("simulate", "N simulated nodes in one process until stopped (bench scale runs it; also shows a dashboard at scale)", BenchSimulate.OPTIONS, BenchSimulate::run);
        register("faces", "photos up to 12 megapixels through the face pipeline on 1 and 2 agents, beside the detector alone", BenchFaces.OPTIONS, BenchFaces::run);
        register("history-writer", "writes TaskHistory at a steady rate until stopped (bench api --write-rate runs it)", HistoryWriter.OPTIONS, HistoryWriter::run);
        register("soak", "thousands of small tasks while agents are killed and restarted at random; counts checked", BenchSoak.OPTIONS, BenchSoak::run);
    }

    private BenchCommand() {
    }

    private static void register(String name, String summary, List<Option> options, Bench bench) {
        BENCHES.put(name, new Entry(summary, options, bench));
    }

    /**
     * The benchmarks' HTTP clients complete their requests on CompletableFuture's default executor,
     * which with fewer than two common-pool threads (a 2-core machine) starts a thread per
     * completion: thousands a minute, in the process being measured. The pool reads its size once,
     * when first used, and nothing before a benchmark uses it; if something had, this says so.
     */
    private static void commonPoolForHttpClients() {
        String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
        System.setProperty(property, System.getProperty(property, "4"));
        int wanted = Integer.parseInt(System.getProperty(property));
        if (ForkJoinPool.getCommonPoolParallelism() != wanted) {
            System.err.println("bench: the common pool already has " + ForkJoinPool.getCommonPoolParallelism()
                    + " threads (" + property + " asks " + wanted + "); HTTP completions may each start a thread");
        }
    }

    public static String usage() {
        StringBuilder sb = new StringBuilder("Usage: java -jar dist/colmena.jar bench NAME [options]\n\nBenchmarks:\n");
        BENCHES.forEach((name, e) -> sb.append(String.format("  %-10s %s%n", name, e.summary())));
        return sb.append("\nRun 'bench NAME --help' for a benchmark's options.\n").toString();
    }

    /**
     * Runs {@code bench NAME [options]}; {@code colmena bench} calls it by name (the product does not
     * compile against the benchmarks).
     */
    public static int run(String[] args) throws Exception {
        commonPoolForHttpClients();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        Entry e = BENCHES.get(args[0]);
        if (e == null) {
            throw new UsageException("unknown benchmark \"" + args[0] + "\"; benchmarks: " + String.join(", ", BENCHES.keySet()));
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        String command = "bench " + args[0];
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            System.out.print(Flags.usage(command, e.summary(), e.options()));
            return 0;
        }
        return e.bench().run(Flags.parse(command, e.options(), rest, System.getenv()));
    }
}
