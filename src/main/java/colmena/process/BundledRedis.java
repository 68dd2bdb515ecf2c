package colmena.process;

import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A redis-server child process: the real binary bundled in the jar (from embedded-redis, for
 * Windows, Linux and macOS), or the one on the PATH. It keeps an append-only file in its folder,
 * so a plain restart loses nothing.
 */
public final class BundledRedis implements AutoCloseable {
    /** How long a started redis-server has to answer. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path dir;
    private final Path log;

    private BundledRedis(Process process, int port, Path dir, Path log) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
    }

    /** Where the server comes from. */
    public enum Source { BUNDLED, PATH_FIRST }

    /**
     * Starts redis-server and waits until it answers.
     *
     * @param bind     address to listen on (127.0.0.1 unless other machines must reach it)
     * @param password required of clients, or null for none (then it must listen on loopback)
     * @throws IOException when it cannot be started or does not answer within {@link #START_TIMEOUT}
     */
    public static BundledRedis start(Source source, int port, String bind, String password, Path dir) throws IOException {
        return start(source, port, bind, password, dir, DEFAULT_MAXMEMORY);
    }

    /** Redis's memory bound unless told otherwise: beyond it writes are refused, nothing is evicted. */
    public static final String DEFAULT_MAXMEMORY = "1gb";
    /**
     * Commands a Redis with a password (one other machines may reach) refuses to everyone, the
     * control plane too: none of Colmena's processes sends them, and each can take over the
     * machine Redis runs on or wipe its data.
     */
    public static final List<String> COMMANDS_OFF = List.of("config", "module", "debug", "replicaof", "slaveof",
            "sync", "psync", "shutdown", "monitor", "flushall", "flushdb", "save", "bgsave", "bgrewriteaof",
            "migrate", "restore");

    /**
     * As {@link #start(Source, int, String, String, Path)}, with a memory bound.
     *
     * @param maxmemory as Redis writes it ({@code 512mb}, {@code 2gb}); writes beyond it are refused
     */
    public static BundledRedis start(Source source, int port, String bind, String password, Path dir, String maxmemory)
            throws IOException {
        Files.createDirectories(dir);
        String exe = executable(source);
        List<String> cmd = new ArrayList<>(List.of(exe, "--port", Integer.toString(port), "--bind", bind,
                "--dir", dir.toAbsolutePath().toString(), "--appendonly", "yes", "--appendfsync", "everysec",
                "--save", "", "--daemonize", "no", "--loglevel", "warning",
                "--maxmemory", maxmemory, "--maxmemory-policy", "noeviction"));
        RedisLogin.ownerOnly(dir, "rwx------"); // the append-only file and the users' hashes: nobody else's to read
        RedisLogin.addTo(cmd, dir, password, version(exe));
        Path log = dir.resolve("redis.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return answering(new BundledRedis(p, port, dir, log), bind);
    }

    /** The started server once it answers, within {@link #START_TIMEOUT}; killed, and why said, otherwise. */
    private static BundledRedis answering(BundledRedis redis, String bind) throws IOException {
        Process p = redis.process;
        int port = redis.port;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server exited with code " + p.exitValue() + ": " + redis.logTail());
            }
            if (answers("127.0.0.1".equals(bind) || "0.0.0.0".equals(bind) ? "127.0.0.1" : bind, port)) {
                return redis;
            }
            sleep(50);
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not answer on port " + port + " within " + START_TIMEOUT.toSeconds() + " s: " + redis.logTail());
    }

    /** The server's version from {@code redis-server --version} ("... v=6.2.6 ..."); {0, 0} when unknown. */
    static int[] version(String exe) {
        try {
            Process p = new ProcessBuilder(exe, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("v=(\\d+)\\.(\\d+)").matcher(out);
            return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {0, 0};
        } catch (IOException e) {
            return new int[] {0, 0};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new int[] {0, 0};
        }
    }

    /** The redis-server to run: the bundled binary, or (PATH_FIRST) one on the PATH when there is one. */
    static String executable(Source source) throws IOException {
        if (source == Source.PATH_FIRST) {
            String path = System.getenv("PATH");
            if (path != null) {
                String name = System.getProperty("os.name").toLowerCase().contains("win") ? "redis-server.exe" : "redis-server";
                for (String d : path.split(File.pathSeparator)) {
                    File f = new File(d, name);
                    if (f.isFile() && f.canExecute()) {
                        return f.getAbsolutePath();
                    }
                }
            }
        }
        File f = ExecutableProvider.newJarResourceProvider().get();
        if (!f.canExecute() && !f.setExecutable(true)) {
            throw new IOException("cannot make " + f + " executable");
        }
        return f.getAbsolutePath();
    }

    /** Whether something accepts TCP connections at host:port (a quick look, 300 ms at most). */
    public static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Lets redis-server finish writing its append-only file and exit (SIGTERM). */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills it at once, as a crash or a power cut would. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void waitFor() throws InterruptedException {
        process.waitFor();
    }

    /** Waits for the server to exit; returns its exit code (-1 when it never started). */
    public int waitForExit() throws InterruptedException {
        return process == null ? -1 : process.waitFor();
    }

    /** A stand-in for a server that failed to start again, in the same folder: it has already exited. */
    public static BundledRedis exited(BundledRedis like) {
        return exited(like.port, like.dir);
    }

    /** A stand-in for a server on {@code port} in {@code dir} that has already exited. */
    public static BundledRedis exited(int port, Path dir) {
        return new BundledRedis(null, port, dir, dir.resolve("redis.log"));
    }

    /** The redis-server's command line as the system shows it to every user ({@code ps}). */
    public String pidCommandLine() {
        return process == null ? "" : process.info().commandLine().orElse("");
    }

    /** The process id of the redis-server, for a person or a test to find it. */
    public long pid() {
        return process == null ? -1 : process.pid();
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

    @Override
    public void close() {
        stop();
    }
}
