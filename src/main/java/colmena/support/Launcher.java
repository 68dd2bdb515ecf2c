package colmena.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts Colmena commands as separate processes of this same program (the jar, or the classes a
 * test runs from): what the benchmarks and the failure tests kill and restart.
 */
public final class Launcher {
    private Launcher() {
    }

    /**
     * Starts {@code java [jvmOptions] -cp <this class path> colmena.Main args...}, its output
     * appended to {@code log}.
     */
    public static Process start(Path log, List<String> jvmOptions, String... args) throws IOException {
        return start(log, List.of(), jvmOptions, args);
    }

    /**
     * As {@link #start(Path, List, String...)}, pinned to the CPUs {@code cpus} (a Linux CPU list
     * such as {@code 0} or {@code 2-3}) with {@code taskset}, which must be on the PATH.
     */
    public static Process startPinned(Path log, String cpus, List<String> jvmOptions, String... args) throws IOException {
        return start(log, List.of("taskset", "-c", cpus), jvmOptions, args);
    }

    private static Process start(Path log, List<String> prefix, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("colmena.Main");
        cmd.addAll(List.of(args));
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Kills at once, as a power cut would (SIGKILL on Linux and macOS). */
    public static void kill(Process p) {
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks to stop (SIGTERM: shutdown hooks run) and waits up to {@code seconds}, then kills. */
    public static void stop(Process p, long seconds) {
        p.destroy();
        try {
            if (!p.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
                kill(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
        }
    }

    private static boolean isWindows() {
        return File.separatorChar == '\\';
    }
}
