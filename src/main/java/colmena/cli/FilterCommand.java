package colmena.cli;

import colmena.broker.Json;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.UsageException;
import colmena.filters.FilterSpec;
import colmena.filters.GaussianBlur;
import colmena.filters.Resize;
import colmena.jobs.FilterJobs;
import colmena.jobs.JobException;
import colmena.jobs.JobMaker;
import colmena.jobs.JobView;
import colmena.log.Glyphs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code colmena filter NAME PATH... --out DIR}: photos run through a filter (grey, blur, sobel,
 * resize) by the running Colmena, each photo cut into strips spread over the nodes; writes each
 * filtered photo to {@code DIR} as a PNG named after the original, and prints a line per photo
 * (or one JSON line with {@code --json}). The rest ({@link PhotoJobCommand}) is shared with
 * {@code colmena faces}.
 */
final class FilterCommand {
    static final List<Option> OPTIONS = PhotoJobCommand.options(List.of(
            Option.value("out", null, null, "DIR", "write each filtered photo here, as a PNG named after the photo (required)"),
            Option.flag("json", null, "one JSON line per photo: file, width, height, output, nodes, ms"),
            Option.value("sigma", null, String.valueOf(FilterSpec.DEFAULT_SIGMA), "S",
                    "blur: the Gaussian's sigma in pixels (" + GaussianBlur.MIN_SIGMA + " to " + GaussianBlur.MAX_SIGMA + ")"),
            Option.value("scale", null, String.valueOf(FilterSpec.DEFAULT_SCALE), "X",
                    "resize: the scale (" + Resize.MIN_SCALE + " to " + Resize.MAX_SCALE + ")")));
    static final String SUMMARY = """
            Runs photos (jpg, png, bmp, gif; folders are searched for them) through a filter, the work spread \
            over the nodes: each photo is cut into strips, each strip a task, and the strips' outputs are put \
            back together into exactly the photo filtered whole. NAME is grey, blur (--sigma), sobel (edges) \
            or resize (--scale). Exit code 0 when every photo is done, 1 when any failed, 2 for a usage error, 3 on --timeout, 4 when Redis, the database or the API cannot be reached.

            Examples:
              filter blur class-photos/ --out blurred/ --sigma 3
              filter resize team.jpg --out small/ --scale 0.5
              filter sobel --api http://teachers-pc:8000 --token colmena_... photos/ --out edges/""";

    private FilterCommand() {
    }

    static int run(String[] args) throws Exception {
        return PhotoJobCommand.run("filter NAME [PATH...]", SUMMARY, OPTIONS, args, FilterCommand::prepare);
    }

    private static PhotoJobCommand.PhotoJob prepare(Flags flags, List<String> positional) {
        if (positional.isEmpty()) {
            throw new UsageException("give a filter (" + String.join(", ", FilterSpec.NAMES) + ") and one or more photos");
        }
        FilterSpec spec = spec(positional.get(0), flags);
        if (flags.string("out") == null) {
            throw new UsageException("--out DIR is required: the folder the filtered photos are written to");
        }
        Path out;
        try {
            out = PhotoJobCommand.outDir(flags);
        } catch (IOException e) {
            throw new UsageException("--out: cannot make the folder (" + e.getMessage() + ")");
        }
        boolean json = flags.bool("json");
        return new PhotoJobCommand.PhotoJob() {
            @Override
            public List<String> photoArgs() {
                return positional.subList(1, positional.size());
            }

            @Override
            public String create(JobClient client, List<JobMaker.PhotoRef> photos) throws Exception {
                return client.createFilter(photos, spec);
            }

            @Override
            public int report(JobClient client, JobView.View done, List<Path> files) throws Exception {
                return FilterCommand.report(client, done, files, out, json);
            }
        };
    }

    private static FilterSpec spec(String name, Flags flags) {
        if (!FilterJobs.isFilter(name)) {
            throw new UsageException("unknown filter \"" + name + "\"; filters: " + String.join(", ", FilterSpec.NAMES));
        }
        FilterSpec spec = new FilterSpec(name, flags.decimal("sigma", GaussianBlur.MIN_SIGMA, GaussianBlur.MAX_SIGMA),
                flags.decimal("scale", Resize.MIN_SCALE, Resize.MAX_SCALE));
        try {
            FilterJobs.check(spec);
        } catch (JobException e) {
            throw new UsageException("--" + e.field() + ": " + e.getMessage());
        }
        return spec;
    }

    private static int report(JobClient client, JobView.View v, List<Path> files, Path out, boolean json)
            throws Exception {
        boolean failed = false;
        for (JobView.PhotoView p : v.photos()) {
            Path written = null;
            if (p.status().equals("done")) {
                written = write(client.output(v.id(), p.no()), files.get(p.no()), out);
            }
            failed |= written == null;
            System.out.println(json ? jsonLine(p, written) : line(p, written));
        }
        if (!json) {
            System.out.println(v.kind() + ": " + PhotoJobCommand.photosLine(v));
        }
        return failed ? 1 : 0;
    }

    /** Writes {@code out/<name>.png}, never over the photo itself; the path, or null when it could not. */
    private static Path write(byte[] png, Path file, Path outDir) {
        String name = file.getFileName().toString().replaceAll("\\.[^.]+$", "") + ".png";
        Path target = outDir.resolve(name);
        try {
            if (Files.exists(target) && Files.isSameFile(target, file)) {
                System.err.println(file + ": not written, --out would overwrite the photo itself; choose another folder");
                return null;
            }
            Files.write(target, png);
            return target;
        } catch (IOException e) {
            System.err.println(file + ": could not write the filtered photo (" + e.getMessage() + ")");
            return null;
        }
    }

    private static String jsonLine(JobView.PhotoView p, Path written) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", p.file());
        m.put("width", p.width());
        m.put("height", p.height());
        m.put("output", written == null ? null : written.toString());
        m.put("nodes", p.nodes());
        m.put("ms", p.ms());
        if (p.error() != null) {
            m.put("error", p.error());
        }
        return Json.write(m);
    }

    private static String line(JobView.PhotoView p, Path written) {
        if (written == null) {
            return Glyphs.cross() + " " + p.file() + ": " + (p.error() == null ? "not written" : p.error());
        }
        return Glyphs.check() + " " + p.file() + " (" + p.width() + "x" + p.height() + ") " + Glyphs.arrow() + " " + written
                + " - " + p.tiles().size()
                + (p.tiles().size() == 1 ? " strip" : " strips") + " on " + String.join(", ", p.nodes())
                + (p.ms() == null ? "" : " in " + p.ms() + " ms");
    }
}
