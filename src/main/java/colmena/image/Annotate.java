package colmena.image;

import java.util.Locale;
import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/** A copy of a photo with its faces boxed, written as PNG or JPEG. */
public final class Annotate {
    private static final Color FACE = new Color(0, 230, 64);

    private Annotate() {
    }

    /** Draws each face as a green box, its line about 1/250 of the photo's larger side (at least 2 px). */
    public static BufferedImage draw(BufferedImage photo, List<int[]> faces) {
        BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(photo, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            float line = Math.max(2f, Math.max(photo.getWidth(), photo.getHeight()) / 250f);
            g.setStroke(new BasicStroke(line));
            g.setColor(FACE);
            for (int[] f : faces) {
                g.drawRect(f[0], f[1], f[2], f[3]);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * @param format {@code "png"} or {@code "jpg"}
     */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalArgumentException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** The format an annotated copy of a file is written in: JPEG for JPEG photos, PNG for the rest. */
    public static String formatFor(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") ? "jpg" : "png";
    }
}
