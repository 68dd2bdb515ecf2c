package colmena.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageGuardTest {

    @Test
    void readsTheSizeFromTheHeader() {
        assertEquals(new ImageGuard.Header("png", 1240, 720), ImageGuard.probe(Fixtures.named("group-small.png").bytes()));
        assertEquals(new ImageGuard.Header("jpeg", 512, 512), ImageGuard.probe(Fixtures.named("astronaut.jpg").bytes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bmp", "gif"})
    void decodesBmpAndGif(String format) throws IOException {
        BufferedImage astronaut = Fixtures.image("astronaut.png");
        BufferedImage converted = new BufferedImage(512, 512, BufferedImage.TYPE_3BYTE_BGR);
        converted.getGraphics().drawImage(astronaut, 0, 0, null);
        byte[] bytes = encode(converted, format);
        assertEquals(format, ImageGuard.probe(bytes).format());
        GrayImage gray = ImageGuard.decodeGray(bytes);
        assertEquals(512, gray.width());
        if (format.equals("bmp")) {
            assertEquals(GrayImage.of(astronaut).at(200, 100), gray.at(200, 100), "BMP is lossless");
        }
    }

    @Test
    void refusesEmptyInputAndOtherFormats() throws IOException {
        assertMessage("empty input: not an image (jpg, png, bmp or gif)", new byte[0]);
        assertMessage("not an image (jpg, png, bmp or gif)", "hello".getBytes(StandardCharsets.UTF_8));
        byte[] tiff = encode(Fixtures.image("camera-gray.png"), "tiff");
        assertMessage("not an image (jpg, png, bmp or gif); this is tif", tiff);
    }

    @Test
    void refusesTruncatedOrCorruptData() {
        byte[] jpeg = Fixtures.named("astronaut.jpg").bytes();
        assertMessage("truncated or corrupt JPEG", Arrays.copyOf(jpeg, jpeg.length / 2));
        byte[] png = Fixtures.named("astronaut.png").bytes();
        assertMessage("truncated or corrupt PNG", Arrays.copyOf(png, png.length / 2));
    }

    @Test
    void refusesAHugeDeclaredSizeBeforeDecoding() {
        byte[] bomb = pngHeader(100_000, 100_000);
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> ImageGuard.probe(bomb));
        assertEquals("image is 100,000 × 100,000 pixels; the limit is 30,000 pixels a side and 50 megapixels",
                e.getMessage());
        assertThrows(InvalidImageException.class, () -> ImageGuard.decode(pngHeader(20_000, 20_000)));
    }

    private static void assertMessage(String start, byte[] bytes) {
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> ImageGuard.decode(bytes));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "the JDK writes " + format);
        return out.toByteArray();
    }

    /** A PNG signature and a valid IHDR chunk declaring the size, and nothing else. */
    private static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
