package colmena.bench;

import java.util.List;

/**
 * The Java options {@code start-all.sh} and {@code start-all.bat} give each part, so that the
 * benchmarks measure the processes a classroom runs ({@code StartAllJvmTest} checks both scripts
 * say the same). The environment variables the scripts read override them here too (start-all.bat
 * reads them as start-all.sh does).
 */
final class StartAllJvm {
    /** The API: a young generation of 32 MB, so a collection does not copy much of H2's page cache churn. */
    static final String API = "-XX:+UseSerialGC -Xmx512m -Xmn32m";
    /**
     * The coordinator: a young generation of 128 MB. At full speed it allocates about 1 GB/s (H2's
     * copied pages, Jedis's arguments): with 32 MB it collected every 22 ms, 17 % of the run
     * stopped; with 128 MB a tenth as often, for 40 % less pause in all and 10-18 % more tasks a
     * second. Compiled by C1 then C2, as Java does by default: compiled by C1 alone its steady work
     * cost about 60 % more (31 µs a task against 19 in {@code bench throughput}, 16 % of a core
     * against 13 % at 500 tasks/s); C2's compiling takes its first minute or two under heavy load
     * (docs/BENCHMARKS.md).
     */
    static final String COORDINATOR = "-XX:+UseSerialGC -Xmx512m -Xmn128m";
    /**
     * An agent: a small heap, starting at 8 MB, compiled by C1 then C2. Compiled by C1 alone, the
     * face detector took a quarter longer ({@code bench faces}, best of three: 9.50 s against 7.36 s
     * for its photos on one agent, 5.67 s against 4.61 s on two). C2's compiling in an idle agent's
     * first minute costs it a few megabytes more resident memory and a quarter of a percent of a
     * core, past {@code bench footprint}'s targets (docs/BENCHMARKS.md); the heap starting at 8 MB
     * instead of 16 gives a little back.
     */
    static final String AGENT = "-XX:+UseSerialGC -Xms8m -Xmx256m";

    private StartAllJvm() {
    }

    static List<String> api() {
        return Pipeline.javaOptions("COLMENA_JAVA_OPTS", API);
    }

    static List<String> coordinator() {
        return Pipeline.javaOptions("COLMENA_COORDINATOR_JAVA_OPTS", Pipeline.javaOptions("COLMENA_JAVA_OPTS", COORDINATOR));
    }

    static List<String> agent() {
        return Pipeline.javaOptions("COLMENA_AGENT_JAVA_OPTS", AGENT);
    }
}
