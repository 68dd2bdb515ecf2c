package colmena.task.types;

import colmena.broker.RedisKeys;
import colmena.image.Cascades;
import colmena.image.GrayCodec;
import colmena.vision.Box;
import colmena.vision.Candidates;
import colmena.vision.DetectParams;
import colmena.vision.FaceDetector;
import colmena.vision.GrayImage;
import colmena.vision.Tile;
import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * One tile of a photo searched for faces: the tile's grey pixels come from a blob, and the answer
 * is every candidate window whose position the tile owns (see {@link colmena.vision.TilePlan}), in photo
 * coordinates, before grouping. The job groups the windows of all its tiles at once, so the faces
 * found are those of the whole photo searched in one piece. Made by face jobs, not submitted alone.
 */
public final class FacesTile implements TaskType {
    private static final long SIDE = 100_000;
    /** The most candidate windows one strip may answer: about 20 characters each, within a message's limit. */
    public static final int MAX_WINDOWS = 3_000;
    /** The longest answer: a result travels in one message of at most 64 KiB with its task. */
    static final int MAX_ANSWER_CHARS = 56_000;

    @Override
    public String name() {
        return "faces-tile";
    }

    @Override
    public String summary() {
        return "search one tile of a photo for faces (made by face jobs: colmena faces, POST /api/jobs)";
    }

    @Override
    public boolean madeByJobs() {
        return true;
    }

    @Override
    public List<Param> params() {
        return List.of(
                Param.text("blob", RedisKeys.BLOB_HASH_REGEX, "the tile's grey pixels (a blob's SHA-256)"),
                new Param("x", 0, SIDE, 0, "the tile's left edge in the photo"),
                new Param("y", 0, SIDE, 0, "the tile's top edge in the photo"),
                new Param("ownX0", 0, SIDE, 0, "first window column the tile owns"),
                new Param("ownY0", 0, SIDE, 0, "first window row the tile owns"),
                new Param("ownX1", 0, SIDE, SIDE, "window column past the tile's own"),
                new Param("ownY1", 0, SIDE, SIDE, "window row past the tile's own"),
                new Param("photoW", 1, SIDE, 1, "the whole photo's width"),
                new Param("photoH", 1, SIDE, 1, "the whole photo's height"),
                new Param("scaleMicros", micros(DetectParams.MIN_SCALE_FACTOR), micros(DetectParams.MAX_SCALE_FACTOR),
                        micros(DetectParams.defaults().scaleFactor()), "scale factor between window sizes, in millionths"),
                new Param("minSize", 0, DetectParams.MAX_SIZE, 0, "smallest window searched (0: the cascade's)"),
                new Param("maxSize", 0, DetectParams.MAX_SIZE, 0, "largest window searched (0: no limit)"),
                Param.text("cascade", "default|" + RedisKeys.BLOB_HASH_REGEX,
                        "\"default\" (OpenCV's frontal faces) or a cascade file's blob hash"));
    }

    @Override
    public String run(TaskParams p, TaskContext context) throws Exception {
        GrayCodec.Gray gray = GrayCodec.decode(context.blobs().get(p.text("blob")));
        GrayImage pixels = new GrayImage(gray.width(), gray.height(), gray.pixels());
        DetectParams params = new DetectParams(p.get("scaleMicros") / 1_000_000.0, 0, (int) p.get("minSize"),
                (int) p.get("maxSize"));
        Tile tile = new Tile((int) p.get("x"), (int) p.get("y"), gray.width(), gray.height(), (int) p.get("ownX0"),
                (int) p.get("ownY0"), (int) p.get("ownX1"), (int) p.get("ownY1"));
        context.checkpoint();
        List<Box> windows;
        try {
            windows = FaceDetector.candidates(Cascades.get(p.text("cascade"), context.blobs()), pixels, tile,
                    (int) p.get("photoW"), (int) p.get("photoH"), params, percent -> {
                        context.progress(percent, null);
                        try {
                            context.checkpoint(); // after every band: a cancel or the timeout stops the strip there
                        } catch (TimeoutException | InterruptedException e) {
                            throw new Stopped(e);
                        }
                    });
        } catch (Stopped s) {
            if (s.getCause() instanceof InterruptedException e) {
                throw e;
            }
            throw (TimeoutException) s.getCause();
        }
        String answer = windows.size() > MAX_WINDOWS ? null : Candidates.toJson(windows);
        if (answer == null || answer.length() > MAX_ANSWER_CHARS) {
            throw new IllegalStateException(windows.size() + " candidate windows in one strip, more than its answer "
                    + "can carry; search with a larger minSize");
        }
        return answer;
    }

    /** Carries a checkpoint's exception out of the detector's progress callback. */
    private static final class Stopped extends RuntimeException {
        Stopped(Exception cause) {
            super(cause);
        }
    }

    /**
     * A scale factor in millionths, as a tile task carries it (parameters are whole numbers);
     * {@code micros / 1e6} gives back the same double for a factor of at most 6 decimals.
     */
    public static long micros(double scaleFactor) {
        return Math.round(scaleFactor * 1_000_000);
    }
}
