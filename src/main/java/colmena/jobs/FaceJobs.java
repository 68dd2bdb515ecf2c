package colmena.jobs;

import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.image.Cascades;
import colmena.image.GrayCodec;
import colmena.task.BlobSource;
import colmena.task.types.FacesTile;
import colmena.vision.Box;
import colmena.vision.Candidates;
import colmena.vision.DetectParams;
import colmena.vision.FaceDetector;
import colmena.vision.GrayImage;
import colmena.vision.HaarCascade;
import colmena.vision.InvalidCascadeException;
import colmena.vision.Tile;
import colmena.vision.TilePlan;

import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes face-detection jobs ({@link JobMaker} does the rest): each photo is turned grey and cut
 * into tiles ({@link TilePlan}); each tile's grey pixels become a blob and a {@code faces-tile}
 * task. A photo's faces are its tiles' windows grouped at once ({@link #merge}).
 */
public final class FaceJobs {
    public static final String KIND = "faces";

    private final Blobs blobs;
    private final JobMaker maker;

    public FaceJobs(Blobs blobs, TaskQueue queue, JobStore store) {
        this.blobs = blobs;
        this.maker = new JobMaker(blobs, queue, store);
    }

    /**
     * Makes a job and queues its tasks.
     *
     * @param cascadeRef {@code "default"} or the blob hash of an OpenCV Haar cascade file
     * @return the job's id
     * @throws JobException when the job as a whole cannot be made (no photos, a bad cascade)
     */
    public String create(List<JobMaker.PhotoRef> photos, DetectParams settings, String cascadeRef, String createdBy)
            throws JobException, SQLException {
        check(settings);
        HaarCascade cascade = cascade(cascadeRef);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("scaleFactor", settings.scaleFactor());
        params.put("minNeighbors", settings.minNeighbors());
        params.put("minSize", settings.minSize());
        params.put("maxSize", settings.maxSize());
        params.put("cascade", cascadeRef);
        return maker.create(KIND, params, photos, (pieces, image) -> cut(pieces, image, cascade, settings, cascadeRef),
                createdBy);
    }

    /**
     * @throws JobException naming the parameter out of bounds
     */
    public static void check(DetectParams settings) throws JobException {
        try {
            settings.check();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new JobException(m.substring(0, Math.max(0, m.indexOf(' '))), m);
        }
        if (BigDecimal.valueOf(settings.scaleFactor()).stripTrailingZeros().scale() > 6) {
            throw new JobException("scaleFactor", "scaleFactor may have at most 6 decimal places; got "
                    + settings.scaleFactor());
        }
    }

    private HaarCascade cascade(String ref) throws JobException {
        if (Cascades.DEFAULT.equals(ref)) {
            return Cascades.frontalFace();
        }
        if (!RedisKeys.isBlobHash(ref)) {
            throw new JobException("cascade", "cascade must be \"default\" or the hash of an uploaded cascade file");
        }
        try {
            return Cascades.parse(blobs.get(ref));
        } catch (BlobSource.BlobMissingException e) {
            throw new JobException("cascade", "the cascade file " + e.getMessage());
        } catch (InvalidCascadeException e) {
            throw new JobException("cascade", "not an OpenCV Haar cascade: " + e.getMessage());
        }
    }

    private void cut(JobMaker.Pieces pieces, BufferedImage image, HaarCascade cascade, DetectParams settings,
                     String cascadeRef) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] gray = GrayImage.of(image).pixels();
        for (Tile t : TilePlan.of(w, h, cascade, settings, stripPixels(w, h))) {
            String tileBlob = blobs.put(GrayCodec.encode(gray, w, t.x(), t.y(), t.width(), t.height()), JobMaker.STRIP_TTL);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("blob", tileBlob);
            p.put("x", t.x());
            p.put("y", t.y());
            p.put("ownX0", t.ownX0());
            p.put("ownY0", t.ownY0());
            p.put("ownX1", t.ownX1());
            p.put("ownY1", t.ownY1());
            p.put("photoW", w);
            p.put("photoH", h);
            p.put("scaleMicros", FacesTile.micros(settings.scaleFactor()));
            p.put("minSize", settings.minSize());
            p.put("maxSize", settings.maxSize());
            p.put("cascade", cascadeRef);
            pieces.add("faces-tile", p, t.x(), t.y(), t.width(), t.height());
        }
    }

    /** Photos up to this many pixels are searched in one piece. */
    public static final long WHOLE_PHOTO_PIXELS = TilePlan.DEFAULT_TILE_PIXELS;
    /** Larger ones are cut into strips that each own about this many window positions. */
    public static final long STRIP_PIXELS = 1_000_000;

    /**
     * The strip size for a photo: whole up to {@link #WHOLE_PHOTO_PIXELS}; above, strips of about
     * {@link #STRIP_PIXELS}, small enough that two or more nodes finish a photo's strips at about
     * the same time (the last strips own rows few large windows fit in, and go quicker).
     */
    static long stripPixels(int w, int h) {
        return (long) w * h <= WHOLE_PHOTO_PIXELS ? WHOLE_PHOTO_PIXELS : STRIP_PIXELS;
    }

    /**
     * A photo's faces: every tile's windows grouped at once, top to bottom, then left to right,
     * as {@code [[x, y, w, h], ...]} (JobPhotos.Result of a face job).
     */
    static String merge(JobStore.Job job, JobStore.Photo photo, List<JobStore.TileState> tiles) {
        List<Box> windows = new ArrayList<>();
        for (JobStore.TileState t : tiles) {
            windows.addAll(Candidates.fromJson(t.result()));
        }
        Object n = job.params() == null ? null : Json.GSON.fromJson(job.params(), Map.class).get("minNeighbors");
        int minNeighbors = n instanceof Number num ? num.intValue() : 3;
        List<Box> faces = new ArrayList<>(FaceDetector.group(windows, minNeighbors, photo.width(), photo.height()));
        faces.sort(Comparator.comparingInt(Box::y).thenComparingInt(Box::x).thenComparingInt(Box::width));
        return Candidates.toJson(faces);
    }
}
