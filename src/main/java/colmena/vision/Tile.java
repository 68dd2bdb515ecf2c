package colmena.vision;

/**
 * One piece of a photo's detection work: the pixels of rectangle ({@code x}, {@code y},
 * {@code width}, {@code height}) of the whole image, and the window positions it owns, those
 * whose top-left corner falls in {@code [ownX0, ownX1) × [ownY0, ownY1)} (whole-image pixels).
 * The rectangle holds every pixel those windows read, at every scale.
 */
public record Tile(int x, int y, int width, int height, int ownX0, int ownY0, int ownX1, int ownY1) {

    /** The whole {@code width × height} image as one tile owning every position. */
    public static Tile whole(int width, int height) {
        return new Tile(0, 0, width, height, 0, 0, width, height);
    }

    /** Whether the tile owns whole-image window origin (px, py). */
    public boolean owns(int px, int py) {
        return px >= ownX0 && px < ownX1 && py >= ownY0 && py < ownY1;
    }

    void checkFits(GrayImage pixels, int fullWidth, int fullHeight) {
        if (pixels.width() != width || pixels.height() != height) {
            throw new IllegalArgumentException("tile " + this + " needs " + width + "×" + height + " pixels; got "
                    + pixels.width() + "×" + pixels.height());
        }
        if (x != 0 || width != fullWidth || y < 0 || y + height > fullHeight) {
            throw new IllegalArgumentException("tile " + this + " must be a full-width strip of the " + fullWidth
                    + "×" + fullHeight + " image");
        }
    }
}
