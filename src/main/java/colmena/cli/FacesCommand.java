package colmena.cli;

import colmena.broker.Json;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.image.Annotate;
import colmena.image.Cascades;
import colmena.jobs.FaceJobs;
import colmena.jobs.JobMaker;
import colmena.jobs.JobException;
import colmena.jobs.JobView;
import colmena.store.Database;
import colmena.vision.DetectParams;
import colmena.vision.ImageGuard;
import colmena.vision.InvalidImageException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code colmena faces PATH...}: photos (files, or folders of them) searched for faces by the
 * running Colmena, each photo's tiles spread over the nodes; prints the faces of each photo, or
 * one JSON line per photo, and with {@code --out} writes a copy of each photo with its faces boxed.
 */
final class FacesCommand {
    static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");
    static final List<Option> OPTIONS = List.of(
            Settings.REDIS, Settings.DB, Settings.DB_USER, Settings.DB_PASSWORD, Settings.DATA_DIR,
            Option.value("out", null, null, "DIR", "write a copy of each photo with its faces boxed here"),
            Option.flag("json", null, "one JSON line per photo: file, width, height, faces, nodes, ms"),
            Option.value("scale-factor", null, "1.1", "X", "window growth from one scale to the next (1.01 to 2)"),
            Option.value("min-neighbors", null, "3", "N", "hits a face needs beyond the first (0 to 50)"),
            Option.value("min-size", null, "0", "PIXELS", "smallest face searched for (0: the cascade's window)"),
            Option.value("max-size", null, "0", "PIXELS", "largest face searched for (0: no limit)"),
            Option.value("cascade", null, null, "FILE", "another OpenCV Haar cascade (eyes, profile faces…)"),
            Option.value("timeout", null, "30m", "DURATION", "give up waiting after this long (exit 3)"),
            Option.value("api", "COLMENA_API_URL", null, "URL",
                    "go through the API (e.g. http://teachers-pc:8000) instead of straight to Redis and the database"),
            Option.value("token", "COLMENA_API_TOKEN", null, "TOKEN", "with --api: an API token made on the dashboard"));
    static final String SUMMARY = """
            Finds the faces in photos (jpg, png, bmp, gif; folders are searched for them), the work spread over \
            the nodes: large photos are cut into tiles, each tile a task. Prints each photo's faces as \
            [x, y, w, h] boxes; exit code 0 when every photo is done, 1 when any failed, 3 on --timeout.

            Examples:
              faces class-photos/ --out boxed/
              faces team.jpg --json
              faces --api http://teachers-pc:8000 --token colmena_... photos/""";

    private FacesCommand() {
    }

    static int run(String[] args) throws Exception {
        List<String> paths = new ArrayList<>();
        List<String> flagArgs = new ArrayList<>();
        split(args, paths, flagArgs);
        Flags flags = Startup.flags("faces [PATH...]", SUMMARY, OPTIONS, flagArgs.toArray(String[]::new));
        if (flags == null) {
            return 0;
        }
        List<Path> photos = photos(paths);
        DetectParams settings = settings(flags);
        Path out = flags.string("out") == null ? null : Path.of(flags.string("out"));
        if (out != null) {
            Files.createDirectories(out);
        }
        boolean json = flags.bool("json");
        Duration timeout = flags.duration("timeout", Duration.ofSeconds(1), Duration.ofDays(7));
        try (JobClient client = client(flags)) {
            String cascade = flags.string("cascade") == null ? Cascades.DEFAULT
                    : client.upload(read(Path.of(flags.string("cascade"))), "cascade", flags.string("cascade"));
            List<JobMaker.PhotoRef> refs = new ArrayList<>();
            for (Path p : photos) {
                refs.add(new JobMaker.PhotoRef(p.toString(), client.upload(read(p), "photo", p.toString())));
            }
            String jobId = client.create(refs, settings, cascade);
            System.err.println("Job " + jobId + ": " + photos.size() + (photos.size() == 1 ? " photo" : " photos"));
            JobView.View done = await(client, jobId, timeout);
            if (done == null) {
                System.err.println("Gave up after " + Flags.format(timeout) + "; the job goes on (see the dashboard)");
                return 3;
            }
            return report(done, photos, out, json);
        }
    }

    /** Paths are the arguments that are neither a flag nor a flag's value. */
    private static void split(String[] args, List<String> paths, List<String> flagArgs) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                paths.add(a);
                continue;
            }
            flagArgs.add(a);
            String name = a.substring(2);
            boolean takesValue = !name.contains("=") && OPTIONS.stream()
                    .anyMatch(o -> o.name().equals(name) && !o.isSwitch());
            if (takesValue && i + 1 < args.length) {
                flagArgs.add(args[++i]);
            }
        }
    }

    static List<Path> photos(List<String> paths) throws IOException {
        if (paths.isEmpty()) {
            throw new UsageException("give one or more photos or folders of photos (jpg, png, bmp, gif)");
        }
        List<Path> out = new ArrayList<>();
        for (String s : paths) {
            Path p = Path.of(s);
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    List<Path> found = walk.filter(Files::isRegularFile).filter(FacesCommand::isPhotoName).sorted()
                            .toList();
                    if (found.isEmpty()) {
                        throw new UsageException(s + ": no photos (jpg, png, bmp, gif) in this folder");
                    }
                    out.addAll(found);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new UsageException(s + ": no such file or folder");
            }
        }
        if (out.size() > JobMaker.MAX_PHOTOS) {
            throw new UsageException(out.size() + " photos; a job takes at most " + JobMaker.MAX_PHOTOS);
        }
        return out;
    }

    private static boolean isPhotoName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    private static DetectParams settings(Flags flags) {
        DetectParams p = new DetectParams(
                flags.decimal("scale-factor", DetectParams.MIN_SCALE_FACTOR, DetectParams.MAX_SCALE_FACTOR),
                flags.integer("min-neighbors", 0, DetectParams.MAX_MIN_NEIGHBORS),
                flags.integer("min-size", 0, DetectParams.MAX_SIZE), flags.integer("max-size", 0, DetectParams.MAX_SIZE));
        try {
            FaceJobs.check(p);
        } catch (JobException e) {
            throw new UsageException("--" + flagName(e.field()) + ": " + e.getMessage());
        }
        return p;
    }

    /** {@code minNeighbors} → {@code min-neighbors}. */
    private static String flagName(String field) {
        return field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    private static byte[] read(Path p) {
        try {
            long size = Files.size(p);
            if (size > colmena.broker.Blobs.MAX_BYTES) {
                throw new UsageException(p + ": " + size + " bytes; the limit is " + colmena.broker.Blobs.MAX_BYTES);
            }
            if (size == 0) {
                throw new UsageException(p + ": the file is empty");
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UsageException(p + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private static JobClient client(Flags flags) {
        if (flags.string("api") != null) {
            return new JobClient.Http(flags.string("api"), flags.string("token"));
        }
        String db = flags.string("db");
        if (db == null) {
            db = Database.defaultUrl(Path.of(flags.string("data-dir")));
        }
        colmena.broker.Redis redis = Startup.redis(flags.string("redis"), 4);
        try {
            return new JobClient.Direct(redis, Startup.database(db, flags.string("db-user"), flags.string("db-password")));
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /** Polls until every photo is done or failed; null on timeout. Shows a progress bar on a terminal. */
    private static JobView.View await(JobClient client, String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Progress bar = new Progress(System.console() != null, System.err);
        while (true) {
            JobView.View v = client.read(jobId);
            bar.show(v);
            if (!v.status().equals("running")) {
                bar.end();
                return v;
            }
            if (System.nanoTime() > deadline) {
                bar.end();
                return null;
            }
            Thread.sleep(250);
        }
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
            System.out.println(v.faces() + (v.faces() == 1 ? " face" : " faces") + " in " + v.photosDone() + " of "
                    + v.photos().size() + " photos" + (v.photosFailed() > 0 ? "; " + v.photosFailed() + " failed" : ""));
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
            System.out.println("✗ " + p.file() + ": " + p.error());
            return;
        }
        int n = p.faces().size();
        System.out.println("✓ " + p.file() + " (" + p.width() + "×" + p.height() + "): " + n + (n == 1 ? " face" : " faces")
                + " — " + p.tiles().size() + (p.tiles().size() == 1 ? " tile" : " tiles") + " on "
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

    /** A one-line progress bar on a terminal; nothing when the output is not one. */
    private static final class Progress {
        private final boolean on;
        private final PrintStream out;
        private String last = "";

        Progress(boolean on, PrintStream out) {
            this.on = on;
            this.out = out;
        }

        void show(JobView.View v) {
            if (!on) {
                return;
            }
            JobView.Progress t = v.tasks();
            int total = Math.max(1, t.total());
            int width = 30;
            int filled = (int) ((long) width * (t.done() + t.failed()) / total);
            String line = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + (t.done() + t.failed()) + "/"
                    + t.total() + " tiles, " + (v.photosDone() + v.photosFailed()) + "/" + v.photos().size()
                    + " photos, " + v.faces() + " faces";
            if (!line.equals(last)) {
                out.print("\r" + line);
                out.flush();
                last = line;
            }
        }

        void end() {
            if (on && !last.isEmpty()) {
                out.println();
            }
        }
    }
}
