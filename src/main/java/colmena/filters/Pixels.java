package colmena.filters;

import colmena.vision.GrayImage;
import colmena.vision.ImageGuard;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * An 8-bit image of 1 (grey) or 3 (blue, green, red, as OpenCV keeps them) channels:
 * {@code data[(y * width + x) * channels + c]}. Immutable by convention: nobody writes to
 * {@code data} once the image is made. Strips of a filter job travel as PNG, which is lossless.
 */
public record Pixels(int width, int height, int channels, byte[] data) {
    /** The JDK's PNG writer maps quality q to deflate level {@code 9·(1 − q)}: this is a fast level. */
    private static final float FAST_DEFLATE = 0.75f;

    public Pixels {
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)
                || (long) width * height * channels != data.length) {
            throw new IllegalArgumentException("a " + width + "×" + height + " image of " + channels
                    + " channels needs " + (long) width * height * channels + " bytes; got " + data.length);
        }
    }

    /** The picture's grey values when it is grey, else its colours as BGR; alpha is dropped. */
    public static Pixels of(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        if (image.getColorModel().getNumColorComponents() == 1) {
            return new Pixels(w, h, 1, GrayImage.of(image).pixels());
        }
        BufferedImage bgr = image;
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                bgr.setRGB(0, y, w, 1, row, 0, w);
            }
        }
        return new Pixels(w, h, 3, ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData().clone());
    }

    /** Decodes a PNG (or any image {@link ImageGuard} accepts). */
    public static Pixels decode(byte[] bytes) {
        return of(ImageGuard.decode(bytes));
    }

    /** These pixels as a picture sharing nothing with them. */
    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(data, 0, target, 0, data.length);
        return image;
    }

    /**
     * This image as a PNG that {@link #decode} reads back unchanged, quickly deflated (strips are
     * made while a job is created, and read once).
     */
    public byte[] toPng() {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(FAST_DEFLATE);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(toImage(), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Rows {@code [y0, y1)}, copied. */
    public Pixels rows(int y0, int y1) {
        if (y0 < 0 || y1 > height || y0 >= y1) {
            throw new IllegalArgumentException("rows " + y0 + " to " + y1 + " are not inside an image of " + height
                    + " rows");
        }
        int rowBytes = width * channels;
        byte[] out = new byte[(y1 - y0) * rowBytes];
        System.arraycopy(data, y0 * rowBytes, out, 0, out.length);
        return new Pixels(width, y1 - y0, channels, out);
    }

    /**
     * Strips put back one under the other, top first.
     *
     * @throws IllegalArgumentException when their widths or channels differ
     */
    public static Pixels stack(List<Pixels> strips) {
        Pixels first = strips.get(0);
        long bytes = 0;
        int height = 0;
        for (Pixels s : strips) {
            if (s.width != first.width || s.channels != first.channels) {
                throw new IllegalArgumentException("strips of different widths or channels: " + first.width + "×"
                        + first.channels + " and " + s.width + "×" + s.channels);
            }
            bytes += s.data.length;
            height += s.height;
        }
        byte[] out = new byte[Math.toIntExact(bytes)];
        int at = 0;
        for (Pixels s : strips) {
            System.arraycopy(s.data, 0, out, at, s.data.length);
            at += s.data.length;
        }
        return new Pixels(first.width, height, first.channels, out);
    }

    /** The sample of channel {@code c} at (x, y), 0 to 255. */
    public int at(int x, int y, int c) {
        return data[(y * width + x) * channels + c] & 0xff;
    }
}
