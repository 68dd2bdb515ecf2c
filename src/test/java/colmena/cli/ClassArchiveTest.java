package colmena.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code colmena cds}: the training run a real JVM archives, and what the start scripts rely on.
 * The product runs from a jar made of target/classes here (class-data sharing archives classes
 * from jars only), beside the dependency jars of the test's class path, as real processes.
 */
class ClassArchiveTest {
    @TempDir
    Path dir;

    private record Ran(int code, String out) {
    }

    @Test
    void buildsAnArchiveOfWhatEveryPartLoadsAndPartsStartFromIt() throws Exception {
        String cp = classPathOfJars();
        Path archive = dir.resolve("colmena.jsa");
        Ran built = run(List.of(), cp, 240, "cds", "--out", archive.toString());
        assertEquals(0, built.code(), built.out());
        assertTrue(built.out().contains("classes, built in"), built.out());
        assertTrue(Files.size(archive) > 5_000_000, "archive of " + Files.size(archive) + " bytes");
        assertTrue(Files.notExists(dir.resolve("colmena.jsa.new")), "the partial archive was left behind");

        // The archive's dictionary: the classes of every part, and of the face job, the history's CSV and H2's engine.
        Ran listed = run(List.of("-XX:SharedArchiveFile=" + archive, "-XX:+PrintSharedArchiveAndExit",
                "-XX:+PrintSharedDictionary"), cp, 60, "version");
        assertEquals(0, listed.code(), tail(listed.out()));
        for (String cls : List.of("colmena.api.ApiServer", "colmena.api.TaskCsvApi", "colmena.coordinator.Coordinator",
                "colmena.agent.Agent", "colmena.vision.FaceDetector", "colmena.task.types.Primes",
                "org.h2.mvstore.MVStore", "redis.clients.jedis.Jedis", "com.google.gson.Gson")) {
            assertTrue(listed.out().contains(" " + cls + " "), cls + " is not in the archive");
        }

        // A part started from it maps the product's classes from it.
        Ran api = run(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-Xlog:class+load=info"), cp, 60,
                "api", "--help");
        assertEquals(0, api.code(), tail(api.out()));
        // From a static archive: a dynamic one on top of the JDK's ("shared objects file (top)") made the coordinator slower.
        assertTrue(java.util.regex.Pattern.compile("colmena\\.cli\\.ApiCommand source: shared objects file$", java.util.regex.Pattern.MULTILINE)
                .matcher(api.out()).find(), tail(api.out()));

        // A rebuilt jar: -Xshare:on (the start scripts' check) refuses the archive, a part still starts without it.
        Path jar = Path.of(cp.split(File.pathSeparator)[0]);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Ran strict = run(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"), cp, 60, "version");
        assertNotEquals(0, strict.code(), strict.out());
        Ran lenient = run(List.of("-XX:SharedArchiveFile=" + archive), cp, 60, "version");
        assertEquals(0, lenient.code(), lenient.out());
        assertTrue(lenient.out().contains("colmena "), lenient.out());
    }

    @Test
    void refusesAClassPathWithAFolderSayingWhy() {
        // This test JVM runs from target/classes, a folder.
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Commands.run(new String[] {"cds", "--out", dir.resolve("x.jsa").toString()});
        } finally {
            System.setErr(err);
        }
        String said = e.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, said);
        assertTrue(said.contains("which is not a jar") && said.contains("java -jar dist/colmena.jar cds"), said);
        assertTrue(Files.notExists(dir.resolve("x.jsa")));
    }

    /** target/classes packed as a jar, then every jar of this test's class path. */
    private String classPathOfJars() throws IOException {
        Path jar = dir.resolve("colmena-classes.jar");
        Path classes = Path.of("target", "classes");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        List<String> entries = new ArrayList<>(List.of(jar.toString()));
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.endsWith(".jar") && Files.isRegularFile(Path.of(e))) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Ran run(List<String> jvm, String cp, int seconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", cp, "colmena.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p, out));
        reader.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            reader.join(2_000);
            throw new AssertionError("did not end within " + seconds + " s: " + cmd + "\n" + tail(out.toString(StandardCharsets.UTF_8)));
        }
        reader.join(5_000);
        return new Ran(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    private static void copy(Process p, OutputStream out) {
        try {
            p.getInputStream().transferTo(out);
        } catch (IOException e) {
            // the process ended
        }
    }

    private static String tail(String s) {
        return s.length() <= 4_000 ? s : "..." + s.substring(s.length() - 4_000);
    }
}
