package colmena.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collectors' pauses as {@code bench latency} reads them, from a real JVM's log and from this JVM. */
class GcPausesTest {
    /** Collects three times on request, then exits. */
    public static final class ThreeCollections {
        public static void main(String[] args) throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aStartedJvmsPausesAreReadOnTheWallClock(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("a folder with spaces").resolve("part.gc.log");
        Files.createDirectories(log.getParent());
        long before = System.currentTimeMillis();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx64m", GcPauses.logOption(log), "-cp", System.getProperty("java.class.path"),
                ThreeCollections.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM did not end");
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), output);
        long after = System.currentTimeMillis();

        List<GcPauses.Pause> pauses = GcPauses.read("part", log);

        assertEquals(3, pauses.size(), () -> "pauses read " + pauses + " from:\n" + read(log));
        long last = 0;
        for (GcPauses.Pause pause : pauses) {
            assertEquals("part", pause.process());
            assertTrue(pause.startMs() >= before - 1 && pause.endMs() <= after + 1,
                    pause + " is not between " + before + " and " + after);
            assertTrue(pause.startMs() <= pause.endMs() && pause.startMs() >= last, pause + " out of order");
            last = pause.endMs();
        }
    }

    @Test
    void noLogMeansNoPauses(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), GcPauses.read("part", dir.resolve("none.gc.log")));
    }

    @Test
    void thisJvmsPausesAreNotedAsTheyEnd() throws Exception {
        List<GcPauses.Pause> pauses = GcPauses.watchThisJvm();
        int before;
        synchronized (pauses) {
            before = pauses.size();
        }
        System.gc();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        GcPauses.Pause pause = null;
        while (pause == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
            synchronized (pauses) {
                // Counted, not compared with the wall clock: a pause's times are the JVM's start time
                // plus its uptime, which drifted from System.currentTimeMillis() by more than a
                // millisecond in a JVM that had run 15 minutes of tests.
                pause = pauses.size() > before ? pauses.get(before) : null;
            }
        }
        assertTrue(pause != null, "no pause noted after System.gc(): " + pauses);
        assertEquals("bench", pause.process());
        assertTrue(pause.startMs() <= pause.endMs(), pause.toString());
    }

    @Test
    void aPauseOverlapsTheSpansItTouches() {
        GcPauses.Pause pause = new GcPauses.Pause("coordinator", 100, 120);
        assertTrue(pause.overlaps(90, 100));
        assertTrue(pause.overlaps(105, 110));
        assertTrue(pause.overlaps(120, 130));
        assertTrue(!pause.overlaps(121, 130));
        assertTrue(!pause.overlaps(80, 99));
        assertEquals(20, pause.ms());
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
