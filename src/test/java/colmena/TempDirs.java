package colmena;

import colmena.bench.Lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary folders the tests make (databases, Redis files, photos), deleted when the test JVM
 * exits: left behind, a day of test runs piled thousands of them, gigabytes, into /tmp. Whatever
 * cannot be deleted then (a file still being written by a process the test left) stays.
 */
public final class TempDirs {
    private static final Set<Path> MADE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempDirs::deleteAll, "colmena-test-temp-dirs"));
    }

    private TempDirs() {
    }

    /** A new, empty temporary folder whose name starts with {@code prefix}, deleted at the JVM's exit. */
    public static Path make(String prefix) {
        Path dir = Lab.tempDir(prefix);
        MADE.add(dir);
        return dir;
    }

    /**
     * Runs beside H2's own exit hook, which closes the databases these folders hold and may write
     * there meanwhile: a folder not gone is walked again, a few times, a moment apart.
     */
    private static void deleteAll() {
        java.util.List<Path> left = new java.util.ArrayList<>(MADE);
        for (int pass = 0; pass < 5 && !left.isEmpty(); pass++) {
            if (pass > 0) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
            left.removeIf(TempDirs::delete); // what is still left, something still writes there
        }
    }

    /**
     * Deletes a folder and all in it, once through; whether it is gone (not, when a process still
     * writing there added a file meanwhile: the caller may walk it again).
     */
    public static boolean delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        } catch (IOException | UncheckedIOException e) {
            // not all of it
        }
        return !Files.exists(dir);
    }
}
