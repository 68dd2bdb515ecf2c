package colmena.cli;

import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.UsageException;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code colmena cds}: builds the class-data sharing archive the start scripts start every part
 * from ({@code dist/colmena.jsa}, beside the jar). A JVM started with
 * {@code -XX:SharedArchiveFile} maps the classes it holds, already parsed and verified, instead of
 * reading and checking them from the jar: the API and the agents start about 30 % sooner
 * (docs/BENCHMARKS.md).
 *
 * <p>The archive holds the classes a real run loads: a second JVM, started with
 * {@code -XX:DumpLoadedClassList}, runs {@link ClassArchiveTraining} (Redis, the API, the
 * coordinator and an agent in one process, tasks and a face job through the REST API), and a third
 * dumps the classes it listed ({@code -Xshare:dump}). The archive is written beside the final name
 * and moved there only once a JVM has started from it, so a part starting meanwhile never maps half
 * a file.
 *
 * <p>An archive fits one jar and one Java: a rebuilt jar or another Java ignores it (the JVM warns
 * and starts without it). The start scripts check with {@code -Xshare:on}, with which a JVM that
 * cannot use the archive refuses to start, and build it again.
 */
final class ClassArchiveCommand {
    static final List<Option> OPTIONS = List.of(
            Option.value("out", null, null, "FILE", "where to write the archive; default colmena.jsa beside the jar"),
            Option.value("timeout", null, "3m", "DURATION", "give up on the training run after this long"));
    static final String SUMMARY = "Builds the class-data sharing archive (dist/colmena.jsa) the start scripts start "
            + "every part from, about 30 % sooner. Run it again after a new build or a new Java.";
    /** The training run's heap and collector: those of the API and the coordinator in the start scripts. */
    private static final List<String> TRAINING_JVM = List.of("-XX:+UseSerialGC", "-Xmx512m", "-Xmn32m");
    private static final String MAIN_CLASS = "colmena.Main";

    private ClassArchiveCommand() {
    }

    static int run(String[] args) throws InterruptedException {
        if (args.length > 1 && args[0].equals(ClassArchiveTraining.FLAG)) {
            return ClassArchiveTraining.run(Path.of(args[1]));
        }
        Flags flags = Startup.flags("cds", SUMMARY, OPTIONS, args);
        if (flags == null) {
            return 0;
        }
        List<Path> classPath = classPath();
        Path out = (flags.string("out") != null ? Path.of(flags.string("out"))
                : classPath.get(0).toAbsolutePath().resolveSibling("colmena.jsa")).toAbsolutePath();
        long timeoutMs = flags.duration("timeout", java.time.Duration.ofSeconds(10), java.time.Duration.ofHours(1)).toMillis();
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            throw new StartupException("cannot write in " + out.getParent() + " (" + e.getMessage() + ")");
        }
        // One build of this archive at a time (make build beside a start script, say): the next waits.
        try (FileChannel channel = FileChannel.open(out.resolveSibling(out.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lock(channel, out)) {
            build(classPath, out, timeoutMs);
        } catch (IOException e) {
            throw new StartupException("cannot lock " + out + ".lock (" + e.getMessage() + ")");
        }
        return 0;
    }

    /** The lock on {@code channel}, saying so when another build holds it. */
    private static FileLock lock(FileChannel channel, Path out) throws IOException {
        FileLock lock = channel.tryLock();
        if (lock == null) {
            System.out.println("Another 'colmena cds' is building " + out + "; waiting for it to end...");
            lock = channel.lock();
        }
        return lock;
    }

    private static void build(List<Path> classPath, Path out, long timeoutMs) throws InterruptedException {
        Path partial = out.resolveSibling(out.getFileName() + ".new");
        Path classList = out.resolveSibling(out.getFileName() + ".classlist");
        Path work;
        try {
            deleteQuietly(partial); // left by a build that was killed
            work = Files.createTempDirectory("colmena-cds-");
        } catch (IOException e) {
            throw new StartupException("cannot make a temporary folder for the training run (" + e.getMessage() + ")");
        }
        System.out.println("Building " + out + " (class-data sharing: the parts start from it sooner); a training run of "
                + "Redis, the API, the coordinator and an agent, then the archive, about 15-20 s...");
        long started = System.nanoTime();
        String classes;
        try {
            classes = train(classPath, classList, work, timeoutMs);
            dump(classPath, classList, partial);
        } finally {
            deleteQuietly(classList);
            deleteTree(work); // the training's Redis and H2 files, or what a killed training left
        }
        check(classPath, partial);
        move(partial, out);
        System.out.printf(Locale.ROOT, "%s: %.1f MB, %s classes, built in %.1f s. The start scripts start every part from it;"
                        + " by hand: java -XX:SharedArchiveFile=%s -jar %s ...%n", out, sizeMb(out), classes,
                (System.nanoTime() - started) / 1e9, out, classPath.get(0));
    }

    /** The training run, writing the list of every class it loaded; the count of them. */
    private static String train(List<Path> classPath, Path classList, Path work, long timeoutMs) throws InterruptedException {
        List<String> command = java(classPath);
        command.add(1, "-XX:DumpLoadedClassList=" + classList.toAbsolutePath());
        command.addAll(List.of(MAIN_CLASS, "cds", ClassArchiveTraining.FLAG, work.toString()));
        Output training = runProcess(command, timeoutMs);
        if (training.exitCode != 0 || !Files.isRegularFile(classList)) {
            throw new StartupException("the training run " + (training.exitCode == TIMED_OUT ? "did not end within "
                    + timeoutMs / 1000 + " s" : "failed (exit code " + training.exitCode + ")") + "; no archive written. "
                    + "Its last lines:" + System.lineSeparator() + training.tail());
        }
        return training.classes();
    }

    /**
     * A static archive of the listed classes (the JDK's own and the jar's). Not a dynamic one
     * ({@code -XX:ArchiveClassesAtExit}) on top of the JDK's: with that, measured side by side in
     * {@code bench throughput}, the coordinator spent 1.7-2 times the CPU per task (docs/BENCHMARKS.md).
     */
    private static void dump(List<Path> classPath, Path classList, Path archive) throws InterruptedException {
        List<String> command = java(classPath);
        command.addAll(1, List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList.toAbsolutePath(),
                "-XX:SharedArchiveFile=" + archive.toAbsolutePath()));
        Output dumped = runProcess(command, 300_000);
        if (dumped.exitCode != 0 || !Files.isRegularFile(archive)) {
            deleteQuietly(archive);
            throw new StartupException("the JVM could not write the archive (exit code " + dumped.exitCode + "). It said:"
                    + System.lineSeparator() + dumped.tail());
        }
    }

    /**
     * This program's class path, every entry a jar: the JVM archives classes from jars only, and
     * a later start must give the same jars.
     */
    static List<Path> classPath() {
        List<Path> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isEmpty()) {
                continue;
            }
            Path p = Path.of(e);
            if (Files.isDirectory(p) || !e.toLowerCase(Locale.ROOT).endsWith(".jar")) {
                throw new UsageException("the class path holds " + e + ", which is not a jar; class-data sharing archives "
                        + "classes from jar files only: run it as java -jar dist/colmena.jar cds (./mvnw package builds the jar)");
            }
            entries.add(p);
        }
        if (entries.isEmpty()) {
            throw new UsageException("no class path: run it as java -jar dist/colmena.jar cds");
        }
        return entries;
    }

    /** {@code java [training options] -cp <the same class path>}: a JVM like this one. */
    private static List<String> java(List<Path> classPath) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", File.separatorChar == '\\' ? "java.exe" : "java").toString());
        cmd.addAll(TRAINING_JVM);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()));
        return cmd;
    }

    /** Starts a JVM from {@code archive} with -Xshare:on, which refuses to start when it cannot use it. */
    private static void check(List<Path> classPath, Path archive) throws InterruptedException {
        List<String> command = java(classPath);
        command.addAll(1, List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xshare:on"));
        command.addAll(List.of(MAIN_CLASS, "version"));
        Output out = runProcess(command, 60_000);
        if (out.exitCode != 0) {
            deleteQuietly(archive);
            throw new StartupException("a JVM could not start from the archive just built (exit code " + out.exitCode
                    + "); no archive written. It said:" + System.lineSeparator() + out.tail());
        }
    }

    private static void moveOnce(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Puts the checked archive in place; one a running part has mapped cannot be replaced on Windows. */
    private static void move(Path from, Path to) throws InterruptedException {
        try {
            // The JVM writes archives read-only, and Windows does not replace a read-only file.
            if (Files.exists(to) && !to.toFile().setWritable(true)) {
                throw new FileSystemException(to.toString(), null, "it is read-only and could not be made writable");
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    moveOnce(from, to);
                    return;
                } catch (FileSystemException e) {
                    if (attempt == 5) {
                        throw e;
                    }
                    Thread.sleep(500); // a virus scanner reading the new file holds it a moment on Windows
                }
            }
        } catch (FileSystemException e) {
            deleteQuietly(from);
            throw new StartupException("cannot replace " + to + " (" + e.getMessage() + "); a part started from it may "
                    + "still run: stop Colmena first (start-all stop), then run this again");
        } catch (IOException e) {
            deleteQuietly(from);
            throw new StartupException("cannot write " + to + " (" + e.getMessage() + ")");
        }
    }

    private static final int TIMED_OUT = -1;

    /** What a finished child process said: its exit code and its lines. */
    private record Output(int exitCode, List<String> lines) {
        String tail() {
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        }

        /** The count of classes the training run reported loading, or "?". */
        String classes() {
            for (String l : lines) {
                if (l.startsWith(ClassArchiveTraining.CLASSES_LINE)) {
                    return l.substring(ClassArchiveTraining.CLASSES_LINE.length()).trim();
                }
            }
            return "?";
        }
    }

    /**
     * Runs {@code command}, showing its progress lines (those the training prints) as they come
     * and keeping the rest for an error message; ends it after {@code timeoutMs}.
     */
    private static Output runProcess(List<String> command, long timeoutMs) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new StartupException("cannot start " + command.get(0) + " (" + e.getMessage() + ")");
        }
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith(ClassArchiveTraining.PROGRESS)) {
                        System.out.println("  " + line.substring(ClassArchiveTraining.PROGRESS.length()));
                    }
                }
            } catch (IOException e) {
                lines.add("(reading its output failed: " + e.getMessage() + ")");
            }
        }, "colmena-cds-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // the training's redis-server
            p.destroyForcibly();
            p.waitFor();
            reader.join(2_000);
            return new Output(TIMED_OUT, List.copyOf(lines));
        }
        reader.join(5_000);
        return new Output(p.exitValue(), List.copyOf(lines));
    }

    private static double sizeMb(Path file) {
        try {
            return Files.size(file) / 1e6;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Deletes {@code file}, read-only or not (the JVM writes archives read-only; Windows keeps those). */
    static void deleteQuietly(Path file) {
        try {
            if (Files.exists(file)) {
                file.toFile().setWritable(true);
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left behind; the next run deletes it first
        }
    }

    /** Deletes the training's folder and what it holds, as far as it can; says so when something stays. */
    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                deleteQuietly(p);
            }
        } catch (IOException e) {
            // reported below
        }
        if (Files.exists(dir)) {
            System.out.println("(could not delete all of the training folder " + dir + ")");
        }
    }
}
