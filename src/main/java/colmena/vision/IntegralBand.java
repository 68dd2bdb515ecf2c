package colmena.vision;

import java.util.Arrays;

/**
 * A horizontal band of one {@link ScaleLevel}'s image: its rows are resized from the source
 * pixels exactly as OpenCV's {@code resize(INTER_LINEAR_EXACT)} does for the whole image, then
 * summed into an integral image and an integral of squares ({@code sum[r * stride + c]} is the
 * sum over band rows {@code < r} and columns {@code < c}; squares wrap around like OpenCV's
 * 32-bit integral, which window differences undo). Buffers are reused; not thread-safe.
 */
final class IntegralBand {

    int[] sum = new int[0];
    int[] squares = new int[0];
    /** OpenCV's rotated integral: {@code tilted[r * stride + c]} sums the band pixels (x, y) with
     *  {@code y < r} and {@code |x − c + 1| ≤ r − y − 1}; filled only on request. */
    int[] tilted = new int[0];
    int stride;
    /** The level row that band row 0 holds. */
    int firstRow;

    private int[] lineA = new int[0];
    private int[] lineB = new int[0];
    private int lineARow;
    private int lineBRow;
    private int[] pixels = new int[0];

    /**
     * Fills the band with level rows {@code [firstRow, endRow)}.
     *
     * @param source pixels of the whole image's rectangle at ({@code sourceX}, {@code sourceY});
     *     it must hold every source pixel those rows read ({@link TilePlan} makes sure it does)
     */
    void fill(GrayImage source, int sourceX, int sourceY, ScaleLevel level, int firstRow, int endRow,
              boolean withTilted) {
        int width = level.width();
        stride = width + 1;
        this.firstRow = firstRow;
        int rows = endRow - firstRow;
        int size = (rows + 1) * stride;
        if (sum.length < size) {
            sum = new int[size];
            squares = new int[size];
        }
        if (lineA.length < width) {
            lineA = new int[width];
            lineB = new int[width];
            pixels = new int[width];
        }
        lineARow = lineBRow = Integer.MIN_VALUE;
        Arrays.fill(sum, 0, stride, 0);
        Arrays.fill(squares, 0, stride, 0);
        byte[] band = withTilted ? new byte[rows * width] : null;
        for (int r = 0; r < rows; r++) {
            resizeRow(source, sourceX, sourceY, level, firstRow + r);
            accumulate(r);
            if (band != null) {
                for (int x = 0; x < width; x++) {
                    band[r * width + x] = (byte) pixels[x];
                }
            }
        }
        if (band != null) {
            fillTilted(band, width, rows);
        }
    }

    /**
     * The rotated integral by the recurrence T(X,Y) = T(X−1,Y−1) + T(X+1,Y−1) − T(X,Y−2)
     * + I(X−1,Y−1) + I(X−1,Y−2), on columns padded by the band's height on both sides, where
     * the cones hold no pixel, so the recurrence needs no special case at the edges.
     */
    private void fillTilted(byte[] band, int width, int rows) {
        int pad = rows + 2;
        int paddedStride = width + 1 + 2 * pad;
        int[] t = new int[(rows + 1) * paddedStride];
        for (int y = 1; y <= rows; y++) {
            int row = y * paddedStride, up = row - paddedStride, up2 = up - paddedStride;
            for (int px = 1; px < paddedStride - 1; px++) {
                int x = px - pad;
                int value = t[up + px - 1] + t[up + px + 1] + pixel(band, width, x - 1, y - 1)
                        + pixel(band, width, x - 1, y - 2);
                if (y >= 2) {
                    value -= t[up2 + px];
                }
                t[row + px] = value;
            }
        }
        int size = (rows + 1) * stride;
        if (tilted.length < size) {
            tilted = new int[size];
        }
        for (int y = 0; y <= rows; y++) {
            System.arraycopy(t, y * paddedStride + pad, tilted, y * stride, stride);
        }
    }

    private static int pixel(byte[] band, int width, int x, int y) {
        return x < 0 || x >= width || y < 0 ? 0 : band[y * width + x] & 0xff;
    }

    private void resizeRow(GrayImage source, int sourceX, int sourceY, ScaleLevel level, int row) {
        ResizeAxis y = level.yAxis();
        int[] a = line(source, sourceX, sourceY, level, y.first(row));
        int w0 = y.weight0[row], w1 = y.weight1[row];
        int width = level.width();
        if (w1 == 0) {
            for (int x = 0; x < width; x++) {
                pixels[x] = (w0 * a[x] + (1 << 15)) >>> 16;
            }
            return;
        }
        int[] b = line(source, sourceX, sourceY, level, y.last(row));
        if (b == a) {
            throw new IllegalStateException("two source lines share a buffer");
        }
        for (int x = 0; x < width; x++) {
            pixels[x] = (w0 * a[x] + w1 * b[x] + (1 << 15)) >>> 16;
        }
    }

    /** Source row {@code sourceRow} resized horizontally, in 8.8 fixed point; two rows are cached. */
    private int[] line(GrayImage source, int sourceX, int sourceY, ScaleLevel level, int sourceRow) {
        if (sourceRow == lineARow) {
            return lineA;
        }
        if (sourceRow == lineBRow) {
            return lineB;
        }
        // Rows are visited in increasing order: the older line is the one to overwrite.
        int[] target = lineARow < lineBRow ? lineA : lineB;
        if (target == lineA) {
            lineARow = sourceRow;
        } else {
            lineBRow = sourceRow;
        }
        int localRow = sourceRow - sourceY;
        if (localRow < 0 || localRow >= source.height()) {
            throw new IllegalArgumentException("the tile lacks image row " + sourceRow + " (it holds rows "
                    + sourceY + " to " + (sourceY + source.height() - 1) + ")");
        }
        byte[] src = source.pixels();
        int base = localRow * source.width() - sourceX;
        ResizeAxis x = level.xAxis();
        for (int d = 0; d < level.width(); d++) {
            int o = x.offset[d];
            int w1 = x.weight1[d];
            int v = x.weight0[d] * (src[base + o] & 0xff);
            if (w1 != 0) {
                v += w1 * (src[base + o + 1] & 0xff);
            }
            target[d] = v;
        }
        return target;
    }

    private void accumulate(int r) {
        int width = stride - 1;
        int above = r * stride;
        int here = above + stride;
        int rowSum = 0, rowSquares = 0;
        sum[here] = 0;
        squares[here] = 0;
        for (int x = 0; x < width; x++) {
            int v = pixels[x];
            rowSum += v;
            rowSquares += v * v;
            sum[here + x + 1] = sum[above + x + 1] + rowSum;
            squares[here + x + 1] = squares[above + x + 1] + rowSquares;
        }
    }
}
