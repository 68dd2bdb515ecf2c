package colmena.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code colmena bench}: the product reaches the benchmarks (built apart, in src/bench) by name
 * only, passes their exit codes and usage errors through, and says so plainly when a build has
 * none.
 */
class BenchDispatchTest {
    private record Ran(int code, String out, String err) {
    }

    private static Ran run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Commands.run(args);
            return new Ran(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void benchHelpListsTheBenchmarksSimulateAmongThem() {
        Ran r = run("bench", "--help");
        assertEquals(0, r.code(), r.err());
        for (String name : List.of("api", "failover", "throughput", "latency", "footprint", "scale", "placement",
                "simulate", "faces", "soak")) {
            assertTrue(r.out().contains("\n  " + name + " "), name + " missing from: " + r.out());
        }
    }

    @Test
    void aBenchmarksOwnHelpAndAUsageErrorComeThrough() {
        Ran help = run("bench", "simulate", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("--nodes"), help.out());
        Ran unknown = run("bench", "no-such-benchmark");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown benchmark \"no-such-benchmark\""), unknown.err());
    }

    @Test
    void aBuildWithoutTheBenchmarksSaysSo() throws Exception {
        // The product's classes and its libraries, without the test classes (which hold a copy of the benchmarks).
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !Path.of(p).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                "colmena.Main", "bench", "throughput").redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), said);
        assertEquals(1, p.exitValue(), said);
        assertTrue(said.contains("the benchmarks are not in this build"), said);
    }
}
