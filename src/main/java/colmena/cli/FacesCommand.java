package colmena.cli;

import colmena.broker.Json;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.UsageException;
import colmena.image.Annotate;
import colmena.image.Cascades;
import colmena.jobs.FaceJobs;
import colmena.jobs.JobException;
import colmena.jobs.JobMaker;
import colmena.jobs.JobView;
import colmena.log.Glyphs;
import colmena.vision.DetectParams;
import colmena.vision.ImageGuard;
import colmena.vision.InvalidImageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code colmena faces PATH...}: photos (files, or folders of them) searched for faces by the
 * running Colmena, each photo's strips spread over the nodes; prints the faces of each photo, or
 * one JSON line per photo, and with {@code --out} writes a copy of each photo with its faces boxed.
 * The rest ({@link PhotoJobCommand}) is shared with {@code colmena filter}.
 */
final class FacesCommand {
    static final List<Option> OPTIONS = PhotoJobCommand.options(List.of(
            Option.value("out", null, null, "DIR", "write a copy of each photo with its faces boxed here"),
            Option.flag("json", null, "one JSON line per photo: file, width, height, faces, nodes, ms"),
            Option.value("scale-factor", null, "1.1", "X", "window growth from one scale to the next (1.01 to 2)"),
            Option.value("min-neighbors", null, "3", "N", "hits a face needs beyond the first (0 to 50)"),
            Option.value("min-size", null, "0", "PIXELS", "smallest face searched for (0: the cascade's window)"),
            Option.value("max-size", null, "0", "PIXELS", "largest face searched for (0: no limit)"),
            Option.value("cascade", null, null, "FILE", "another OpenCV Haar cascade (eyes, profile faces…)")));

    static final String SUMMARY = """
            Finds the faces in photos (jpg, png, bmp, gif; folders are searched for them), the work spread over \
            the nodes: large photos are cut into strips, each strip a task. Prints each photo's faces as \
            [x, y, w, h] boxes; exit code 0 when every photo is done, 1 when any failed, 2 for a usage error, 3 on --timeout, 4 when Redis, the database or the API cannot be reached.

            Examples:
              faces class-photos/ --out boxed/
              faces team.jpg --json
              faces --api http://teachers-pc:8000 --token colmena_... photos/""";

    private FacesCommand() {
    }

    static int run(String[] args) throws Exception {
        return PhotoJobCommand.run("faces [PATH...]", SUMMARY, OPTIONS, args, FacesCommand::prepare);
    }

    private static PhotoJobCommand.PhotoJob prepare(Flags flags, List<String> positional) {
        DetectParams settings = settings(flags);
        String cascadeFile = flags.string("cascade");
        boolean json = flags.bool("json");
        Path out;
        try {
            out = PhotoJobCommand.outDir(flags);
        } catch (IOException e) {
            throw new UsageException("--out: cannot make the folder (" + e.getMessage() + ")");
        }
        return new PhotoJobCommand.PhotoJob() {
            @Override
            public List<String> photoArgs() {
                return positional;
            }

            @Override
            public String create(JobClient client, List<JobMaker.PhotoRef> photos) throws Exception {
                String cascade = cascadeFile == null ? Cascades.DEFAULT
                        : client.upload(PhotoJobCommand.read(Path.of(cascadeFile)), "cascade", cascadeFile);
                return client.create(photos, settings, cascade);
            }

            @Override
            public int report(JobClient client, JobView.View done, List<Path> files) {
                return FacesCommand.report(done, files, out, json);
            }
        };
    }

    private static DetectParams settings(Flags flags) {
        DetectParams p = new DetectParams(
                flags.decimal("scale-factor", DetectParams.MIN_SCALE_FACTOR, DetectParams.MAX_SCALE_FACTOR),
                flags.integer("min-neighbors", 0, DetectParams.MAX_MIN_NEIGHBORS),
                flags.integer("min-size", 0, DetectParams.MAX_SIZE), flags.integer("max-size", 0, DetectParams.MAX_SIZE));
        try {
            FaceJobs.check(p);
        } catch (JobException e) {
            throw new UsageException("--" + PhotoJobCommand.flagName(e.field()) + ": " + e.getMessage());
        }
        return p;
    }

    private static int report(JobView.View v, List<Path> files, Path out, boolean json) {
        boolean failed = false;
        for (JobView.PhotoView p : v.photos()) {
            Path file = files.get(p.no());
            failed |= !p.status().equals("done");
            if (json) {
                System.out.println(jsonLine(p));
            } else {
                printPhoto(p);
            }
            if (out != null && p.status().equals("done")) {
                writeAnnotated(file, p, out);
            }
        }
        if (!json) {
            System.out.println(v.faces() + (v.faces() == 1 ? " face" : " faces") + " in "
                    + PhotoJobCommand.photosLine(v));
        }
        return failed ? 1 : 0;
    }

    private static String jsonLine(JobView.PhotoView p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", p.file());
        m.put("width", p.width());
        m.put("height", p.height());
        m.put("faces", p.faces() == null ? List.of() : p.faces());
        m.put("nodes", p.nodes());
        m.put("ms", p.ms());
        if (p.error() != null) {
            m.put("error", p.error());
        }
        return Json.write(m);
    }

    private static void printPhoto(JobView.PhotoView p) {
        if (!p.status().equals("done")) {
            System.out.println(Glyphs.cross() + " " + p.file() + ": " + p.error());
            return;
        }
        int n = p.faces().size();
        System.out.println(Glyphs.check() + " " + p.file() + " (" + p.width() + "x" + p.height() + "): " + n
                + (n == 1 ? " face" : " faces") + " - " + p.tiles().size() + (p.tiles().size() == 1 ? " strip" : " strips") + " on "
                + String.join(", ", p.nodes()) + (p.ms() == null ? "" : " in " + p.ms() + " ms"));
        for (int[] f : p.faces()) {
            System.out.println("    [" + f[0] + ", " + f[1] + ", " + f[2] + ", " + f[3] + "]");
        }
    }

    private static void writeAnnotated(Path file, JobView.PhotoView p, Path outDir) {
        Path target = outDir.resolve(file.getFileName().toString());
        try {
            if (Files.exists(target) && Files.isSameFile(target, file)) {
                System.err.println(file + ": not boxed, --out would overwrite the photo itself; choose another folder");
                return;
            }
            var image = ImageGuard.decode(Files.readAllBytes(file));
            Files.write(target, Annotate.encode(Annotate.draw(image, p.faces()), Annotate.formatFor(file.toString())));
        } catch (IOException | InvalidImageException e) {
            System.err.println(file + ": could not write the boxed copy (" + e.getMessage() + ")");
        }
    }
}
