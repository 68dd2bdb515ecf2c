package colmena.filters;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a filter's output into full-width strips of about a target size, each with the source
 * rows it reads (its own rows and its halo), so that every strip can be filtered on another node.
 */
public final class StripPlan {
    /** Outputs of at most this many pixels are one strip. */
    public static final long DEFAULT_STRIP_PIXELS = 1_500_000;

    /** Output rows {@code [outY0, outY1)} and the source rows {@code [srcY0, srcY1)} they read. */
    public record Strip(int outY0, int outY1, int srcY0, int srcY1) {
    }

    private StripPlan() {
    }

    /** Strips of {@code filter}'s output for a {@code width × height} source, top to bottom, covering it all once. */
    public static List<Strip> of(ImageFilter filter, int width, int height, long targetStripPixels) {
        if (width <= 0 || height <= 0 || targetStripPixels <= 0) {
            throw new IllegalArgumentException("image size and strip size must be positive; got " + width + "×"
                    + height + " and " + targetStripPixels);
        }
        int[] out = filter.outputSize(width, height);
        long pixels = (long) out[0] * out[1];
        int count = (int) Math.min(out[1], (pixels + targetStripPixels - 1) / targetStripPixels);
        List<Strip> strips = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int y0 = (int) ((long) out[1] * i / count);
            int y1 = (int) ((long) out[1] * (i + 1) / count);
            int[] src = filter.sourceRows(y0, y1, width, height);
            strips.add(new Strip(y0, y1, src[0], src[1]));
        }
        return strips;
    }
}
