package colmena.vision;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;

/**
 * An 8-bit luminance image: {@code pixels[y * width + x]}, unsigned. Immutable by convention:
 * nobody writes to {@code pixels} after construction.
 */
public final class GrayImage {

    private final int width;
    private final int height;
    private final byte[] pixels;

    /**
     * @param pixels {@code width * height} luminance values, row by row; kept, not copied
     * @throws IllegalArgumentException when the sizes disagree
     */
    public GrayImage(int width, int height, byte[] pixels) {
        if (width <= 0 || height <= 0 || (long) width * height != pixels.length) {
            throw new IllegalArgumentException("a " + width + "×" + height + " image needs " + (long) width * height
                    + " pixels; got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /**
     * The luminance OpenCV computes for the same picture with {@code imread} (default flags)
     * then {@code cvtColor(BGR2GRAY)}: {@code (9798 R + 19235 G + 3735 B + 16384) >> 15} for
     * colour (OpenCV 4's 15-bit fixed point, checked against it on every 8-bit triple tested), gray kept as it is (16-bit gray keeps its high byte), alpha ignored.
     */
    public static GrayImage of(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        byte[] out = new byte[w * h];
        if (isPlainGray(image)) {
            copyGray(image.getRaster(), out);
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) luminance(row[x]);
                }
            }
        }
        return new GrayImage(w, h, out);
    }

    /** OpenCV's fixed-point BGR-to-gray rounding of one packed ARGB pixel. */
    static int luminance(int argb) {
        int r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff;
        return (r * 9798 + g * 19235 + b * 3735 + (1 << 14)) >> 15;
    }

    /** Gray samples (with or without alpha): read them as they are, without the colour space's gamma. */
    private static boolean isPlainGray(BufferedImage image) {
        return image.getColorModel() instanceof ComponentColorModel
                && image.getRaster().getNumBands() <= 2
                && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    private static void copyGray(Raster raster, byte[] out) {
        int w = raster.getWidth(), h = raster.getHeight();
        int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) (row[x] >> shift);
            }
        }
    }

    /** The pixels of a rectangle of this image, copied. */
    public GrayImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop " + x + "," + y + " " + w + "×" + h + " is not inside the "
                    + width + "×" + height + " image");
        }
        byte[] out = new byte[w * h];
        for (int row = 0; row < h; row++) {
            System.arraycopy(pixels, (y + row) * width + x, out, row * w, w);
        }
        return new GrayImage(w, h, out);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The luminance at (x, y), 0 to 255. */
    public int at(int x, int y) {
        return pixels[y * width + x] & 0xff;
    }

    /** The backing array; callers must not change it. */
    public byte[] pixels() {
        return pixels;
    }
}
