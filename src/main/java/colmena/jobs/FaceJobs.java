package colmena.jobs;

import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.image.Cascades;
import colmena.image.GrayCodec;
import colmena.task.BlobSource;
import colmena.task.TaskIds;
import colmena.task.TaskMessage;
import colmena.task.types.FacesTile;
import colmena.vision.DetectParams;
import colmena.vision.GrayImage;
import colmena.vision.HaarCascade;
import colmena.vision.ImageGuard;
import colmena.vision.InvalidImageException;
import colmena.vision.InvalidCascadeException;
import colmena.vision.Tile;
import colmena.vision.TilePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes face-detection jobs: each photo, already uploaded as a blob, is decoded once, turned grey
 * and cut into tiles ({@link TilePlan}); each tile's grey pixels become a blob and a
 * {@code faces-tile} task. The job is written to SQL whole, then its tasks are queued; a photo
 * that cannot be read fails alone, with the reason, and the others go on.
 */
public final class FaceJobs {
    private static final Logger LOG = LoggerFactory.getLogger(FaceJobs.class);
    public static final String KIND = "faces";
    public static final int MAX_PHOTOS = 500;
    /**
     * A strip's grey pixels are needed only until its task runs (a strip can hold most of its
     * photo's rows), so they go sooner than the photo; reading them renews this store's time.
     */
    public static final Duration STRIP_TTL = Duration.ofHours(2);

    /** A photo to search: its file name (shown, never opened) and its blob. */
    public record PhotoRef(String fileName, String blobHash) {
    }

    private final Blobs blobs;
    private final TaskQueue queue;
    private final JobStore store;

    public FaceJobs(Blobs blobs, TaskQueue queue, JobStore store) {
        this.blobs = blobs;
        this.queue = queue;
        this.store = store;
    }

    /**
     * Makes a job and queues its tasks.
     *
     * @param cascadeRef {@code "default"} or the blob hash of an OpenCV Haar cascade file
     * @return the job's id
     * @throws JobException when the job as a whole cannot be made (no photos, a bad cascade)
     */
    public String create(List<PhotoRef> photos, DetectParams settings, String cascadeRef, String createdBy)
            throws JobException, SQLException {
        if (photos.isEmpty() || photos.size() > MAX_PHOTOS) {
            throw new JobException("photos", "a job needs 1 to " + MAX_PHOTOS + " photos, got " + photos.size());
        }
        check(settings);
        HaarCascade cascade = cascade(cascadeRef);
        String jobId = TaskIds.next();
        long now = System.currentTimeMillis();
        List<JobStore.Photo> rows = new ArrayList<>();
        List<JobStore.Tile> tiles = new ArrayList<>();
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
            PhotoRef ref = photos.get(i);
            try {
                BufferedImage image = ImageGuard.decode(blobs.get(ref.blobHash()));
                rows.add(new JobStore.Photo(i, ref.fileName(), ref.blobHash(), image.getWidth(), image.getHeight(),
                        null, null, null));
                cut(jobId, i, image, cascade, settings, cascadeRef, now, tiles, tasks);
            } catch (InvalidImageException | BlobSource.BlobMissingException e) {
                rows.add(new JobStore.Photo(i, ref.fileName(), safeHash(ref.blobHash()), 0, 0, e.getMessage(), null,
                        Instant.now()));
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("scaleFactor", settings.scaleFactor());
        params.put("minNeighbors", settings.minNeighbors());
        params.put("minSize", settings.minSize());
        params.put("maxSize", settings.maxSize());
        params.put("cascade", cascadeRef);
        store.create(new JobStore.Job(jobId, KIND, Json.write(params), createdBy, Instant.ofEpochMilli(now),
                photos.size(), tasks.size()), rows, tiles);
        try {
            if (!tasks.isEmpty()) {
                queue.submit(tasks);
            }
        } catch (RuntimeException e) {
            store.delete(jobId);
            throw e;
        }
        LOG.info("Job …{}: {} photos, {} tile tasks queued{}", jobId.substring(jobId.length() - 8), photos.size(),
                tasks.size(), createdBy == null ? "" : " (by " + createdBy + ")");
        return jobId;
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

    private void cut(String jobId, int photoNo, BufferedImage image, HaarCascade cascade, DetectParams settings,
                     String cascadeRef, long now, List<JobStore.Tile> tiles, List<String> tasks) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] gray = GrayImage.of(image).pixels();
        for (Tile t : TilePlan.of(w, h, cascade, settings, TilePlan.DEFAULT_TILE_PIXELS)) {
            String tileBlob = blobs.put(GrayCodec.encode(gray, w, t.x(), t.y(), t.width(), t.height()), STRIP_TTL);
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
            String taskId = TaskIds.next();
            tasks.add(Json.write(TaskMessage.submit(taskId, "faces-tile", p, now, null)));
            tiles.add(new JobStore.Tile(taskId, photoNo, t.x(), t.y(), t.width(), t.height()));
        }
    }

    private static String safeHash(String hash) {
        return RedisKeys.isBlobHash(hash) ? hash : "";
    }
}
