package colmena.filters;

import colmena.vision.ImageGuard;

/**
 * Bilinear resizing by a scale, with OpenCV's pixel-centre mapping
 * ({@code src = (dst + 0.5) · in/out − 0.5}, clamped at the edges), the output size
 * {@code round(side · scale)}. Every output row is computed from the whole image's mapping, so
 * strips of output rows join without a seam.
 */
public final class Resize implements ImageFilter {
    public static final double MIN_SCALE = 0.05;
    public static final double MAX_SCALE = 4;

    private final double scale;

    /**
     * @throws IllegalArgumentException when the scale is outside {@link #MIN_SCALE} to {@link #MAX_SCALE}
     */
    public Resize(double scale) {
        if (!(scale >= MIN_SCALE && scale <= MAX_SCALE)) {
            throw new IllegalArgumentException("scale must be from " + MIN_SCALE + " to " + MAX_SCALE + ", got " + scale);
        }
        this.scale = scale;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the output would be larger than {@link ImageGuard} allows
     */
    @Override
    public int[] outputSize(int width, int height) {
        int w = Math.max(1, (int) Math.round(width * scale));
        int h = Math.max(1, (int) Math.round(height * scale));
        if (w > ImageGuard.MAX_SIDE || h > ImageGuard.MAX_SIDE || (long) w * h > ImageGuard.MAX_PIXELS) {
            throw new IllegalArgumentException("resized by " + scale + " the image would be " + w + "×" + h
                    + "; the limit is " + ImageGuard.MAX_SIDE + " pixels a side and "
                    + ImageGuard.MAX_PIXELS / 1_000_000 + " megapixels");
        }
        return new int[]{w, h};
    }

    @Override
    public int[] sourceRows(int outY0, int outY1, int width, int height) {
        int outHeight = outputSize(width, height)[1];
        return new int[]{Tap.of(outY0, height, outHeight).i0, Tap.of(outY1 - 1, height, outHeight).i1 + 1};
    }

    @Override
    public Pixels apply(Pixels strip, int stripY0, int outY0, int outY1, int width, int height) {
        checkStrip(strip, stripY0, outY0, outY1, width, height);
        int[] size = outputSize(width, height);
        int outW = size[0], ch = strip.channels();
        Tap[] columns = new Tap[outW];
        for (int x = 0; x < outW; x++) {
            columns[x] = Tap.of(x, width, outW);
        }
        byte[] out = new byte[(outY1 - outY0) * outW * ch];
        int i = 0;
        for (int y = outY0; y < outY1; y++) {
            Tap row = Tap.of(y, height, size[1]);
            int top = row.i0 - stripY0, bottom = row.i1 - stripY0;
            for (Tap col : columns) {
                for (int c = 0; c < ch; c++) {
                    double upper = lerp(strip.at(col.i0, top, c), strip.at(col.i1, top, c), col.f);
                    double lower = lerp(strip.at(col.i0, bottom, c), strip.at(col.i1, bottom, c), col.f);
                    out[i++] = (byte) GaussianBlur.clamp(lerp(upper, lower, row.f));
                }
            }
        }
        return new Pixels(outW, outY1 - outY0, ch, out);
    }

    private static double lerp(double a, double b, double f) {
        return a + (b - a) * f;
    }

    /** The two source samples an output position reads along one axis, and the weight of the second. */
    private record Tap(int i0, int i1, double f) {
        static Tap of(int dst, int in, int out) {
            double src = (dst + 0.5) * in / out - 0.5;
            int i0 = (int) Math.floor(src);
            double f = src - i0;
            if (i0 < 0) {
                return new Tap(0, 0, 0);
            }
            if (i0 >= in - 1) {
                return new Tap(in - 1, in - 1, 0);
            }
            return new Tap(i0, i0 + 1, f);
        }
    }
}
