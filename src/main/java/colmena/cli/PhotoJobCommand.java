package colmena.cli;

import colmena.broker.Blobs;
import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import colmena.jobs.FaceJobs;
import colmena.jobs.JobMaker;
import colmena.jobs.JobView;
import colmena.log.Durations;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What {@code colmena faces} and {@code colmena filter} share: photos (files, or folders of them)
 * uploaded, one job made of them on the running Colmena, followed with a progress bar until every
 * photo is done or failed, then reported. Exit codes: 0 when every photo is done, 1 when any
 * failed, 2 for a bad command line, 3 when {@code --timeout} passed first.
 */
final class PhotoJobCommand {
    static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");
    private static final List<Option> STORES = List.of(
            Settings.REDIS, Settings.NAMESPACE, Settings.DB, Settings.DB_USER, Settings.DB_PASSWORD, Settings.DATA_DIR,
            Settings.WAIT_FOR_REDIS);
    private static final List<Option> WAITING = List.of(
            Option.value("timeout", null, "30m", "DURATION", "give up waiting after this long (exit 3)"),
            Option.value("api", "COLMENA_API_URL", null, "URL",
                    "go through the API (e.g. http://teachers-pc:8000) instead of straight to Redis and the database"),
            Option.value("token", "COLMENA_API_TOKEN", null, "TOKEN", "with --api: an API token made on the dashboard"));

    /** A command's options: where the system is, the command's {@code own}, then how to reach it and how long to wait. */
    static List<Option> options(List<Option> own) {
        return Stream.of(STORES, own, WAITING).flatMap(List::stream).toList();
    }

    /** One command's part: which job to make of the uploaded photos, and how to report it. */
    interface PhotoJob {
        /** The photos and folders of photos to upload, as given. */
        List<String> photoArgs();

        /** Makes the job; its id. */
        String create(JobClient client, List<JobMaker.PhotoRef> photos) throws Exception;

        /** Reports the finished job; the exit code. */
        int report(JobClient client, JobView.View done, List<Path> files) throws Exception;
    }

    /** Reads a command's own flags and arguments (checked before any upload) into its job. */
    interface Setup {
        PhotoJob prepare(Flags flags, List<String> positional);
    }

    private PhotoJobCommand() {
    }

    static int run(String usage, String summary, List<Option> options, String[] args, Setup setup) throws Exception {
        List<String> positional = new ArrayList<>();
        List<String> flagArgs = new ArrayList<>();
        split(args, options, positional, flagArgs);
        Flags flags = Startup.flags(usage, summary, options, flagArgs.toArray(String[]::new));
        if (flags == null) {
            return 0;
        }
        PhotoJob job = setup.prepare(flags, positional);
        List<Path> photos = photos(job.photoArgs());
        Duration timeout = flags.duration("timeout", Duration.ofSeconds(1), Duration.ofDays(7));
        try (JobClient client = client(flags)) {
            List<JobMaker.PhotoRef> refs = new ArrayList<>();
            for (Path p : photos) {
                refs.add(new JobMaker.PhotoRef(p.toString(), client.upload(read(p), "photo", p.toString())));
            }
            String jobId = job.create(client, refs);
            System.err.println("Job " + jobId + ": " + photos.size() + (photos.size() == 1 ? " photo" : " photos"));
            JobView.View done = await(client, jobId, timeout);
            if (done == null) {
                System.err.println("Gave up after " + Durations.format(timeout) + "; the job goes on (see the dashboard)");
                return 3;
            }
            return job.report(client, done, photos);
        }
    }

    /** Positional arguments are those that are neither a flag nor a flag's value. */
    private static void split(String[] args, List<Option> options, List<String> positional, List<String> flagArgs) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            flagArgs.add(a);
            String name = a.substring(2);
            boolean takesValue = !name.contains("=") && options.stream()
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
                    List<Path> found = walk.filter(Files::isRegularFile).filter(PhotoJobCommand::isPhotoName).sorted()
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

    /** {@code minNeighbors} → {@code min-neighbors}. */
    static String flagName(String field) {
        return field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    /** The folder {@code --out} names, made if missing; null without {@code --out}. */
    static Path outDir(Flags flags) throws IOException {
        Path out = flags.string("out") == null ? null : Path.of(flags.string("out"));
        if (out != null) {
            Files.createDirectories(out);
        }
        return out;
    }

    static byte[] read(Path p) {
        try {
            long size = Files.size(p);
            if (size > Blobs.MAX_BYTES) {
                throw new UsageException(p + ": " + size + " bytes; the limit is " + Blobs.MAX_BYTES);
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
        String db = Startup.dbUrl(flags);
        Redis redis = Startup.redis(flags.string("redis"), 4, Startup.startWait(flags));
        try {
            return new JobClient.Direct(redis, Startup.database(db, flags.string("db-user"), flags.string("db-password"),
                    Startup.startWait(flags)));
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

    /** The summary line after the photos: how many were done, and failed. */
    static String photosLine(JobView.View v) {
        return v.photosDone() + " of " + v.photos().size() + " photos"
                + (v.photosFailed() > 0 ? "; " + v.photosFailed() + " failed" : "");
    }

    /**
     * How far the job has got, on stderr: on a terminal one line redrawn in place with a bar; otherwise
     * a plain line when it changed, at most every {@link #PLAIN_EVERY_MS} (and the last one always).
     */
    static final class Progress {
        static final long PLAIN_EVERY_MS = 1_000;
        private static final int WIDTH = 30;
        private final boolean terminal;
        private final PrintStream out;
        private String last = "";
        private long plainAtNanos;
        /**
         * The highest percentage shown: a strip whose node has finished it but whose result is not
         * stored yet reports nothing for a moment, and the figure is never taken back for that.
         */
        private int percent;

        Progress(boolean terminal, PrintStream out) {
            this.terminal = terminal;
            this.out = out;
        }

        void show(JobView.View v) {
            percent = Math.max(percent, v.tasks().percent());
            String line = line(v, percent);
            if (line.equals(last)) {
                return;
            }
            if (terminal) {
                String bar = "[" + "#".repeat(percent * WIDTH / 100) + ".".repeat(WIDTH - percent * WIDTH / 100) + "] ";
                String shown = bar + line;
                int previous = last.isEmpty() ? 0 : bar.length() + last.length();
                out.print("\r" + shown + " ".repeat(Math.max(0, previous - shown.length())));
            } else {
                boolean over = !v.status().equals("running");
                if (!over && System.nanoTime() - plainAtNanos < PLAIN_EVERY_MS * 1_000_000L) {
                    return;
                }
                plainAtNanos = System.nanoTime();
                out.println(line);
            }
            out.flush();
            last = line;
        }

        /** {@code 45 %, 9 of 21 strips, 0 of 1 photos, 3 faces}. */
        static String line(JobView.View v, int percent) {
            JobView.Progress t = v.tasks();
            int finished = t.done() + t.failed() + t.cancelled();
            return percent + " %, " + finished + " of " + t.total() + " strips, "
                    + (v.photosDone() + v.photosFailed()) + " of " + v.photos().size() + " photos"
                    + (FaceJobs.KIND.equals(v.kind()) ? ", " + v.faces() + " faces" : "");
        }

        void end() {
            if (terminal && !last.isEmpty()) {
                out.println();
            }
        }
    }
}
