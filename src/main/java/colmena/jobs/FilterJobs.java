package colmena.jobs;

import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.TaskQueue;
import colmena.filters.FilterSpec;
import colmena.filters.ImageFilter;
import colmena.filters.Pixels;
import colmena.filters.StripPlan;
import colmena.task.BlobSource;
import colmena.task.types.ImageFilterTask;
import colmena.vision.InvalidImageException;

import java.awt.image.BufferedImage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes filter jobs ({@link JobMaker} does the rest): each photo is cut into full-width strips of
 * its output ({@link StripPlan}); each strip's source rows, halo included, become a PNG blob and
 * an {@code image-filter} task. A photo's output is its strips' outputs stacked ({@link #merge}),
 * the same pixels as the filter run on the whole photo. The job's kind is the filter's name.
 */
public final class FilterJobs {
    private final Blobs blobs;
    private final JobMaker maker;
    private final long stripPixels;

    public FilterJobs(Blobs blobs, TaskQueue queue, JobStore store) {
        this(blobs, queue, store, StripPlan.DEFAULT_STRIP_PIXELS);
    }

    /** @param stripPixels about how many output pixels each strip makes */
    public FilterJobs(Blobs blobs, TaskQueue queue, JobStore store, long stripPixels) {
        this.blobs = blobs;
        this.maker = new JobMaker(blobs, queue, store);
        this.stripPixels = stripPixels;
    }

    /** Whether {@code kind} is a filter job's kind. */
    public static boolean isFilter(String kind) {
        return FilterSpec.NAMES.contains(kind);
    }

    /**
     * Makes a job and queues its tasks.
     *
     * @return the job's id
     * @throws JobException when the filter or its parameters are not valid, or there are no photos
     */
    public String create(List<JobMaker.PhotoRef> photos, FilterSpec spec, String createdBy)
            throws JobException, SQLException {
        check(spec);
        ImageFilter filter = spec.filter();
        return maker.create(spec.name(), params(spec), photos, (pieces, image) -> cut(pieces, image, spec, filter),
                createdBy);
    }

    /**
     * @throws JobException naming the bad field: {@code filter}, {@code sigma} or {@code scale}
     */
    public static void check(FilterSpec spec) throws JobException {
        try {
            spec.check();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new JobException(m.substring(0, Math.max(0, m.indexOf(' '))), m);
        }
    }

    /** The filter and its parameters, as the job keeps them. */
    private static Map<String, Object> params(FilterSpec spec) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("filter", spec.name());
        params.putAll(spec.parameters());
        return params;
    }

    private void cut(JobMaker.Pieces pieces, BufferedImage image, FilterSpec spec, ImageFilter filter) {
        int w = image.getWidth(), h = image.getHeight();
        List<StripPlan.Strip> strips;
        int outWidth;
        try {
            outWidth = filter.outputSize(w, h)[0];
            strips = StripPlan.of(filter, w, h, stripPixels);
        } catch (IllegalArgumentException e) {
            throw new InvalidImageException(e.getMessage());
        }
        Pixels pixels = Pixels.of(image);
        for (StripPlan.Strip s : strips) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("blob", blobs.put(pixels.rows(s.srcY0(), s.srcY1()).toPng(), JobMaker.STRIP_TTL));
            p.put("filter", spec.name());
            p.put("y", s.srcY0());
            p.put("outY0", s.outY0());
            p.put("outY1", s.outY1());
            p.put("photoW", w);
            p.put("photoH", h);
            p.put("sigmaMilli", spec.sigmaMilli());
            p.put("scaleMilli", spec.scaleMilli());
            pieces.add(ImageFilterTask.NAME, p, 0, s.outY0(), outWidth, s.outY1() - s.outY0());
        }
    }

    /**
     * A photo's output: its strips' output PNGs stacked top to bottom and stored as one PNG blob.
     *
     * @return the output blob's hash (JobPhotos.Result of a filter job)
     * @throws BlobSource.BlobMissingException when a strip's output expired from Redis before the merge
     */
    static String merge(Blobs blobs, List<JobStore.TileState> tiles) throws BlobSource.BlobMissingException {
        List<Pixels> strips = new ArrayList<>();
        for (JobStore.TileState t : tiles) {
            String hash = Json.GSON.fromJson(t.result(), Map.class).get("blob").toString();
            Pixels strip = Pixels.decode(blobs.get(hash));
            if (strip.height() != t.tile().h() || strip.width() != t.tile().w()) {
                throw new IllegalStateException("strip at row " + t.tile().y() + " came back " + strip.width() + "×"
                        + strip.height() + "; expected " + t.tile().w() + "×" + t.tile().h());
            }
            strips.add(strip);
        }
        return blobs.put(Pixels.stack(strips).toPng());
    }
}
