package colmena.jobs;

import colmena.broker.Json;
import colmena.vision.Box;
import colmena.vision.Candidates;
import colmena.vision.FaceDetector;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job as a person or a script reads it: progress (tasks done of total, faces so far) and, per
 * photo, its tiles with the node that did each, and its faces once every tile is done. A photo's
 * faces are its tiles' windows grouped at once, on the first read after its last tile is done,
 * and kept in JobPhotos from then on.
 */
public final class JobView {
    private final JobStore store;

    public JobView(JobStore store) {
        this.store = store;
    }

    /** One tile as shown: where it is in the photo and who did it. */
    public record TileView(String taskId, int x, int y, int w, int h, String status, String node, Long ms,
                           String error) {
    }

    /**
     * One photo: {@code status} is {@code waiting}, {@code running}, {@code done} or {@code failed};
     * {@code faces} is set when done; {@code nodes} lists the nodes that did its tiles.
     */
    public record PhotoView(int no, String file, String blob, int width, int height, String status, String error,
                            List<int[]> faces, List<String> nodes, Long ms, List<TileView> tiles) {
    }

    /** Tasks of a job by where they stand. */
    public record Progress(int total, int done, int failed, int running, int waiting) {
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
        List<PhotoView> photos = new ArrayList<>();
        for (JobStore.Photo p : store.photos(jobId)) {
            photos.add(photo(job, p, tiles.stream().filter(t -> t.tile().photoNo() == p.no()).toList()));
        }
        int done = 0, failed = 0, running = 0;
        for (JobStore.TileState t : tiles) {
            if ("DONE".equals(t.status())) {
                done++;
            } else if ("FAILED".equals(t.status())) {
                failed++;
            } else if ("RUNNING".equals(t.status())) {
                running++;
            }
        }
        int photosDone = 0, photosFailed = 0, faces = 0;
        for (PhotoView p : photos) {
            photosDone += p.status().equals("done") ? 1 : 0;
            photosFailed += p.status().equals("failed") ? 1 : 0;
            faces += p.faces() == null ? 0 : p.faces().size();
        }
        String status = photosDone + photosFailed < photos.size() ? "running" : photosFailed > 0 ? "failed" : "done";
        Progress progress = new Progress(tiles.size(), done, failed, running, tiles.size() - done - failed - running);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = job.params() == null ? Map.of() : Json.GSON.fromJson(job.params(), Map.class);
        return new View(job.id(), job.kind(), params, job.createdBy(), job.createdAt(), status, progress, photosDone,
                photosFailed, faces, photos);
    }

    private PhotoView photo(JobStore.Job job, JobStore.Photo p, List<JobStore.TileState> tiles) throws SQLException {
        List<TileView> shown = new ArrayList<>();
        Set<String> nodes = new LinkedHashSet<>();
        Instant last = null;
        String tileError = null;
        boolean allDone = true;
        for (JobStore.TileState t : tiles) {
            JobStore.Tile g = t.tile();
            String status = t.status() == null ? "WAITING" : t.status();
            shown.add(new TileView(g.taskId(), g.x(), g.y(), g.w(), g.h(), status, t.node(), t.durationMs(),
                    t.error()));
            if (t.node() != null && ("DONE".equals(status) || "RUNNING".equals(status))) {
                nodes.add(t.node());
            }
            if ("FAILED".equals(status) && tileError == null) {
                tileError = "tile at " + g.x() + "," + g.y() + " failed" + (t.node() == null ? "" : " on " + t.node())
                        + ": " + t.error();
            }
            allDone &= "DONE".equals(status);
            if (t.finishedAt() != null && (last == null || t.finishedAt().isAfter(last))) {
                last = t.finishedAt();
            }
        }
        Long ms = last == null ? null : Math.max(0, Duration.between(job.createdAt(), last).toMillis());
        if (p.error() != null) {
            return new PhotoView(p.no(), p.fileName(), p.blobHash(), p.width(), p.height(), "failed", p.error(), null,
                    List.copyOf(nodes), ms, shown);
        }
        if (p.result() != null) {
            return new PhotoView(p.no(), p.fileName(), p.blobHash(), p.width(), p.height(), "done", null,
                    quads(Candidates.fromJson(p.result())), List.copyOf(nodes), ms, shown);
        }
        if (tileError != null) {
            store.finishPhoto(job.id(), p.no(), null, tileError);
            return new PhotoView(p.no(), p.fileName(), p.blobHash(), p.width(), p.height(), "failed", tileError, null,
                    List.copyOf(nodes), ms, shown);
        }
        if (allDone) {
            List<Box> merged = merge(job, p, tiles);
            List<int[]> faces = quads(merged);
            store.finishPhoto(job.id(), p.no(), Candidates.toJson(merged), null);
            return new PhotoView(p.no(), p.fileName(), p.blobHash(), p.width(), p.height(), "done", null, faces,
                    List.copyOf(nodes), ms, shown);
        }
        boolean started = tiles.stream().anyMatch(t -> t.status() != null && !"PENDING".equals(t.status()));
        return new PhotoView(p.no(), p.fileName(), p.blobHash(), p.width(), p.height(),
                started ? "running" : "waiting", null, null, List.copyOf(nodes), null, shown);
    }

    /** Every tile's windows grouped at once: the faces of the whole photo, top to bottom, then left to right. */
    private static List<Box> merge(JobStore.Job job, JobStore.Photo photo, List<JobStore.TileState> tiles) {
        List<Box> windows = new ArrayList<>();
        for (JobStore.TileState t : tiles) {
            windows.addAll(Candidates.fromJson(t.result()));
        }
        Object n = job.params() == null ? null : Json.GSON.fromJson(job.params(), Map.class).get("minNeighbors");
        int minNeighbors = n instanceof Number num ? num.intValue() : 3;
        List<Box> faces = new ArrayList<>(FaceDetector.group(windows, minNeighbors, photo.width(), photo.height()));
        faces.sort(java.util.Comparator.comparingInt(Box::y).thenComparingInt(Box::x).thenComparingInt(Box::width));
        return faces;
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
