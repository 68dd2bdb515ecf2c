package colmena;

import colmena.api.ApiServer;
import colmena.support.Eventually;
import colmena.jobs.FacesJobTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress on a terminal, from real processes: {@code colmena faces} shows how far its job has got
 * in plain lines when its output is not a terminal and in one line redrawn in place, with a bar, on
 * a real terminal (a pseudo-terminal from util-linux's {@code script}), both ending at 100 % with
 * every strip counted; {@code submit --wait} of several tasks says how many are finished and how
 * far the running ones have got.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TerminalProgressProcessTest {
    private static final Pattern LINE = Pattern.compile("(\\d+) %, (\\d+) of (\\d+) strips, (\\d+) of 1 photos, \\d+ faces");

    @Test
    void facesShowsPlainProgressLinesWhenNotOnATerminalAndOneLineInPlaceOnATerminal(@TempDir Path dir) throws Exception {
        Path photo = dir.resolve("class.jpg");
        ImageIO.write(mosaic(8, 6), "jpg", photo.toFile());
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 1);
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            try {
                List<String> faces = command("faces", photo.toString(), "--api", "http://127.0.0.1:" + api.port());

                Path plainLog = dir.resolve("plain.log");
                Process plain = new ProcessBuilder(faces).redirectErrorStream(true)
                        .redirectOutput(plainLog.toFile()).start();
                assertTrue(plain.waitFor(150, TimeUnit.SECONDS), "faces finished");
                String text = Files.readString(plainLog);
                assertEquals(0, plain.exitValue(), text);
                assertFalse(text.contains("\r"), "nothing redrawn when the output is not a terminal:\n" + text);
                List<int[]> plainLines = progress(List.of(text.split("\n")));
                System.out.println("faces, output to a file:\n" + text);
                checkRises(plainLines, text);
                assertTrue(plainLines.size() >= 2, "more than the last line:\n" + text);

                Path ttyLog = dir.resolve("tty.log");
                Process tty;
                try {
                    tty = new ProcessBuilder("script", "-qefc", shell(faces), "/dev/null").redirectErrorStream(true)
                            .redirectOutput(ttyLog.toFile()).start();
                } catch (java.io.IOException e) {
                    Assumptions.abort("no util-linux script to give a terminal: " + e.getMessage());
                    return;
                }
                assertTrue(tty.waitFor(150, TimeUnit.SECONDS), "faces on a terminal finished");
                String screen = Files.readString(ttyLog);
                assertEquals(0, tty.exitValue(), screen);
                List<String> redraws = new ArrayList<>();
                for (String part : screen.split("\r")) {
                    if (part.startsWith("[") && LINE.matcher(part).find()) {
                        redraws.add(part);
                    }
                }
                System.out.println("faces on a terminal, each redraw:\n" + String.join("\n", redraws));
                assertTrue(redraws.size() >= 2, "the line is redrawn in place (\\r) as the job goes on:\n" + screen);
                assertTrue(redraws.get(redraws.size() - 1).startsWith("[" + "#".repeat(30) + "] 100 %"),
                        "a full bar at the end: " + redraws.get(redraws.size() - 1));
                checkRises(progress(redraws), screen);
            } finally {
                api.stop();
            }
        }
    }

    @Test
    void submitWaitOfSeveralTasksSaysHowManyAreFinishedAndHowFarTheRunningOnesAre(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 2);
            Eventually.within(java.time.Duration.ofSeconds(20), "nodo1 online", () -> cluster.online("nodo1"));
            Path log = dir.resolve("submit.log");
            Process p = new ProcessBuilder(command("submit", "--redis", cluster.redisUrl, "--type", "sleep", "--param",
                    "ms=2500", "--count", "4", "--wait", "--timeout", "90s")).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "submit finished");
            String text = Files.readString(log);
            System.out.println("submit --wait of 4 tasks, output to a file:\n" + text);
            assertEquals(0, p.exitValue(), text);
            Pattern counted = Pattern.compile("^(\\d) of 4 finished(; .*)?$");
            List<Integer> finished = new ArrayList<>();
            boolean twoAtOnce = false;
            for (String line : text.split("\n")) {
                Matcher m = counted.matcher(line);
                if (m.matches()) {
                    finished.add(Integer.parseInt(m.group(1)));
                    twoAtOnce |= line.matches(".*\\S{8} \\d+ %; \\S+ \\d+ %.*");
                }
            }
            assertTrue(finished.size() >= 2, "progress lines:\n" + text);
            for (int i = 1; i < finished.size(); i++) {
                assertTrue(finished.get(i) >= finished.get(i - 1), "the count of finished tasks rises: " + finished);
            }
            assertTrue(twoAtOnce, "the two running tasks' progress on one line:\n" + text);
            assertEquals(4, text.lines().filter(l -> l.startsWith("✓") || l.startsWith("OK ")).count(), text);
        }
    }

    /** Percentages never go back, strips finished never go back, and the last line is the whole job. */
    private static void checkRises(List<int[]> lines, String text) {
        assertFalse(lines.isEmpty(), "progress lines:\n" + text);
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(lines.get(i)[0] >= lines.get(i - 1)[0] && lines.get(i)[1] >= lines.get(i - 1)[1],
                    "progress went back:\n" + text);
        }
        int[] last = lines.get(lines.size() - 1);
        assertEquals(100, last[0], text);
        assertEquals(last[2], last[1], "every strip counted at the end:\n" + text);
        assertTrue(last[2] > 1, "the photo was cut into strips: " + last[2]);
    }

    /** [percent, finished, total] of each progress line. */
    private static List<int[]> progress(List<String> lines) {
        List<int[]> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                out.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
            }
        }
        return out;
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "colmena.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String shell(List<String> cmd) {
        StringBuilder sb = new StringBuilder();
        for (String part : cmd) {
            sb.append(sb.length() == 0 ? "" : " ").append('\'').append(part.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }

    /** {@code across × down} copies of the astronaut portrait: a photo cut into several strips. */
    static BufferedImage mosaic(int across, int down) throws Exception {
        BufferedImage one = ImageIO.read(new ByteArrayInputStream(FacesJobTest.resource("astronaut.png")));
        BufferedImage all = new BufferedImage(one.getWidth() * across, one.getHeight() * down, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        for (int y = 0; y < down; y++) {
            for (int x = 0; x < across; x++) {
                g.drawImage(one, x * one.getWidth(), y * one.getHeight(), null);
            }
        }
        g.dispose();
        return all;
    }
}
