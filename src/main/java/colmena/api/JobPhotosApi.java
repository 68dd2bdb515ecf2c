package colmena.api;

import colmena.broker.Blobs;
import colmena.image.Annotate;
import colmena.jobs.FaceJobs;
import colmena.jobs.FilterJobs;
import colmena.jobs.JobMaker;
import colmena.jobs.JobView;
import colmena.task.BlobSource;
import colmena.vision.ImageGuard;

import java.awt.image.BufferedImage;
import java.util.Map;

/** A job's photos: each as it was sent, with its faces boxed, or filtered. */
final class JobPhotosApi {
    private final Blobs blobs;
    private final JobView view;

    JobPhotosApi(Blobs blobs, JobView view) {
        this.blobs = blobs;
        this.view = view;
    }

    /** {@code GET /api/jobs/{id}/photos/{no}/original}: the photo as it was uploaded. */
    Object original(Request r) throws Exception {
        JobView.PhotoView p = photo(r);
        byte[] bytes = photoBytes(p);
        return new Response(200, contentType(ImageGuard.probe(bytes).format()), null, bytes, null, null);
    }

    /**
     * {@code GET /api/jobs/{id}/photos/{no}/annotated}: the photo with its faces boxed (409 until it
     * is done, and for a filter job).
     */
    Object annotated(Request r) throws Exception {
        JobView.View v = JobsApi.job(view, r);
        if (!FaceJobs.KIND.equals(v.kind())) {
            throw new ApiException(409, "job " + v.id() + " is a " + v.kind() + " filter job: it has no faces to box; "
                    + "its filtered photos are at .../output");
        }
        JobView.PhotoView p = photo(v, r);
        if (!p.status().equals("done")) {
            throw new ApiException(409, "photo " + p.no() + " is " + p.status() + (p.error() == null ? "" : ": " + p.error()));
        }
        BufferedImage image = ImageGuard.decode(photoBytes(p));
        String format = Annotate.formatFor(p.file());
        byte[] out = Annotate.encode(Annotate.draw(image, p.faces()), format);
        String name = p.file().replaceAll("[^A-Za-z0-9._-]", "_");
        return new Response(200, contentType(format), "inline; filename=\"faces-" + name + "\"", out, null, null);
    }

    /**
     * {@code GET /api/jobs/{id}/photos/{no}/output}: a filter job's output image, a PNG (409 until
     * it is made, and for a face job, which has none).
     */
    Object output(Request r) throws Exception {
        JobView.View v = JobsApi.job(view, r);
        JobView.PhotoView p = photo(v, r);
        if (!FilterJobs.isFilter(v.kind())) {
            throw new ApiException(409, "job " + v.id() + " is a " + v.kind() + " job: it has no output image; "
                    + "its photos with their faces boxed are at .../annotated");
        }
        String hash = view.outputHash(v.id(), p.no());
        if (hash == null) {
            throw new ApiException(409, "photo " + p.no() + " is " + p.status() + (p.error() == null ? "" : ": " + p.error()));
        }
        byte[] png;
        try {
            png = blobs.get(hash);
        } catch (BlobSource.BlobMissingException e) {
            throw new ApiException(410, "the output image is gone from Redis: " + e.getMessage());
        }
        String name = p.file().replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.[A-Za-z0-9]+$", "");
        return new Response(200, "image/png", "inline; filename=\"" + v.kind() + "-" + name + ".png\"", png, null,
                null);
    }

    private JobView.PhotoView photo(Request r) throws Exception {
        return photo(JobsApi.job(view, r), r);
    }

    private JobView.PhotoView photo(JobView.View v, Request r) {
        int no = (int) Request.wholeNumber(Map.of("no", r.path("no")), "no", 0, 0, JobMaker.MAX_PHOTOS);
        if (no >= v.photos().size()) {
            throw ApiException.notFound("job " + v.id() + " has " + v.photos().size() + " photos (0 to "
                    + (v.photos().size() - 1) + "), not " + no);
        }
        return v.photos().get(no);
    }

    private byte[] photoBytes(JobView.PhotoView p) {
        try {
            return blobs.get(p.blob());
        } catch (BlobSource.BlobMissingException e) {
            throw new ApiException(410, "the photo's bytes are gone from Redis: " + e.getMessage()
                    + "; its faces are still in the job");
        }
    }

    private static String contentType(String format) {
        return switch (format) {
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "bmp" -> "image/bmp";
            default -> "image/png";
        };
    }
}
