package colmena.vision;

/**
 * One axis of OpenCV's bit-exact bilinear resize ({@code INTER_LINEAR_EXACT} on 8-bit images):
 * destination index {@code d} reads source {@code offset[d]} and {@code offset[d] + 1} with
 * weights {@code weight0[d] + weight1[d] == 256} (8 fractional bits). At the borders the
 * source is clamped: there {@code weight1} is 0 and only {@code offset[d]} is read.
 */
final class ResizeAxis {

    private static final int ONE = 1 << 8;

    final int[] offset;
    final int[] weight0;
    final int[] weight1;

    private ResizeAxis(int size) {
        offset = new int[size];
        weight0 = new int[size];
        weight1 = new int[size];
    }

    /** The mapping of a {@code sourceSize} axis onto {@code destinationSize} pixels. */
    static ResizeAxis of(int sourceSize, int destinationSize) {
        ResizeAxis axis = new ResizeAxis(destinationSize);
        double scale = 1.0 / ((double) destinationSize / sourceSize);
        int firstInside = 0;
        int firstClampedRight = destinationSize;
        for (int d = 0; d < destinationSize; d++) {
            double position = scale * (d + 0.5) - 0.5;
            int index = (int) Math.floor(position);
            if (index >= 0 && sourceSize > 1) {
                if (index < sourceSize - 1) {
                    axis.offset[d] = index;
                    axis.weight1[d] = (int) Math.rint((position - index) * ONE);
                    axis.weight0[d] = ONE - axis.weight1[d];
                } else {
                    axis.offset[d] = sourceSize - 1;
                    firstClampedRight = Math.min(firstClampedRight, d);
                }
            } else {
                firstInside = Math.max(firstInside, d + 1);
            }
        }
        int last = axis.offset[destinationSize - 1];
        for (int d = 0; d < destinationSize; d++) {
            if (d < firstInside || d >= firstClampedRight) {
                axis.offset[d] = d < firstInside ? 0 : last;
                axis.weight0[d] = ONE;
                axis.weight1[d] = 0;
            }
        }
        return axis;
    }

    /** The first source index destination {@code d} reads. */
    int first(int d) {
        return offset[d];
    }

    /** The last source index destination {@code d} reads. */
    int last(int d) {
        return weight1[d] == 0 ? offset[d] : offset[d] + 1;
    }
}
