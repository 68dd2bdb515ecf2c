package colmena.filters;

/**
 * A filter whose output rows can be made strip by strip: each strip of output rows needs only
 * the source rows {@link #sourceRows} names, and a strip computed from those rows is exactly the
 * same rows of the filter run on the whole image. Borders are the whole image's, never a strip's:
 * {@code apply} is told where its strip lies in the image.
 */
public interface ImageFilter {

    /** The output's size for a {@code width × height} source: {@code [width, height]}. */
    default int[] outputSize(int width, int height) {
        return new int[]{width, height};
    }

    /**
     * The source rows {@code [first, end)} that output rows {@code [outY0, outY1)} read, within
     * the image: the strip's own rows plus its halo.
     */
    int[] sourceRows(int outY0, int outY1, int width, int height);

    /**
     * Output rows {@code [outY0, outY1)} of the filtered image.
     *
     * @param strip  source rows {@code [stripY0, stripY0 + strip.height())}, at least
     *               {@link #sourceRows} of the output rows
     * @param width  the whole source image's width (the strip's too)
     * @param height the whole source image's height
     */
    Pixels apply(Pixels strip, int stripY0, int outY0, int outY1, int width, int height);

    /** The filter run on the whole image in one piece. */
    default Pixels whole(Pixels image) {
        int outHeight = outputSize(image.width(), image.height())[1];
        return apply(image, 0, 0, outHeight, image.width(), image.height());
    }

    /** OpenCV's default border ({@code BORDER_REFLECT_101}: {@code gfedcb|abcdefgh|gfedcba}) of index {@code i}. */
    static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * n - 2 - i;
        }
        return i;
    }

    /** The rows {@code [first, end)} a vertical kernel of {@code radius} reads for rows {@code [y0, y1)}. */
    static int[] reflectedRows(int y0, int y1, int radius, int height) {
        int first = Integer.MAX_VALUE, last = Integer.MIN_VALUE;
        for (int y = y0; y < y1; y++) {
            for (int k = -radius; k <= radius; k++) {
                int r = reflect101(y + k, height);
                first = Math.min(first, r);
                last = Math.max(last, r);
            }
        }
        return new int[]{first, last + 1};
    }

    /**
     * @throws IllegalArgumentException when {@code strip} does not hold the rows these output rows read
     */
    default void checkStrip(Pixels strip, int stripY0, int outY0, int outY1, int width, int height) {
        int[] need = sourceRows(outY0, outY1, width, height);
        if (strip.width() != width || stripY0 > need[0] || stripY0 + strip.height() < need[1]) {
            throw new IllegalArgumentException("output rows " + outY0 + " to " + outY1 + " need source rows "
                    + need[0] + " to " + need[1] + " of a " + width + "×" + height + " image; the strip has rows "
                    + stripY0 + " to " + (stripY0 + strip.height()) + ", " + strip.width() + " wide");
        }
    }
}
