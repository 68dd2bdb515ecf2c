package colmena.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts Colmena commands as separate processes of this same program (the jar, or the classes a
 * test runs from): what the benchmarks and the failure tests kill and restart. A command that runs
 * until stopped gets a {@code --stop-file} beside its log, so {@link #stop} is the product's own
 * graceful stop on every platform (on Windows {@link Process#destroy()} is a hard kill).
 */
public final class Launcher {
    /** The commands that take {@code --stop-file}. */
    private static final Set<String> STOPPABLE = Set.of("agent", "coordinator", "api", "redis");
    private static final Map<Long, Path> STOP_FILES = new ConcurrentHashMap<>();

    private Launcher() {
    }

    /**
     * Starts {@code java [jvmOptions] -cp <this class path> colmena.Main args...}, its output
     * appended to {@code log}. With the environment variable {@code COLMENA_BENCH_JFR} set to a
     * folder, each process also writes a flight recording there, named after its log.
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
        String recordings = System.getenv("COLMENA_BENCH_JFR");
        if (recordings != null && !recordings.isBlank()) {
            // A flight recording of each started process, named after its log: where its CPU goes.
            cmd.add("-XX:StartFlightRecording=settings=profile,filename="
                    + Path.of(recordings).toAbsolutePath().resolve(log.getFileName() + ".jfr"));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("colmena.Main");
        cmd.addAll(List.of(args));
        Path stopFile = null;
        if (args.length > 0 && STOPPABLE.contains(args[0])) {
            stopFile = log.toAbsolutePath().resolveSibling(log.getFileName() + "." + UUID.randomUUID() + ".stop");
            cmd.addAll(List.of("--stop-file", stopFile.toString()));
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (stopFile != null) {
            STOP_FILES.put(p.pid(), stopFile);
        }
        return p;
    }

    /** Kills at once, as a power cut would (SIGKILL on Linux and macOS, TerminateProcess on Windows). */
    public static void kill(Process p) {
        forget(p);
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks to stop, as Ctrl+C would (its shutdown hooks run), and waits up to {@code seconds}, then
     * kills. The request is the process's stop file when it has one, else {@link Process#destroy()}
     * (SIGTERM on Linux and macOS; on Windows that is already a kill).
     */
    public static void stop(Process p, long seconds) {
        requestStop(p);
        try {
            if (p.waitFor(seconds, TimeUnit.SECONDS)) {
                forget(p);
            } else {
                kill(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
        }
    }

    /** Asks {@code p} to stop without waiting: its stop file, or {@link Process#destroy()}. */
    public static void requestStop(Process p) {
        Path stopFile = STOP_FILES.get(p.pid());
        if (stopFile == null || !p.isAlive()) {
            p.destroy();
            return;
        }
        try {
            Files.writeString(stopFile, "stop");
        } catch (IOException e) {
            p.destroy();
        }
    }

    private static void forget(Process p) {
        Path stopFile = STOP_FILES.remove(p.pid());
        if (stopFile != null) {
            try {
                Files.deleteIfExists(stopFile);
            } catch (IOException e) {
                // Best effort: a stale stop file names a process that is gone, and is removed at the next start.
            }
        }
    }

    private static boolean isWindows() {
        return File.separatorChar == '\\';
    }
}
