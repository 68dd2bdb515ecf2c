package colmena.filters;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each filter run strip by strip, from only the rows {@link StripPlan} gives each strip, equals it run whole. */
class FilterTilingTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String name : FilterSpec.NAMES) {
            for (int[] size : new int[][]{{97, 61}, {40, 3}, {5, 200}}) {
                for (int channels : new int[]{1, 3}) {
                    out.add(arguments(new FilterSpec(name, 3.1, 0.37), size[0], size[1], channels));
                    out.add(arguments(new FilterSpec(name, 0.8, 1.7), size[0], size[1], channels));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on {1}×{2}, {3} channels")
    @MethodSource("cases")
    void stripsStackedEqualTheWholeImageFiltered(FilterSpec spec, int w, int h, int channels) {
        ImageFilter filter = spec.filter();
        Pixels image = noise(w, h, channels, 7);
        Pixels whole = filter.whole(image);
        for (long stripPixels : new long[]{1, 150, 1_000}) {
            List<StripPlan.Strip> plan = StripPlan.of(filter, w, h, stripPixels);
            List<Pixels> strips = new ArrayList<>();
            for (StripPlan.Strip s : plan) {
                Pixels source = image.rows(s.srcY0(), s.srcY1());
                strips.add(filter.apply(source, s.srcY0(), s.outY0(), s.outY1(), w, h));
            }
            Pixels stacked = Pixels.stack(strips);
            assertEquals(whole.height(), stacked.height());
            assertArrayEquals(whole.data(), stacked.data(), spec + " in " + plan.size() + " strips");
        }
    }

    @Test
    void aStripMissingItsHaloIsRefusedRatherThanFilteredWrong() {
        ImageFilter blur = new GaussianBlur(2);
        Pixels image = noise(30, 30, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> blur.apply(image.rows(10, 20), 10, 10, 20, 30, 30));
        assertTrue(e.getMessage().contains("need source rows 4 to 26"), e.getMessage());
    }

    @Test
    void kernelsDoWhatTheirNamesSay() {
        Pixels flat = new Pixels(8, 8, 3, filled(8 * 8 * 3, 200));
        assertArrayEquals(flat.data(), new GaussianBlur(3).whole(flat).data(), "a blur keeps a flat image flat");
        assertArrayEquals(new byte[64], new SobelEdges().whole(flat).data(), "a flat image has no edges");
        byte[] step = new byte[8 * 8];
        for (int i = 0; i < step.length; i++) {
            step[i] = (byte) (i % 8 < 4 ? 0 : 100);
        }
        Pixels edges = new SobelEdges().whole(new Pixels(8, 8, 1, step));
        assertEquals(255, edges.at(3, 4, 0), "a 100-high step gives 4·100, clamped");
        assertEquals(0, edges.at(0, 4, 0));
        Pixels bgr = new Pixels(1, 1, 3, new byte[]{(byte) 255, 0, 0});
        assertEquals(29, new Grey().whole(bgr).at(0, 0, 0), "pure blue is OpenCV's grey 29");
        Pixels half = new Resize(0.5).whole(new Pixels(4, 2, 1, new byte[]{0, 10, 20, 30, 40, 50, 60, 70}));
        assertEquals(2, half.width());
        assertEquals(1, half.height());
        assertEquals(25, half.at(0, 0, 0), "bilinear halving averages each 2×2 block");
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    /** Random pixels: any misplaced row or border shows. */
    static Pixels noise(int w, int h, int channels, long seed) {
        byte[] data = new byte[w * h * channels];
        new Random(seed).nextBytes(data);
        return new Pixels(w, h, channels, data);
    }
}
