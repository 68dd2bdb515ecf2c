package colmena.image;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrayCodecTest {

    @Test
    void aRectangleComesBackPixelForPixel() {
        int w = 37, h = 23;
        byte[] image = new byte[w * h];
        new Random(7).nextBytes(image);
        GrayCodec.Gray tile = GrayCodec.decode(GrayCodec.encode(image, w, 5, 3, 20, 11));
        assertEquals(20, tile.width());
        assertEquals(11, tile.height());
        for (int y = 0; y < 11; y++) {
            assertArrayEquals(Arrays.copyOfRange(image, (y + 3) * w + 5, (y + 3) * w + 25),
                    Arrays.copyOfRange(tile.pixels(), y * 20, y * 20 + 20), "row " + y);
        }
    }

    @Test
    void aTruncatedOrForeignBlobIsRefusedWithTheReason() {
        byte[] image = new byte[64 * 64];
        new Random(1).nextBytes(image);
        byte[] whole = GrayCodec.encode(image, 64, 0, 0, 64, 64);
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                () -> GrayCodec.decode(Arrays.copyOf(whole, whole.length / 2)));
        assertTrue(cut.getMessage().contains("truncated or corrupt"), cut.getMessage());
        IllegalArgumentException png = assertThrows(IllegalArgumentException.class,
                () -> GrayCodec.decode(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertTrue(png.getMessage().contains("not a grey tile"), png.getMessage());
        byte[] huge = whole.clone();
        huge[5] = 0x7f; // width's top byte: a tile declaring billions of pixels
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> GrayCodec.decode(huge));
        assertTrue(big.getMessage().contains("declares"), big.getMessage());
    }
}
