package colmena.vision;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks image bytes before anyone decodes them: only JPEG, PNG, BMP and GIF, and at most
 * {@link #MAX_PIXELS} pixels and {@link #MAX_SIDE} a side as declared in the header, so a small
 * file that claims to be huge is refused before it takes any memory.
 */
public final class ImageGuard {

    /**
     * The most pixels a photo may have. The process that cuts the photo (the API) decodes it whole,
     * at 4 bytes a pixel, so its heap must hold that much; a 48-megapixel phone photo fits.
     */
    public static final long MAX_PIXELS = 50_000_000;
    public static final int MAX_SIDE = 30_000;

    private static final Set<String> FORMATS = Set.of("jpeg", "png", "bmp", "gif");
    private static final String NOT_AN_IMAGE = "not an image (jpg, png, bmp or gif)";

    /** What an image's header declares. {@code format} is "jpeg", "png", "bmp" or "gif". */
    public record Header(String format, int width, int height) {
    }

    private ImageGuard() {
    }

    /**
     * Reads only the header.
     *
     * @throws InvalidImageException for empty input, another format, an unreadable header, or a
     *     declared size over the limits
     */
    public static Header probe(byte[] bytes) {
        return withReader(bytes, (reader, format) -> header(reader, format));
    }

    /**
     * Decodes the image after {@link #probe} accepted it.
     *
     * @throws InvalidImageException as {@link #probe}, or when the data is truncated or corrupt
     */
    public static BufferedImage decode(byte[] bytes) {
        return withReader(bytes, (reader, format) -> {
            header(reader, format);
            reader.addIIOReadWarningListener(FAIL_ON_WARNING);
            return reader.read(0);
        });
    }

    /** {@link #decode} then {@link GrayImage#of}. */
    public static GrayImage decodeGray(byte[] bytes) {
        return GrayImage.of(decode(bytes));
    }

    private static Header header(ImageReader reader, String format) throws IOException {
        int width = reader.getWidth(0), height = reader.getHeight(0);
        if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE
                || (long) width * height > MAX_PIXELS) {
            throw new InvalidImageException(String.format(Locale.ROOT,
                    "image is %,d × %,d pixels; the limit is %,d pixels a side and %,d megapixels",
                    width, height, MAX_SIDE, MAX_PIXELS / 1_000_000), "image_too_large",
                    Map.of("width", width, "height", height, "side", MAX_SIDE, "megapixels", MAX_PIXELS / 1_000_000));
        }
        return new Header(format, width, height);
    }

    private interface ReaderWork<T> {
        T apply(ImageReader reader, String format) throws IOException;
    }

    private static <T> T withReader(byte[] bytes, ReaderWork<T> work) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException("empty input: " + NOT_AN_IMAGE, "image_empty", Map.of());
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException(NOT_AN_IMAGE, "image_not_image", Map.of());
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(format)) {
                throw new InvalidImageException(NOT_AN_IMAGE + "; this is " + format, "image_format", Map.of("format", format));
            }
            try {
                reader.setInput(in, true, true);
                return work.apply(reader, format);
            } catch (InvalidImageException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // The JDK's readers throw assorted runtime exceptions on corrupt data, not only IOException.
                throw new InvalidImageException("truncated or corrupt " + format.toUpperCase(Locale.ROOT)
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), "image_corrupt",
                        Map.of("format", format.toUpperCase(Locale.ROOT)));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new InvalidImageException("unreadable image: " + e.getMessage());
        }
    }

    /** The JDK reports a truncated JPEG as a warning and fills the rest with gray: refuse it. */
    private static final IIOReadWarningListener FAIL_ON_WARNING = (source, warning) -> {
        throw new IllegalStateException(warning);
    };
}
