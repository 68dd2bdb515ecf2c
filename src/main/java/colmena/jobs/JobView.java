package colmena.jobs;

import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.Nodes;
import colmena.task.TaskProgress;
import colmena.task.BlobSource;
import colmena.vision.Box;
import colmena.vision.Candidates;
import colmena.vision.InvalidImageException;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A job as a person or a script reads it: progress (tasks done of total, faces so far) and, per
 * photo, its tiles with the node that did each, and its result once every tile is done: its
 * faces (a face job) or its output image (a filter job). A photo's result is merged from its
 * tiles' results at once, on the first read after its last tile is done ({@link FaceJobs#merge},
 * {@link FilterJobs#merge}), and kept in JobPhotos from then on.
 */
public final class JobView {
    private final JobStore store;
    private final Blobs blobs;
    private final Nodes nodes;

    /** @param blobs where filter jobs' strips are read and their outputs stored */
    public JobView(JobStore store, Blobs blobs) {
        this(store, blobs, null);
    }

    /** @param nodes where running strips' progress is read; null to show none */
    public JobView(JobStore store, Blobs blobs, Nodes nodes) {
        this.store = store;
        this.blobs = blobs;
        this.nodes = nodes;
    }

    /**
     * One tile as shown: where it is in the photo and who did it; a RUNNING one with the
     * {@code progress} its task last reported (null otherwise, or when none was).
     */
    public record TileView(String taskId, int x, int y, int w, int h, String status, String node, Long ms,
                           String error, TaskProgress progress) {
    }

    /**
     * One photo: {@code status} is {@code waiting}, {@code running}, {@code done} or {@code failed};
     * {@code faces} is set when a face job's photo is done, {@code output} is true when a filter
     * job's output image is made; {@code nodes} lists the nodes that did its tiles. A filter job's
     * tiles are strips of the output image.
     */
    public record PhotoView(int no, String file, String blob, int width, int height, String status, String error,
                            List<int[]> faces, boolean output, List<String> nodes, Long ms, List<TileView> tiles) {
    }

    /**
     * Tasks of a job by where they stand; {@code percent} (0–100, rounded down) counts each finished
     * task (done, failed or cancelled) whole and each running one by the percentage it last reported.
     */
    public record Progress(int total, int done, int failed, int cancelled, int running, int waiting, int percent) {
    }

    public record View(String id, String kind, Map<String, Object> params, String createdBy, Instant createdAt,
                       String status, Progress tasks, int photosDone, int photosFailed, int faces,
                       List<PhotoView> photos) {
    }

    /** The job, or null when there is none with that id. */
    public View read(String jobId) throws SQLException {
        JobStore.Job job = store.job(jobId);
        if (job == null) {
            return null;
        }
        List<JobStore.TileState> tiles = store.tiles(jobId);
        Map<String, TaskProgress> progress = progress(tiles);
        List<PhotoView> photos = new ArrayList<>();
        for (JobStore.Photo p : store.photos(jobId)) {
            photos.add(photo(job, p, tiles.stream().filter(t -> t.tile().photoNo() == p.no()).toList(), progress));
        }
        int photosDone = 0, photosFailed = 0, faces = 0;
        for (PhotoView p : photos) {
            photosDone += p.status().equals("done") ? 1 : 0;
            photosFailed += p.status().equals("failed") ? 1 : 0;
            faces += p.faces() == null ? 0 : p.faces().size();
        }
        String status = photosDone + photosFailed < photos.size() ? "running" : photosFailed > 0 ? "failed" : "done";
        Progress counts = counts(tiles, progress);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = job.params() == null ? Map.of() : Json.GSON.fromJson(job.params(), Map.class);
        return new View(job.id(), job.kind(), params, job.createdBy(), job.createdAt(), status, counts, photosDone,
                photosFailed, faces, photos);
    }

    /** The job's tasks counted by where they stand (see {@link Progress}). */
    private static Progress counts(List<JobStore.TileState> tiles, Map<String, TaskProgress> progress) {
        int done = 0, failed = 0, cancelled = 0, running = 0;
        long runningPercent = 0;
        for (JobStore.TileState t : tiles) {
            if ("DONE".equals(t.status())) {
                done++;
            } else if ("FAILED".equals(t.status())) {
                failed++;
            } else if ("CANCELLED".equals(t.status())) {
                cancelled++;
            } else if ("RUNNING".equals(t.status())) {
                running++;
                TaskProgress p = progress.get(t.tile().taskId());
                runningPercent += p == null ? 0 : p.percent();
            }
        }
        int finished = done + failed + cancelled;
        int percent = tiles.isEmpty() ? 0 : (int) Math.min(100, (100L * finished + runningPercent) / tiles.size());
        return new Progress(tiles.size(), done, failed, cancelled, running, tiles.size() - finished - running, percent);
    }

    /** The progress the job's RUNNING tiles last reported, by task id; none when Redis does not answer. */
    private Map<String, TaskProgress> progress(List<JobStore.TileState> tiles) {
        Map<String, List<String>> running = new LinkedHashMap<>();
        for (JobStore.TileState t : tiles) {
            if ("RUNNING".equals(t.status()) && t.node() != null) {
                running.computeIfAbsent(t.node(), k -> new ArrayList<>()).add(t.tile().taskId());
            }
        }
        if (nodes == null || running.isEmpty()) {
            return Map.of();
        }
        Map<String, String> raw;
        try {
            raw = nodes.progress(running);
        } catch (RuntimeException e) {
            return Map.of(); // Redis away: the job is shown without its strips' progress
        }
        Map<String, TaskProgress> out = new java.util.HashMap<>();
        raw.forEach((id, json) -> {
            TaskProgress p = TaskProgress.read(json);
            if (p != null) {
                out.put(id, p);
            }
        });
        return out;
    }

    private PhotoView photo(JobStore.Job job, JobStore.Photo p, List<JobStore.TileState> tiles,
                            Map<String, TaskProgress> progress) throws SQLException {
        Strips strips = strips(tiles, progress);
        Instant last = strips.lastFinishedAt();
        Long ms = last == null ? null : Math.max(0, Duration.between(job.createdAt(), last).toMillis());
        List<String> by = strips.nodes();
        List<TileView> shown = strips.shown();
        if (p.error() != null) {
            return shown(job, p, "failed", p.error(), null, by, ms, shown);
        }
        if (p.result() != null) {
            return shown(job, p, "done", null, p.result(), by, ms, shown);
        }
        if (strips.error() != null) {
            store.finishPhoto(job.id(), p.no(), null, strips.error());
            return shown(job, p, "failed", strips.error(), null, by, ms, shown);
        }
        if (strips.allDone()) {
            return merged(job, p, tiles, by, ms, shown);
        }
        boolean started = tiles.stream().anyMatch(t -> t.status() != null && !"PENDING".equals(t.status()));
        return shown(job, p, started ? "running" : "waiting", null, null, by, null, shown);
    }

    /**
     * What a photo's strips say together: each strip as shown, the nodes that ran them, when the
     * last one finished, the first failed or cancelled strip's error, and whether all are DONE.
     */
    private record Strips(List<TileView> shown, List<String> nodes, Instant lastFinishedAt, String error, boolean allDone) {
    }

    private static Strips strips(List<JobStore.TileState> tiles, Map<String, TaskProgress> progress) {
        List<TileView> shown = new ArrayList<>();
        Set<String> nodes = new LinkedHashSet<>();
        Instant last = null;
        String tileError = null;
        boolean allDone = true;
        for (JobStore.TileState t : tiles) {
            JobStore.Tile g = t.tile();
            String status = t.status() == null ? "WAITING" : t.status();
            shown.add(new TileView(g.taskId(), g.x(), g.y(), g.w(), g.h(), status, t.node(), t.durationMs(),
                    t.error(), "RUNNING".equals(status) ? progress.get(g.taskId()) : null));
            if (t.node() != null && ("DONE".equals(status) || "RUNNING".equals(status))) {
                nodes.add(t.node());
            }
            if (tileError == null) {
                tileError = stripError(t, status);
            }
            allDone &= "DONE".equals(status);
            if (t.finishedAt() != null && (last == null || t.finishedAt().isAfter(last))) {
                last = t.finishedAt();
            }
        }
        return new Strips(shown, List.copyOf(nodes), last, tileError, allDone);
    }

    /** Why the photo failed because of this strip (FAILED or CANCELLED), or null. */
    private static String stripError(JobStore.TileState t, String status) {
        if ("FAILED".equals(status)) {
            return "the strip at row " + t.tile().y() + " failed" + (t.node() == null ? "" : " on " + t.node())
                    + ": " + t.error();
        } else if ("CANCELLED".equals(status)) {
            return "the strip at row " + t.tile().y() + " was " + (t.error() == null ? "cancelled" : t.error());
        }
        return null;
    }

    /** The photo once every strip is DONE: its strips merged into its result, stored once. */
    private PhotoView merged(JobStore.Job job, JobStore.Photo p, List<JobStore.TileState> tiles, List<String> by,
                             Long ms, List<TileView> shown) throws SQLException {
        String result;
        try {
            result = merge(job, p, tiles);
        } catch (BlobSource.BlobMissingException | IllegalArgumentException | IllegalStateException
                 | InvalidImageException e) {
            // What the strips hold cannot make a result: the photo fails, once. Redis or the
            // database away is not that: it reaches the caller, and the next read merges.
            String error = "merging the strips failed: " + e.getMessage();
            store.finishPhoto(job.id(), p.no(), null, error);
            return shown(job, p, "failed", error, null, by, ms, shown);
        }
        store.finishPhoto(job.id(), p.no(), result, null);
        return shown(job, p, "done", null, result, by, ms, shown);
    }

    private static PhotoView shown(JobStore.Job job, JobStore.Photo p, String status, String error, String result,
                                   List<String> nodes, Long ms, List<TileView> tiles) {
        boolean faces = FaceJobs.KIND.equals(job.kind());
        return new PhotoView(p.no(), p.fileName(), p.blobHash(), p.width(), p.height(), status, error,
                faces && result != null ? quads(Candidates.fromJson(result)) : null, !faces && result != null,
                nodes, ms, tiles);
    }

    /** The photo's result (JobPhotos.Result) merged from its finished tiles, as the job's kind makes it. */
    private String merge(JobStore.Job job, JobStore.Photo photo, List<JobStore.TileState> tiles)
            throws BlobSource.BlobMissingException {
        return FilterJobs.isFilter(job.kind()) ? FilterJobs.merge(blobs, tiles) : FaceJobs.merge(job, photo, tiles);
    }

    /**
     * The blob hash of a filter job's output image for photo {@code photoNo}, or null while there
     * is none (not done yet, failed, or a face job).
     */
    public String outputHash(String jobId, int photoNo) throws SQLException {
        JobStore.Job job = store.job(jobId);
        if (job == null || !FilterJobs.isFilter(job.kind())) {
            return null;
        }
        return store.photos(jobId).stream().filter(p -> p.no() == photoNo && p.error() == null)
                .map(JobStore.Photo::result).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** Boxes as the API and {@code faces --json} show them: {@code [x, y, w, h]} each. */
    private static List<int[]> quads(List<Box> boxes) {
        return boxes.stream().map(b -> new int[]{b.x(), b.y(), b.width(), b.height()}).toList();
    }

    /** The newest jobs, each with its progress but without its photos' tiles. */
    public List<Map<String, Object>> recent(int limit) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JobStore.Job job : store.recent(limit)) {
            View v = read(job.id());
            if (v == null) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", v.id());
            m.put("kind", v.kind());
            m.put("params", v.params());
            m.put("createdBy", v.createdBy());
            m.put("createdAt", v.createdAt());
            m.put("status", v.status());
            m.put("tasks", v.tasks());
            m.put("photos", v.photos().size());
            m.put("photosDone", v.photosDone());
            m.put("photosFailed", v.photosFailed());
            m.put("faces", v.faces());
            m.put("files", v.photos().stream().limit(5).map(PhotoView::file).toList());
            out.add(m);
        }
        return out;
    }
}
