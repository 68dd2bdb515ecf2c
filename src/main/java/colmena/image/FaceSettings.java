package colmena.image;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How faces are searched for, with OpenCV's {@code detectMultiScale} defaults: the window grows by
 * {@code scaleFactor} from one scale to the next; a face needs more than {@code minNeighbors}
 * overlapping hits; windows smaller than {@code minSize} or larger than {@code maxSize} pixels
 * (square side; 0: no limit) are not searched.
 */
public record FaceSettings(double scaleFactor, int minNeighbors, int minSize, int maxSize) {
    public static final FaceSettings DEFAULTS = new FaceSettings(1.1, 3, 0, 0);
    public static final double MIN_SCALE = 1.01;
    public static final double MAX_SCALE = 2.0;
    public static final int MAX_NEIGHBORS = 50;
    public static final int MAX_SIZE = 30_000;

    /**
     * @throws IllegalArgumentException naming the setting and the bound it breaks, in the form
     *         {@code "<name>: ..."}
     */
    public FaceSettings {
        if (!(scaleFactor >= MIN_SCALE && scaleFactor <= MAX_SCALE)) {
            throw new IllegalArgumentException("scaleFactor: must be from " + MIN_SCALE + " to " + MAX_SCALE
                    + ", got " + scaleFactor);
        }
        if (BigDecimal.valueOf(scaleFactor).stripTrailingZeros().scale() > 6) {
            throw new IllegalArgumentException("scaleFactor: at most 6 decimal places, got " + scaleFactor);
        }
        bound("minNeighbors", minNeighbors, MAX_NEIGHBORS);
        bound("minSize", minSize, MAX_SIZE);
        bound("maxSize", maxSize, MAX_SIZE);
        if (maxSize > 0 && maxSize < minSize) {
            throw new IllegalArgumentException("maxSize: must be 0 (no limit) or at least minSize (" + minSize
                    + "), got " + maxSize);
        }
    }

    private static void bound(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + ": must be from 0 to " + max + ", got " + value);
        }
    }

    /** The scale factor in millionths, as a tile task carries it (task parameters are whole numbers). */
    public long scaleMicros() {
        return Math.round(scaleFactor * 1_000_000);
    }

    /** Back from millionths: the same double as the decimal the user typed (at most 6 places). */
    public static double fromMicros(long micros) {
        return micros / 1_000_000.0;
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scaleFactor", scaleFactor);
        m.put("minNeighbors", minNeighbors);
        m.put("minSize", minSize);
        m.put("maxSize", maxSize);
        return m;
    }
}
