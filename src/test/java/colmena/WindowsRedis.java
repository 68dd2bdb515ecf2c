package colmena;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Windows redis-server that start-all.bat runs (5.0.14.1, bundled in embedded-redis), run
 * under Debian's {@code wine} so the suite can check every command and script against it on
 * Linux. Chosen by {@code COLMENA_TEST_REDIS=wine} (see {@link TestRedis}).
 *
 * <p>Under wine the build's fork emulation (QFork) cannot reserve its heap ("VirtualAlloc of
 * reserve segment failed"), so it runs with {@code --persistence-available no}: no append-only
 * file, which the tests of this selection do not need. wine's prefix lives under
 * {@code target/wine} and its first start (about 10 s) happens here, headless.
 */
final class WindowsRedis {
    static final String EXE = "redis-server-5.0.14.1-windows-amd64.exe";
    private static final long START_NANOS = 90_000_000_000L;

    private final Process process;
    private final int port;
    private final Path log;

    private WindowsRedis(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts it on {@code port} and waits until it answers; the first start also creates wine's prefix. */
    static WindowsRedis start(int port) throws IOException {
        Path dir = Path.of("target", "wine").toAbsolutePath();
        Files.createDirectories(dir);
        Path exe = extract(dir);
        Path log = dir.resolve("redis-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of("wine", exe.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--persistence-available", "no", "--loglevel", "warning"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("WINEPREFIX", dir.resolve("prefix").toString());
        env.put("WINEDEBUG", "-all");
        env.put("WINEDLLOVERRIDES", "mscoree,mshtml=");
        env.remove("DISPLAY");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("COLMENA_TEST_REDIS=wine needs wine on the PATH (apt-get install wine wine64): " + e.getMessage(), e);
        }
        WindowsRedis redis = new WindowsRedis(p, port, log);
        long deadline = System.nanoTime() + START_NANOS;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("wine " + EXE + " exited with code " + p.exitValue() + ": " + redis.logTail());
            }
            if (colmena.process.BundledRedis.answers("127.0.0.1", port)) {
                return redis;
            }
            sleep(100);
        }
        redis.kill();
        throw new IOException("wine " + EXE + " did not answer on port " + port + " within 90 s: " + redis.logTail());
    }

    private static Path extract(Path dir) throws IOException {
        Path exe = dir.resolve(EXE);
        if (!Files.isRegularFile(exe)) {
            try (InputStream in = WindowsRedis.class.getResourceAsStream("/" + EXE)) {
                if (in == null) {
                    throw new IOException(EXE + " is not on the class path (embedded-redis)");
                }
                Path tmp = Files.createTempFile(dir, "redis", ".exe");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, exe, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return exe;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills wine's process and its children (the Windows program runs in a child of the wine loader). */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
