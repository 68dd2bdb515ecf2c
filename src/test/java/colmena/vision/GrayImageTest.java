package colmena.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class GrayImageTest {

    @Test
    void grayPixelsKeepTheirValuesWithoutGammaConversion() {
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY}) {
            BufferedImage image = new BufferedImage(3, 1, type);
            int scale = type == BufferedImage.TYPE_BYTE_GRAY ? 1 : 257;
            for (int x = 0; x < 3; x++) {
                image.getRaster().setSample(x, 0, 0, (40 + 80 * x) * scale);
            }
            GrayImage gray = GrayImage.of(image);
            assertEquals(120, gray.at(1, 0), "type " + type);
        }
    }

    @Test
    void colourIgnoresAlphaAndGrayColourIsKept() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00_80_80_80);
        image.setRGB(1, 0, 0xff_80_80_80);
        GrayImage gray = GrayImage.of(image);
        assertEquals(0x80, gray.at(0, 0));
        assertEquals(0x80, gray.at(1, 0));
    }

    @Test
    void cropOutsideTheImageIsRefused() {
        GrayImage image = new GrayImage(4, 4, new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> image.crop(2, 2, 3, 1));
        assertEquals("crop 2,2 3×1 is not inside the 4×4 image", e.getMessage());
    }
}
