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
     * The coordinator: compiled by C1 alone, with a young generation of 128 MB. At a steady 500
     * tasks/s C2 spent 40-56 % of a core for the coordinator's first 20-30 s compiling H2 and
     * Jedis, and that competition for the two cores set the latency's tail. At full speed the
     * coordinator allocates about 1 GB/s (H2's copied pages, Jedis's arguments): with 32 MB it
     * collected every 22 ms, 17 % of the run stopped; with 128 MB a tenth as often, for 40 % less
     * pause in all and 10-18 % more tasks a second (docs/BENCHMARKS.md).
     */
    static final String COORDINATOR = "-XX:+UseSerialGC -Xmx512m -Xmn128m -XX:TieredStopAtLevel=1";
    /** An agent: small, compiled by C1 alone. */
    static final String AGENT = "-XX:+UseSerialGC -Xms16m -Xmx256m -XX:TieredStopAtLevel=1";

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
