package colmena.vision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OpenCV's {@code CascadeClassifier.detectMultiScale} (4.x, CPU) in Java, split in two so the
 * work can be spread over machines: {@link #candidates} finds the raw detections of the window
 * positions one {@link Tile} owns, {@link #group} merges the raw detections of all tiles into
 * the final boxes. Since the tiles of a {@link TilePlan} own every window position exactly once,
 * and each tile computes its positions from the whole image's resize mapping, the union of the
 * tiles' candidates is exactly the whole image's, whatever the tiling.
 *
 * <p>Stateless; every method may be called from any thread.
 */
public final class FaceDetector {

    /** OpenCV's {@code GROUP_EPS}: how close two raw detections must be to count as one face. */
    static final double GROUP_EPS = 0.2;
    /** Window-position rows resized and summed at a time, to bound memory on big images. */
    private static final int BAND_ROWS = 96;

    private FaceDetector() {
    }

    /** The faces in {@code image}: {@code group(candidates(whole image as one tile))}. */
    public static List<Box> detect(HaarCascade cascade, GrayImage image, DetectParams params) {
        Tile whole = Tile.whole(image.width(), image.height());
        List<Box> raw = candidates(cascade, image, whole, image.width(), image.height(), params);
        return group(raw, params.minNeighbors(), image.width(), image.height());
    }

    /**
     * The raw (ungrouped) detections, in whole-image coordinates, of the window positions
     * {@code tile} owns on a {@code fullWidth × fullHeight} image.
     *
     * @param tilePixels the whole image's pixels inside {@code tile}'s rectangle
     * @throws IllegalArgumentException when the pixels do not match the tile, or the tile does
     *     not span the image's width (see {@link TilePlan} for why tiles are full-width strips)
     */
    public static List<Box> candidates(HaarCascade cascade, GrayImage tilePixels, Tile tile,
                                       int fullWidth, int fullHeight, DetectParams params) {
        return candidates(cascade, tilePixels, tile, fullWidth, fullHeight, params, percent -> { });
    }

    /**
     * The same, telling {@code progress} after each band of rows how much of the tile's window
     * rows (weighted by their positions) is done, in percent.
     */
    public static List<Box> candidates(HaarCascade cascade, GrayImage tilePixels, Tile tile,
                                       int fullWidth, int fullHeight, DetectParams params,
                                       java.util.function.IntConsumer progress) {
        params.check();
        tile.checkFits(tilePixels, fullWidth, fullHeight);
        WindowClassifier classifier = new WindowClassifier(cascade);
        IntegralBand band = new IntegralBand();
        CandidateList out = new CandidateList();
        List<ScaleLevel> levels = ScaleLevel.levels(fullWidth, fullHeight, cascade, params);
        long work = 0;
        for (ScaleLevel level : levels) {
            int[] rows = OwnedRows.of(level, cascade, tile.ownY0(), tile.ownY1());
            work += (long) Math.max(0, rows[1] - rows[0]) * level.positions(level.width(), cascade.windowWidth);
        }
        long done = 0;
        for (ScaleLevel level : levels) {
            int[] rows = OwnedRows.of(level, cascade, tile.ownY0(), tile.ownY1());
            long perRow = level.positions(level.width(), cascade.windowWidth);
            for (int first = rows[0]; first < rows[1]; first += BAND_ROWS) {
                int end = Math.min(first + BAND_ROWS, rows[1]);
                int lastRow = OwnedRows.lastStart(first, end, level.step()) + cascade.windowHeight;
                band.fill(tilePixels, tile.x(), tile.y(), level, first, lastRow, cascade.anyTilted);
                classifier.setStride(band.stride);
                scanBand(classifier, band, level, cascade, first, end, tile, out);
                done += (end - first) * perRow;
                progress.accept(work == 0 ? 100 : (int) (done * 100 / work));
            }
        }
        return out.toBoxes();
    }

    /** Walks rows {@code [first, end)} (multiples of the step) of one band as OpenCV does. */
    private static void scanBand(WindowClassifier classifier, IntegralBand band, ScaleLevel level,
                                 HaarCascade cascade, int first, int end, Tile tile, CandidateList out) {
        int step = level.step();
        int xPositions = level.positions(level.width(), cascade.windowWidth);
        int[] sum = band.sum, squares = band.squares, tilted = band.tilted;
        for (int y = first; y < end; y += step) {
            int rowStart = (y - band.firstRow) * band.stride;
            int imageY = level.toImage(y);
            for (int x = 0; x < xPositions; x += step) {
                int result = classifier.classify(sum, squares, tilted, rowStart + x);
                if (result == WindowClassifier.ACCEPTED) {
                    int imageX = level.toImage(x);
                    if (imageX >= tile.ownX0() && imageX < tile.ownX1()) {
                        out.add(imageX, imageY, level.windowWidth(), level.windowHeight());
                    }
                } else if (result == 0) {
                    // OpenCV skips the next position when the first stage rejects this one.
                    x += step;
                }
            }
        }
    }

    /**
     * OpenCV's {@code groupRectangles(candidates, minNeighbors, 0.2)} followed by clipping to
     * the image, as {@code detectMultiScale} does: raw detections that overlap closely form a
     * class; classes of more than {@code minNeighbors} members become their average box, less
     * those that lie inside a much stronger one. With {@code minNeighbors} 0 the candidates
     * come back unchanged (clipped).
     */
    public static List<Box> group(List<Box> candidates, int minNeighbors, int imageWidth, int imageHeight) {
        List<Box> grouped = RectGrouping.group(candidates, minNeighbors, GROUP_EPS);
        List<Box> clipped = new ArrayList<>(grouped.size());
        for (Box b : grouped) {
            int x0 = Math.max(b.x(), 0), y0 = Math.max(b.y(), 0);
            int x1 = Math.min(b.x() + b.width(), imageWidth), y1 = Math.min(b.y() + b.height(), imageHeight);
            if (x1 > x0 && y1 > y0) {
                clipped.add(new Box(x0, y0, x1 - x0, y1 - y0));
            }
        }
        return clipped;
    }

    /** A growable list of boxes as int quadruples, so the scan allocates nothing per hit. */
    private static final class CandidateList {
        private int[] values = new int[64];
        private int size;

        void add(int x, int y, int w, int h) {
            if (size + 4 > values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = x;
            values[size++] = y;
            values[size++] = w;
            values[size++] = h;
        }

        List<Box> toBoxes() {
            List<Box> boxes = new ArrayList<>(size / 4);
            for (int i = 0; i < size; i += 4) {
                boxes.add(new Box(values[i], values[i + 1], values[i + 2], values[i + 3]));
            }
            return boxes;
        }
    }
}
