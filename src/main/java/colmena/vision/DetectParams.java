package colmena.vision;

/**
 * The parameters of {@code CascadeClassifier.detectMultiScale}: the search grows the window by
 * {@code scaleFactor} per step, keeps groups of more than {@code minNeighbors} raw detections,
 * and searches only windows from {@code minSize} to {@code maxSize} pixels a side (0 = no bound).
 */
public record DetectParams(double scaleFactor, int minNeighbors, int minSize, int maxSize) {

    public static final double MIN_SCALE_FACTOR = 1.01;
    public static final double MAX_SCALE_FACTOR = 2.0;
    public static final int MAX_MIN_NEIGHBORS = 50;
    public static final int MAX_SIZE = 10_000;

    /** OpenCV's defaults: 1.1, 3, no minimum, no maximum. */
    public static DetectParams defaults() {
        return new DetectParams(1.1, 3, 0, 0);
    }

    /**
     * @return this, when every parameter is within its bounds
     * @throws IllegalArgumentException naming the first parameter out of bounds, and its bounds
     */
    public DetectParams check() {
        if (!(scaleFactor >= MIN_SCALE_FACTOR && scaleFactor <= MAX_SCALE_FACTOR)) {
            throw new IllegalArgumentException("scaleFactor must be from " + MIN_SCALE_FACTOR + " to "
                    + MAX_SCALE_FACTOR + "; got " + scaleFactor);
        }
        if (minNeighbors < 0 || minNeighbors > MAX_MIN_NEIGHBORS) {
            throw new IllegalArgumentException("minNeighbors must be from 0 to " + MAX_MIN_NEIGHBORS + "; got "
                    + minNeighbors);
        }
        checkSize("minSize", minSize);
        checkSize("maxSize", maxSize);
        if (maxSize > 0 && minSize > maxSize) {
            throw new IllegalArgumentException("minSize (" + minSize + ") must not exceed maxSize (" + maxSize + ")");
        }
        return this;
    }

    private static void checkSize(String name, int value) {
        if (value < 0 || value > MAX_SIZE) {
            throw new IllegalArgumentException(name + " must be from 0 (no bound) to " + MAX_SIZE + " pixels; got "
                    + value);
        }
    }
}
