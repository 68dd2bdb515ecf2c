package colmena.filters;

import colmena.vision.GrayImage;

/**
 * Edges: the gradient magnitude {@code sqrt(gx² + gy²)} of the grey image (OpenCV's
 * {@code BGR2GRAY}), {@code gx} and {@code gy} from OpenCV's 3×3 Sobel kernels with its default
 * border (reflect 101) at the image's edges, rounded and clamped to 0–255. One grey channel out.
 */
public final class SobelEdges implements ImageFilter {

    @Override
    public int[] sourceRows(int outY0, int outY1, int width, int height) {
        return ImageFilter.reflectedRows(outY0, outY1, 1, height);
    }

    @Override
    public Pixels apply(Pixels strip, int stripY0, int outY0, int outY1, int width, int height) {
        checkStrip(strip, stripY0, outY0, outY1, width, height);
        byte[] g = strip.channels() == 1 ? strip.data() : GrayImage.of(strip.toImage()).pixels();
        byte[] out = new byte[(outY1 - outY0) * width];
        for (int y = outY0; y < outY1; y++) {
            int up = (ImageFilter.reflect101(y - 1, height) - stripY0) * width;
            int mid = (y - stripY0) * width;
            int down = (ImageFilter.reflect101(y + 1, height) - stripY0) * width;
            for (int x = 0; x < width; x++) {
                int l = ImageFilter.reflect101(x - 1, width), r = ImageFilter.reflect101(x + 1, width);
                int gx = (v(g, up + r) + 2 * v(g, mid + r) + v(g, down + r)) - (v(g, up + l) + 2 * v(g, mid + l) + v(g, down + l));
                int gy = (v(g, down + l) + 2 * v(g, down + x) + v(g, down + r)) - (v(g, up + l) + 2 * v(g, up + x) + v(g, up + r));
                out[(y - outY0) * width + x] = (byte) GaussianBlur.clamp(Math.sqrt((double) gx * gx + (double) gy * gy));
            }
        }
        return new Pixels(width, outY1 - outY0, 1, out);
    }

    private static int v(byte[] g, int i) {
        return g[i] & 0xff;
    }
}
