package colmena.api;

import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.image.Cascades;
import colmena.filters.FilterSpec;
import colmena.jobs.FaceJobs;
import colmena.jobs.FilterJobs;
import colmena.jobs.JobMaker;
import colmena.jobs.JobException;
import colmena.jobs.JobStore;
import colmena.jobs.JobView;
import colmena.vision.DetectParams;
import colmena.vision.ImageGuard;
import colmena.vision.InvalidCascadeException;
import colmena.vision.InvalidImageException;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Photos and jobs: upload a photo (or a cascade file) as a blob, make a job of several photos
 * (face detection, or a filter), follow it and cancel it. Its photos are fetched through
 * {@link JobPhotosApi}.
 */
final class JobsApi {
    private static final Set<String> FACE_FIELDS = Set.of("scaleFactor", "minNeighbors", "minSize", "maxSize",
            "cascade");
    private static final Set<String> BODY = Set.of("photos", "filter", "scaleFactor", "minNeighbors", "minSize",
            "maxSize", "cascade", "sigma", "scale");
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int MAX_FILE_NAME = 200;
    /** OpenCV's cascades are about 1 MB; a cascade file is parsed whole in the API's memory. */
    static final int MAX_CASCADE_BYTES = 4 * 1024 * 1024;

    private final Blobs blobs;
    private final FaceJobs jobs;
    private final FilterJobs filterJobs;
    private final JobView view;
    private final AuditTrail audit;
    private final Cancels cancels;
    private final JobStore store;

    JobsApi(Blobs blobs, FaceJobs jobs, FilterJobs filterJobs, JobView view, AuditTrail audit, Cancels cancels,
            JobStore store) {
        this.cancels = cancels;
        this.store = store;
        this.blobs = blobs;
        this.jobs = jobs;
        this.filterJobs = filterJobs;
        this.view = view;
        this.audit = audit;
    }

    /**
     * {@code POST /api/blobs?kind=photo|cascade}: the raw bytes of a photo (jpg, png, bmp, gif) or
     * of an OpenCV cascade file; 201 with the blob's hash. A photo's header is read, not the
     * photo, to refuse what is not one.
     */
    Object upload(Request r) throws Exception {
        String kind = r.query().getOrDefault("kind", "photo");
        // The body is read before a wrong kind is refused: an answer sent while a photo is still
        // being sent closes the connection under it, and the sender sees a reset, not the reason.
        byte[] bytes = r.rawBody(kind.equals("cascade") ? MAX_CASCADE_BYTES : Blobs.MAX_BYTES);
        if (!kind.equals("photo") && !kind.equals("cascade")) {
            throw ApiException.badField("kind must be photo or cascade, got \"" + kind + "\"", "kind");
        }
        if (bytes.length == 0) {
            throw ApiException.badField("the upload is empty: send the file's bytes as the request body", "file");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            if (kind.equals("photo")) {
                ImageGuard.Header info = ImageGuard.probe(bytes);
                out.put("format", info.format());
                out.put("width", info.width());
                out.put("height", info.height());
            } else {
                var cascade = Cascades.parse(bytes);
                out.put("window", List.of(cascade.windowWidth(), cascade.windowHeight()));
            }
        } catch (InvalidImageException e) {
            throw e.code() == null ? ApiException.badField(e.getMessage(), "file")
                    : new ApiException(400, e.getMessage(), Map.of("field", "file", "code", e.code(), "values", e.values()));
        } catch (InvalidCascadeException e) {
            throw ApiException.badField(e.getMessage(), "file");
        }
        String hash = blobs.put(bytes);
        out.put("hash", hash);
        out.put("bytes", bytes.length);
        out.put("expiresInSeconds", blobs.ttlSeconds());
        return Response.json(201, out);
    }

    /**
     * {@code POST /api/jobs}: {"photos": [{"blob": hash, "name": "class.jpg"}, ...]} and either the
     * face search's settings ({"scaleFactor": 1.1, "minNeighbors": 3, "minSize": 0, "maxSize": 0,
     * "cascade": "default"}), or {"filter": "grey" | "blur" | "sobel" | "resize"} with
     * {"sigma": 2} (blur) or {"scale": 0.5} (resize); 202 with the id. {"filter": "faces"} is the
     * default.
     */
    Object create(Request r) throws Exception {
        JsonObject body = r.jsonBody();
        for (String k : body.keySet()) {
            if (!BODY.contains(k)) {
                throw ApiException.badField("unknown field \"" + k + "\"; send " + String.join(", ", BODY.stream().sorted().toList()), k);
            }
        }
        String filter = body.has("filter") && !body.get("filter").isJsonNull() ? text(body, "filter") : FaceJobs.KIND;
        if (!filter.equals(FaceJobs.KIND) && !FilterJobs.isFilter(filter)) {
            throw ApiException.badField("filter must be faces, " + String.join(", ", FilterSpec.NAMES) + "; got \"" + filter + "\"",
                    "filter");
        }
        refuseOthers(body, filter);
        List<JobMaker.PhotoRef> photos = photos(body.get("photos"));
        String by = r.principal() == null ? null : r.principal().user();
        String id;
        try {
            id = filter.equals(FaceJobs.KIND) ? createFaces(body, photos, by)
                    : filterJobs.create(photos, spec(body, filter), by);
        } catch (JobException e) {
            throw ApiException.badField(e.getMessage(), e.field());
        }
        audit.record(r, "job_created", id, photos.size() + " photos, " + filter);
        return Response.json(202, Map.of("id", id, "photos", photos.size()));
    }

    private String createFaces(JsonObject body, List<JobMaker.PhotoRef> photos, String by) throws Exception {
        DetectParams settings = settings(body);
        String cascade = body.has("cascade") && !body.get("cascade").isJsonNull() ? text(body, "cascade")
                : Cascades.DEFAULT;
        return jobs.create(photos, settings, cascade, by);
    }

    /** A setting that belongs to another kind of job is refused rather than ignored. */
    private static void refuseOthers(JsonObject body, String filter) {
        Set<String> settings = filter.equals(FaceJobs.KIND) ? FACE_FIELDS : FilterSpec.parametersOf(filter);
        for (String k : body.keySet()) {
            if (!k.equals("photos") && !k.equals("filter") && !settings.contains(k)) {
                throw ApiException.badField(k + " does not apply to a " + filter + " job", k);
            }
        }
    }

    private static FilterSpec spec(JsonObject body, String filter) throws JobException {
        FilterSpec spec = new FilterSpec(filter,
                body.has("sigma") ? number(body, "sigma") : FilterSpec.DEFAULT_SIGMA,
                body.has("scale") ? number(body, "scale") : FilterSpec.DEFAULT_SCALE);
        FilterJobs.check(spec);
        return spec;
    }

    private static List<JobMaker.PhotoRef> photos(JsonElement e) {
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw ApiException.badField("photos is required: a list of {\"blob\": hash, \"name\": file name} (upload each with "
                    + "POST /api/blobs)", "photos");
        }
        JsonArray list = e.getAsJsonArray();
        if (list.size() > JobMaker.MAX_PHOTOS) {
            throw ApiException.badField("at most " + JobMaker.MAX_PHOTOS + " photos a job, got " + list.size(), "photos");
        }
        List<JobMaker.PhotoRef> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "photos[" + i + "]";
            if (!list.get(i).isJsonObject()) {
                throw ApiException.badField(where + " must be {\"blob\": hash, \"name\": file name}", where);
            }
            JsonObject p = list.get(i).getAsJsonObject();
            String blob = p.has("blob") && p.get("blob").isJsonPrimitive() ? p.get("blob").getAsString() : null;
            if (!RedisKeys.isBlobHash(blob)) {
                throw ApiException.badField(where + ".blob must be the hash POST /api/blobs gave (64 hex digits)", where + ".blob");
            }
            String name = p.has("name") && p.get("name").isJsonPrimitive() ? p.get("name").getAsString() : "photo-" + i;
            if (name.isBlank() || name.length() > MAX_FILE_NAME || name.chars().anyMatch(ch -> ch < 32)) {
                throw ApiException.badField(where + ".name must be 1 to " + MAX_FILE_NAME + " printable characters", where + ".name");
            }
            out.add(new JobMaker.PhotoRef(name, blob));
        }
        return out;
    }

    private static DetectParams settings(JsonObject body) {
        DetectParams d = DetectParams.defaults();
        DetectParams p = new DetectParams(
                body.has("scaleFactor") ? number(body, "scaleFactor") : d.scaleFactor(),
                body.has("minNeighbors") ? whole(body, "minNeighbors") : d.minNeighbors(),
                body.has("minSize") ? whole(body, "minSize") : d.minSize(),
                body.has("maxSize") ? whole(body, "maxSize") : d.maxSize());
        try {
            FaceJobs.check(p);
        } catch (JobException e) {
            throw ApiException.badField(e.getMessage(), e.field());
        }
        return p;
    }

    private static double number(JsonObject body, String name) {
        JsonElement e = body.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ApiException.badField(name + " must be a number", name);
        }
        return e.getAsDouble();
    }

    private static int whole(JsonObject body, String name) {
        double d = number(body, name);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw ApiException.badField(name + " must be a whole number, got " + body.get(name), name);
        }
        return (int) d;
    }

    private static String text(JsonObject body, String name) {
        JsonElement e = body.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw ApiException.badField(name + " must be text", name);
        }
        return e.getAsString();
    }

    /** {@code GET /api/jobs?limit=}: the newest jobs with their progress. */
    Object list(Request r) throws Exception {
        int limit = (int) Request.wholeNumber(r.query(), "limit", 20, 1, 200);
        return Map.of("jobs", view.recent(limit));
    }

    /**
     * {@code POST /api/jobs/{id}/cancel}: cancels every strip of the job not yet finished (its
     * photos then end with what was done, the rest FAILED as cancelled); 409 when all were.
     */
    Object cancel(Request r) throws Exception {
        JobView.View v = job(r);
        Cancels.Outcome o = cancels.request(r, store.taskIds(v.id()));
        if (o.cancelling().isEmpty()) {
            throw new ApiException(409, "job " + v.id() + " has no unfinished task to cancel", Map.of("finished", o.finished().size()));
        }
        audit.record(r, "job_cancelled", v.id(), o.cancelling().size() + " tasks");
        return Response.json(202, Map.of("id", v.id(), "cancelling", o.cancelling().size()));
    }

    /**
     * {@code GET /api/jobs/{id}}: progress, and each photo with its tiles and faces; a failed
     * photo's {@code error} also as a code ({@code errorCode}) for a page to write in its reader's
     * language.
     */
    Object one(Request r) throws Exception {
        JobView.View v = job(r);
        JsonObject out = Json.API.toJsonTree(v).getAsJsonObject();
        JsonArray photos = out.getAsJsonArray("photos");
        for (int i = 0; i < photos.size(); i++) {
            photos.get(i).getAsJsonObject().add("errorCode", TaskPhrases.photoError(v.photos().get(i).error()));
        }
        return out;
    }

    private JobView.View job(Request r) throws Exception {
        return job(view, r);
    }

    /** The job named in the request's path, as {@code view} reads it; 404 when there is none. */
    static JobView.View job(JobView view, Request r) throws Exception {
        String id = r.path("id");
        if (!JOB_ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid job id \"" + id + "\"");
        }
        JobView.View v = view.read(id);
        if (v == null) {
            throw ApiException.notFound("no job \"" + id + "\"");
        }
        return v;
    }
}
