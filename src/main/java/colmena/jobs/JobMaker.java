package colmena.jobs;

import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.task.BlobSource;
import colmena.task.TaskIds;
import colmena.task.TaskMessage;
import colmena.vision.ImageGuard;
import colmena.vision.InvalidImageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes a job of any kind: each photo, already uploaded as a blob, is decoded once and handed to
 * the kind's {@link Cutter}, which cuts it into tasks. The job is written to SQL whole, then its
 * tasks are queued; a photo that cannot be read or cut fails alone, with the reason, and the
 * others go on.
 */
public final class JobMaker {
    private static final Logger LOG = LoggerFactory.getLogger(JobMaker.class);
    public static final int MAX_PHOTOS = 500;
    /**
     * A photo's strips are needed only until their tasks run (a face strip can hold most of its
     * photo's rows), so they go sooner than the photo.
     */
    public static final Duration STRIP_TTL = Duration.ofHours(2);

    /** A photo to process: its file name (shown, never opened) and its blob. */
    public record PhotoRef(String fileName, String blobHash) {
    }

    /** Cuts one decoded photo into tasks. */
    @FunctionalInterface
    public interface Cutter {
        /**
         * @throws InvalidImageException when this photo cannot be processed (it then fails alone)
         */
        void cut(Pieces pieces, BufferedImage image);
    }

    /**
     * The tasks one photo is cut into: each an ordinary task, and the tile of the photo it works
     * on. Each is queued as soon as it is added, so the nodes start on a photo's first strips while
     * its last ones are still being cut.
     */
    public static final class Pieces {
        private final int photoNo;
        private final long submittedAtMs;
        private final TaskQueue queue;
        private final List<JobStore.Tile> tiles = new ArrayList<>();

        private Pieces(int photoNo, long submittedAtMs, TaskQueue queue) {
            this.photoNo = photoNo;
            this.submittedAtMs = submittedAtMs;
            this.queue = queue;
        }

        /** Queues a task of {@code type} with {@code params}, shown as tile (x, y, w, h) of the photo. */
        public void add(String type, Map<String, Object> params, int x, int y, int w, int h) {
            String taskId = TaskIds.next();
            queue.submit(List.of(Json.write(TaskMessage.submit(taskId, type, params, submittedAtMs, null))));
            tiles.add(new JobStore.Tile(taskId, photoNo, x, y, w, h));
        }
    }

    private final Blobs blobs;
    private final TaskQueue queue;
    private final JobStore store;

    public JobMaker(Blobs blobs, TaskQueue queue, JobStore store) {
        this.blobs = blobs;
        this.queue = queue;
        this.store = store;
    }

    public Blobs blobs() {
        return blobs;
    }

    /**
     * Makes a job and queues its tasks. They are queued while the photos are cut and the job is
     * written to SQL after: a result stored before its job is written joins it then, and should
     * writing the job fail, its tasks still run and get their TaskHistory rows (nothing is lost;
     * the caller gets the error and may send the photos again).
     *
     * @param kind   the job's kind ({@code faces}, {@code blur}, …), as Jobs.Kind keeps it
     * @param params the job's parameters, kept as JSON with the job
     * @return the job's id
     * @throws JobException when there are no photos or too many
     */
    public String create(String kind, Map<String, Object> params, List<PhotoRef> photos, Cutter cutter,
                         String createdBy) throws JobException, SQLException {
        if (photos.isEmpty() || photos.size() > MAX_PHOTOS) {
            throw new JobException("photos", "a job needs 1 to " + MAX_PHOTOS + " photos, got " + photos.size());
        }
        String jobId = TaskIds.next();
        long now = System.currentTimeMillis();
        List<JobStore.Photo> rows = new ArrayList<>();
        List<JobStore.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
            PhotoRef ref = photos.get(i);
            try {
                BufferedImage image = ImageGuard.decode(blobs.get(ref.blobHash()));
                Pieces pieces = new Pieces(i, now, queue);
                cutter.cut(pieces, image);
                rows.add(new JobStore.Photo(i, ref.fileName(), ref.blobHash(), image.getWidth(), image.getHeight(),
                        null, null, null));
                tiles.addAll(pieces.tiles);
            } catch (InvalidImageException | BlobSource.BlobMissingException e) {
                rows.add(new JobStore.Photo(i, ref.fileName(), safeHash(ref.blobHash()), 0, 0, e.getMessage(), null,
                        Instant.now()));
            }
        }
        store.create(new JobStore.Job(jobId, kind, Json.write(params), createdBy, Instant.ofEpochMilli(now),
                photos.size(), tiles.size()), rows, tiles);
        LOG.info("Job …{} ({}): {} photos, {} tile tasks queued{}", jobId.substring(jobId.length() - 8), kind,
                photos.size(), tiles.size(), createdBy == null ? "" : " (by " + createdBy + ")");
        return jobId;
    }

    private static String safeHash(String hash) {
        return RedisKeys.isBlobHash(hash) ? hash : "";
    }
}
