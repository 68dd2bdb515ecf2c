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
    /** How long a photo's strips are kept (see {@link BlobSource#STRIP_TTL}). */
    public static final Duration STRIP_TTL = BlobSource.STRIP_TTL;

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
        private final JobStore store;
        private final List<JobStore.Tile> tiles = new ArrayList<>();

        private Pieces(int photoNo, long submittedAtMs, TaskQueue queue, JobStore store) {
            this.photoNo = photoNo;
            this.submittedAtMs = submittedAtMs;
            this.queue = queue;
            this.store = store;
        }

        /**
         * Records in TaskHistory, then queues, a task of {@code type} with {@code params}, shown as
         * tile (x, y, w, h) of the photo.
         */
        public void add(String type, Map<String, Object> params, int x, int y, int w, int h) {
            TaskMessage task = TaskMessage.submit(TaskIds.next(), type, params, submittedAtMs, null);
            try {
                store.recordSubmitted(List.of(task));
            } catch (SQLException e) {
                throw new NotRecorded(e);
            }
            queue.submit(List.of(Json.write(task)));
            tiles.add(new JobStore.Tile(task.id(), photoNo, x, y, w, h));
        }
    }

    /** The database refused to record a task: the job is not made (the caller sees the SQL error). */
    private static final class NotRecorded extends RuntimeException {
        NotRecorded(SQLException cause) {
            super(cause);
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
     * Makes a job and queues its tasks. Each task is recorded in TaskHistory and queued as soon
     * as its strip is cut (so nodes start while the rest is cut, and an emptied Redis gives the
     * tasks back); the job itself is written to SQL after: a result stored before that joins it
     * then, and should writing the job fail, its tasks still run and get their rows (nothing is
     * lost; the caller gets the error and may send the photos again).
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
        long now = queue.now();
        List<JobStore.Photo> rows = new ArrayList<>();
        List<JobStore.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
            PhotoRef ref = photos.get(i);
            try {
                BufferedImage image = ImageGuard.decode(blobs.get(ref.blobHash()));
                Pieces pieces = new Pieces(i, now, queue, store);
                try {
                    cutter.cut(pieces, image);
                } catch (NotRecorded e) {
                    throw (SQLException) e.getCause();
                }
                rows.add(new JobStore.Photo(i, ref.fileName(), ref.blobHash(), image.getWidth(), image.getHeight(),
                        null, null, null));
                tiles.addAll(pieces.tiles);
            } catch (InvalidImageException | BlobSource.BlobMissingException e) {
                rows.add(new JobStore.Photo(i, ref.fileName(), safeHash(ref.blobHash()), 0, 0, e.getMessage(), null,
                        Instant.now()));
            } catch (IllegalArgumentException e) {
                // A strip over the blob limit (a very large photo), or a size past another of the
                // cutting's limits: this photo fails, the others go on.
                rows.add(new JobStore.Photo(i, ref.fileName(), safeHash(ref.blobHash()), 0, 0, cutError(e),
                        null, Instant.now()));
            }
        }
        store.create(new JobStore.Job(jobId, kind, Json.write(params), createdBy, Instant.ofEpochMilli(now),
                photos.size(), tiles.size()), rows, tiles);
        LOG.info("Job …{} ({}): {} photos, {} tile tasks queued{}", jobId.substring(jobId.length() - 8), kind,
                photos.size(), tiles.size(), createdBy == null ? "" : " (by " + createdBy + ")");
        return jobId;
    }

    /**
     * A photo's error when cutting it failed: a strip past the blob limit in the words the
     * dashboard knows; any other limit's message as it is.
     */
    public static String cutError(IllegalArgumentException e) {
        return e instanceof BlobSource.BlobTooLargeException
                ? "too large to cut into strips that Redis takes (" + e.getMessage() + "); send a smaller photo"
                : String.valueOf(e.getMessage());
    }

    private static String safeHash(String hash) {
        return RedisKeys.isBlobHash(hash) ? hash : "";
    }
}
