package colmena.cli;

import colmena.config.Flags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two files a launcher uses to find and stop a process, the same on Windows and Linux: a pid
 * file written at start (and deleted on a clean exit), and a stop file that, when it appears,
 * stops the process as Ctrl+C would (its shutdown hooks run). Windows has no SIGTERM, and
 * {@code taskkill} without {@code /F} cannot stop a console program, so this is the graceful stop
 * that works everywhere.
 */
final class ProcessFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessFiles.class);
    /** How often the stop file is looked for: a stop is noticed within this. */
    static final long STOP_POLL_MS = 250;

    private ProcessFiles() {
    }

    /**
     * Writes {@code --pid-file} and starts watching {@code --stop-file}, when given. A stop file
     * left over from an earlier run is removed first, so it cannot stop this one.
     *
     * @throws StartupException when either file cannot be written or removed
     */
    static void install(Flags flags) {
        String pidFile = flags.string("pid-file");
        String stopFile = flags.string("stop-file");
        if (pidFile != null) {
            writePid(Path.of(pidFile));
        }
        if (stopFile != null) {
            watch(Path.of(stopFile));
        }
    }

    private static void writePid(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, ProcessHandle.current().pid() + System.lineSeparator(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new StartupException("--pid-file: cannot write " + file + " (" + e + ")");
        }
        file.toFile().deleteOnExit();
    }

    private static void watch(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StartupException("--stop-file: cannot remove the old " + file + " (" + e + ")");
        }
        Thread watcher = new Thread(() -> {
            while (!Files.exists(file)) {
                try {
                    Thread.sleep(STOP_POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            LOG.info("Stop file {} found; stopping", file);
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Best effort: the next start removes it before watching.
                LOG.warn("Could not remove the stop file {} ({})", file, e.toString());
            }
            System.exit(0);
        }, "colmena-stop-file");
        watcher.setDaemon(true);
        watcher.start();
    }
}
