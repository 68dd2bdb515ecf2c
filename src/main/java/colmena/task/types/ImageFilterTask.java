package colmena.task.types;

import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.filters.FilterSpec;
import colmena.filters.ImageFilter;
import colmena.filters.Pixels;
import colmena.filters.Resize;
import colmena.filters.GaussianBlur;
import colmena.task.BlobSource;
import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One strip of a photo through a filter: the strip's source rows (its own and its halo) come
 * from a blob as a PNG, and its output rows go back as a PNG blob; the result is
 * {@code {"blob": hash, "bytes": n, "width": w, "height": h}}. Borders are those of the whole
 * photo, so the strips stacked are the photo filtered in one piece. Made by filter jobs.
 */
public final class ImageFilterTask implements TaskType {
    public static final String NAME = "image-filter";
    private static final long SIDE = 100_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "filter one strip of a photo (made by filter jobs: colmena filter, POST /api/jobs)";
    }

    @Override
    public boolean madeByJobs() {
        return true;
    }

    @Override
    public List<Param> params() {
        return List.of(
                Param.text("blob", RedisKeys.BLOB_HASH_REGEX, "the strip's source rows, a PNG (a blob's SHA-256)"),
                Param.text("filter", String.join("|", FilterSpec.NAMES), "the filter"),
                new Param("y", 0, SIDE, 0, "the photo row the strip's first row is"),
                new Param("outY0", 0, SIDE, 0, "first output row to make"),
                new Param("outY1", 1, SIDE, 1, "output row past the last to make"),
                new Param("photoW", 1, SIDE, 1, "the whole photo's width"),
                new Param("photoH", 1, SIDE, 1, "the whole photo's height"),
                new Param("sigmaMilli", Math.round(GaussianBlur.MIN_SIGMA * 1000), Math.round(GaussianBlur.MAX_SIGMA * 1000),
                        Math.round(FilterSpec.DEFAULT_SIGMA * 1000), "blur: the Gaussian's sigma, in thousandths"),
                new Param("scaleMilli", Math.round(Resize.MIN_SCALE * 1000), Math.round(Resize.MAX_SCALE * 1000),
                        Math.round(FilterSpec.DEFAULT_SCALE * 1000), "resize: the scale, in thousandths"));
    }

    @Override
    public String run(TaskParams p, TaskContext context) throws Exception {
        ImageFilter filter = FilterSpec.fromMilli(p.text("filter"), p.get("sigmaMilli"), p.get("scaleMilli")).filter();
        Pixels strip = Pixels.decode(context.blobs().get(p.text("blob")));
        context.checkpoint();
        Pixels out = filter.apply(strip, (int) p.get("y"), (int) p.get("outY0"), (int) p.get("outY1"),
                (int) p.get("photoW"), (int) p.get("photoH"));
        context.checkpoint();
        byte[] png = out.toPng();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("blob", context.blobs().put(png, BlobSource.STRIP_TTL));
        result.put("bytes", png.length);
        result.put("width", out.width());
        result.put("height", out.height());
        return Json.write(result);
    }
}
