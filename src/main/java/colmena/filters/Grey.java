package colmena.filters;

import colmena.vision.GrayImage;

/** OpenCV's {@code cvtColor(BGR2GRAY)}, as {@link GrayImage#of} computes it; each row reads only itself. */
public final class Grey implements ImageFilter {

    @Override
    public int[] sourceRows(int outY0, int outY1, int width, int height) {
        return new int[]{outY0, outY1};
    }

    @Override
    public Pixels apply(Pixels strip, int stripY0, int outY0, int outY1, int width, int height) {
        checkStrip(strip, stripY0, outY0, outY1, width, height);
        Pixels own = strip.rows(outY0 - stripY0, outY1 - stripY0);
        if (own.channels() == 1) {
            return own;
        }
        return new Pixels(width, own.height(), 1, GrayImage.of(own.toImage()).pixels());
    }
}
