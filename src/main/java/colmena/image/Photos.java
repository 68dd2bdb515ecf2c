package colmena.image;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Photos as bytes: what their header says, read before anything is decoded, and decoding that
 * turns every way a file can be broken into one clear message.
 */
public final class Photos {
    /** The most pixels a photo may have: decoding one takes about 4 bytes a pixel. */
    public static final long MAX_PIXELS = 50_000_000L;
    public static final int MAX_SIDE = 20_000;
    public static final List<String> FORMATS = List.of("jpg", "png", "bmp", "gif");

    /** What a photo's header says. */
    public record Info(String format, int width, int height) {
    }

    private Photos() {
    }

    /**
     * Reads only the header.
     *
     * @throws IllegalArgumentException saying what is wrong: empty, not an image, too large
     */
    public static Info probe(byte[] bytes) {
        try (ImageInputStream in = open(bytes)) {
            ImageReader reader = reader(in);
            try {
                return check(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable image header (" + e.getMessage() + ")");
        }
    }

    /**
     * Decodes a photo, refusing before decoding one whose header declares too many pixels.
     *
     * @throws IllegalArgumentException saying what is wrong: not an image, truncated or corrupt,
     *         too large
     */
    public static BufferedImage decode(byte[] bytes) {
        try (ImageInputStream in = open(bytes)) {
            ImageReader reader = reader(in);
            try {
                Info info = check(reader);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw broken(info.format(), warnings.get(0));
                }
                return image;
            } catch (IOException | RuntimeException e) {
                if (e instanceof IllegalArgumentException known && known.getMessage() != null
                        && known.getMessage().startsWith("truncated")) {
                    throw known;
                }
                throw broken(format(reader), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable image (" + e.getMessage() + ")");
        }
    }

    private static ImageInputStream open(byte[] bytes) throws IOException {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("the file is empty");
        }
        ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes));
        if (in == null) {
            throw new IllegalArgumentException("not an image (jpg, png, bmp or gif)");
        }
        return in;
    }

    private static ImageReader reader(ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new IllegalArgumentException("not an image (jpg, png, bmp or gif)");
        }
        ImageReader reader = readers.next();
        reader.setInput(in, true, true);
        return reader;
    }

    private static Info check(ImageReader reader) throws IOException {
        String format = format(reader);
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("a " + format + " image; send jpg, png, bmp or gif");
        }
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
            throw new IllegalArgumentException("image is " + w + " × " + h + " pixels; the limit is "
                    + MAX_PIXELS / 1_000_000 + " megapixels and " + MAX_SIDE + " pixels a side");
        }
        return new Info(format, w, h);
    }

    private static String format(ImageReader reader) {
        try {
            String f = reader.getFormatName().toLowerCase(Locale.ROOT);
            return f.equals("jpeg") ? "jpg" : f;
        } catch (IOException e) {
            return "image";
        }
    }

    private static IllegalArgumentException broken(String format, String why) {
        return new IllegalArgumentException("truncated or corrupt " + format.toUpperCase(Locale.ROOT) + " (" + why + ")");
    }
}
