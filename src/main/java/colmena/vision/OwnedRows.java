package colmena.vision;

/**
 * Which window rows of a {@link ScaleLevel} a tile owns, and which image rows it needs for them.
 * A window at level row {@code y} belongs to the tile whose owned rows contain its whole-image
 * row {@code round(y · scale)}; since that is monotonic in {@code y}, a tile's rows are a range.
 */
final class OwnedRows {

    private OwnedRows() {
    }

    /**
     * The level rows {@code [from, to)} (from a multiple of the step) whose windows start in
     * image rows {@code [ownY0, ownY1)}; {@code from == to} when there are none.
     */
    static int[] of(ScaleLevel level, HaarCascade cascade, int ownY0, int ownY1) {
        int positions = level.positions(level.height(), cascade.windowHeight);
        int step = level.step();
        int from = positions, to = positions;
        for (int y = 0; y < positions; y += step) {
            int imageY = level.toImage(y);
            if (imageY >= ownY0 && from == positions) {
                from = y;
            }
            if (imageY >= ownY1) {
                to = y;
                break;
            }
        }
        return new int[] {from, Math.max(from, to)};
    }

    /**
     * The image rows {@code [first, last]} that the windows of level rows {@code [from, to)} read
     * through the resize, or null when the range is empty.
     */
    static int[] imageRows(ScaleLevel level, HaarCascade cascade, int from, int to) {
        if (from >= to) {
            return null;
        }
        int lastLevelRow = lastStart(from, to, level.step()) + cascade.windowHeight - 1;
        return new int[] {level.yAxis().first(from), level.yAxis().last(lastLevelRow)};
    }

    /** The last multiple-of-step row from {@code from} below {@code to}. */
    static int lastStart(int from, int to, int step) {
        return from + (to - 1 - from) / step * step;
    }
}
