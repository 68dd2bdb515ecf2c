package colmena.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * One step of the multi-scale search: the whole image shrunk by {@code scale} to
 * {@code width × height}, searched with the cascade's window every {@code step} pixels. A window
 * at (x, y) there is the box ({@code round(x·scale)}, {@code round(y·scale)}, {@code windowWidth},
 * {@code windowHeight}) of the whole image, as in OpenCV.
 */
record ScaleLevel(float scale, int width, int height, int windowWidth, int windowHeight, int step,
                  ResizeAxis xAxis, ResizeAxis yAxis) {

    /**
     * The levels OpenCV's {@code detectMultiScale} searches on a {@code imageWidth × imageHeight}
     * image: factors 1, f, f², … while the window fits the image and {@code maxSize}, skipping
     * windows under {@code minSize}.
     */
    static List<ScaleLevel> levels(int imageWidth, int imageHeight, HaarCascade cascade, DetectParams params) {
        int maxW = params.maxSize() > 0 ? params.maxSize() : imageWidth;
        int maxH = params.maxSize() > 0 ? params.maxSize() : imageHeight;
        List<ScaleLevel> levels = new ArrayList<>();
        for (double factor = 1; ; factor *= params.scaleFactor()) {
            int winW = (int) Math.rint(cascade.windowWidth() * factor);
            int winH = (int) Math.rint(cascade.windowHeight() * factor);
            if (winW > maxW || winH > maxH || winW > imageWidth || winH > imageHeight) {
                break;
            }
            if (winW < params.minSize() || winH < params.minSize()) {
                continue;
            }
            levels.add(level((float) factor, imageWidth, imageHeight, cascade));
        }
        return levels;
    }

    private static ScaleLevel level(float scale, int imageWidth, int imageHeight, HaarCascade cascade) {
        int width = (int) Math.rint(imageWidth / scale);
        int height = (int) Math.rint(imageHeight / scale);
        return new ScaleLevel(scale, width, height,
                (int) Math.rint(cascade.windowWidth() * scale), (int) Math.rint(cascade.windowHeight() * scale),
                scale >= 2 ? 1 : 2, ResizeAxis.of(imageWidth, width), ResizeAxis.of(imageHeight, height));
    }

    /** The whole-image coordinate of window position {@code p} on this level. */
    int toImage(int p) {
        return (int) Math.rint(p * scale);
    }

    /** How many window positions a row (or column) of {@code size} scaled pixels has: 0 to size − window. */
    int positions(int size, int window) {
        return Math.max(size + 1 - window, 0);
    }
}
