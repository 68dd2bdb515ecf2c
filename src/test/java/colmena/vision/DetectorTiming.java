package colmena.vision;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Times {@link FaceDetector#detect} on one thread, after warm-up, on the astronaut fixture and on
 * a 12-megapixel composite of the fixtures, in wall-clock and thread CPU time (the fairer figure
 * on a shared machine). Not a test: run it by hand to compare with OpenCV,
 *
 * <pre>
 *   ./mvnw -q test-compile
 *   java -cp target/classes:target/test-classes:$(cat cp.txt) colmena.vision.DetectorTiming [/tmp/composite.png]
 * </pre>
 *
 * (cp.txt from {@code ./mvnw -q dependency:build-classpath -Dmdep.outputFile=cp.txt}); with a
 * path it also writes the composite there, so OpenCV can be timed on the very same pixels with
 * {@code src/test/resources/faces/time-opencv.py}.
 */
public final class DetectorTiming {

    private static final int ROUNDS = 5;

    private DetectorTiming() {
    }

    public static void main(String[] args) throws IOException {
        BufferedImage composite = composite();
        if (args.length > 0) {
            ImageIO.write(composite, "png", new File(args[0]));
        }
        time("astronaut.png 512×512", GrayImage.of(Fixtures.image("astronaut.png")));
        time("composite 4000×3000", GrayImage.of(composite));
    }

    /** 4000×3000: the fixture images repeated on a plain background. */
    static BufferedImage composite() {
        BufferedImage out = new BufferedImage(4000, 3000, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setColor(new java.awt.Color(112, 124, 136));
        g.fillRect(0, 0, 4000, 3000);
        BufferedImage large = Fixtures.image("group-large.png");
        BufferedImage small = Fixtures.image("group-small.png");
        g.drawImage(large, 0, 0, null);
        g.drawImage(large, 1750, 0, null);
        g.drawImage(small, 0, 1300, null);
        g.drawImage(small, 1300, 1300, null);
        g.drawImage(Fixtures.image("coffee-no-face.png"), 2600, 1300, null);
        g.drawImage(Fixtures.image("astronaut.png"), 3400, 1300, null);
        g.drawImage(large, 0, 1750, null);
        g.drawImage(Fixtures.image("camera-gray.png"), 1800, 2100, null);
        g.drawImage(Fixtures.image("astronaut.png"), 2400, 2100, null);
        g.dispose();
        return out;
    }

    private static void time(String name, GrayImage image) {
        HaarCascade cascade = HaarCascade.frontalFace();
        List<Box> faces = FaceDetector.detect(cascade, image, DetectParams.defaults());
        for (int i = 0; i < 2; i++) {
            FaceDetector.detect(cascade, image, DetectParams.defaults());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long bestWall = Long.MAX_VALUE, bestCpu = Long.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++) {
            long wall = System.nanoTime(), cpu = threads.getCurrentThreadCpuTime();
            FaceDetector.detect(cascade, image, DetectParams.defaults());
            bestCpu = Math.min(bestCpu, threads.getCurrentThreadCpuTime() - cpu);
            bestWall = Math.min(bestWall, System.nanoTime() - wall);
        }
        System.out.printf("%s: %d faces, best of %d: %.1f ms wall, %.1f ms CPU%n", name, faces.size(), ROUNDS,
                bestWall / 1e6, bestCpu / 1e6);
    }
}
