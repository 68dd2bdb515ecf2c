package colmena.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a photo into tiles whose candidates, put together, are exactly the whole photo's.
 *
 * <p>Tiles are full-width horizontal strips. Each owns a band of window-origin rows (the bands
 * partition the image's rows), and its pixels are the rows the windows of that band read at
 * every scale, through the whole image's resize mapping: from a row or two above the band to the
 * largest window below it. Strips rather than rectangles because OpenCV's scan is sequential
 * along a row: a window rejected by the first stage makes it skip the next position, so which
 * positions of a row are evaluated depends on everything to their left.
 */
public final class TilePlan {

    /** Images of at most this many pixels are one tile, unless asked otherwise. */
    public static final long DEFAULT_TILE_PIXELS = 2_000_000;

    private TilePlan() {
    }

    /**
     * Tiles for a {@code width × height} image: one when the image has at most
     * {@code targetTilePixels} pixels, else enough strips that each owns about that many window
     * origins (at most one strip per row).
     */
    public static List<Tile> of(int width, int height, HaarCascade cascade, DetectParams params,
                                long targetTilePixels) {
        params.check();
        if (width <= 0 || height <= 0 || targetTilePixels <= 0) {
            throw new IllegalArgumentException("image size and target tile size must be positive; got " + width
                    + "×" + height + " and " + targetTilePixels);
        }
        long pixels = (long) width * height;
        int count = (int) Math.min(height, (pixels + targetTilePixels - 1) / targetTilePixels);
        List<ScaleLevel> levels = ScaleLevel.levels(width, height, cascade, params);
        List<Tile> tiles = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int ownY0 = (int) ((long) height * i / count);
            int ownY1 = (int) ((long) height * (i + 1) / count);
            tiles.add(strip(width, height, ownY0, ownY1, levels, cascade));
        }
        return tiles;
    }

    private static Tile strip(int width, int height, int ownY0, int ownY1, List<ScaleLevel> levels,
                              HaarCascade cascade) {
        int first = Integer.MAX_VALUE, last = Integer.MIN_VALUE;
        for (ScaleLevel level : levels) {
            int[] rows = OwnedRows.of(level, cascade, ownY0, ownY1);
            int[] needed = OwnedRows.imageRows(level, cascade, rows[0], rows[1]);
            if (needed != null) {
                first = Math.min(first, needed[0]);
                last = Math.max(last, needed[1]);
            }
        }
        if (first > last) {
            // No window starts here: one row keeps the tile a valid (if idle) image.
            first = last = Math.min(ownY0, height - 1);
        }
        return new Tile(0, first, width, last - first + 1, 0, ownY0, width, ownY1);
    }
}
