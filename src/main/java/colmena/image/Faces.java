package colmena.image;

import colmena.task.TaskContext;
import colmena.vision.HaarCascade;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The face detector as the rest of Colmena uses it: planning a photo's tiles, searching one tile,
 * grouping the windows of all tiles into faces. The detector itself is {@code colmena.vision}.
 */
public final class Faces {
    /** Photos up to this many pixels are searched in one piece; larger ones are cut into tiles of about this size. */
    public static final long TILE_PIXELS = 2_000_000;

    /**
     * A tile: its pixels {@code (x, y, w, h)} in the photo, and the window positions it owns,
     * columns {@code ownX0 ≤ x < ownX1} and rows {@code ownY0 ≤ y < ownY1} (photo coordinates).
     */
    public record Tile(int x, int y, int w, int h, int ownX0, int ownY0, int ownX1, int ownY1) {
    }

    private Faces() {
    }

    public static List<Tile> plan(int width, int height, HaarCascade cascade, FaceSettings settings) {
        throw new UnsupportedOperationException("detector not merged yet");
    }

    /**
     * Decodes a photo (jpg, png, bmp, gif), refusing before decoding one whose header declares
     * more pixels than a blob may hold.
     *
     * @throws IllegalArgumentException saying what is wrong: not an image, truncated, too large
     */
    public static BufferedImage decode(byte[] bytes) {
        throw new UnsupportedOperationException("detector not merged yet");
    }

    /**
     * Reads only a photo's header: its format, width and height.
     *
     * @throws IllegalArgumentException saying what is wrong: empty, not an image, too large
     */
    public static ImageInfo probe(byte[] bytes) {
        throw new UnsupportedOperationException("detector not merged yet");
    }

    /** What a photo's header says. */
    public record ImageInfo(String format, int width, int height) {
    }

    public static byte[] gray(BufferedImage image) {
        throw new UnsupportedOperationException("detector not merged yet");
    }

    public static List<int[]> candidates(HaarCascade cascade, GrayCodec.Gray pixels, Tile tile, int photoW, int photoH,
                                         FaceSettings settings, TaskContext context) throws Exception {
        throw new UnsupportedOperationException("detector not merged yet");
    }

    public static List<int[]> group(List<int[]> windows, int minNeighbors) {
        throw new UnsupportedOperationException("detector not merged yet");
    }
}
