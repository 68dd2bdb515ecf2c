package colmena.bench;

import colmena.broker.Blobs;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.jobs.FaceJobs;
import colmena.jobs.JobMaker;
import colmena.jobs.JobStore;
import colmena.jobs.JobView;
import colmena.vision.DetectParams;
import colmena.vision.FaceDetector;
import colmena.vision.GrayImage;
import colmena.vision.HaarCascade;
import colmena.vision.ImageGuard;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench faces}: a fixed set of photos (the public-domain NASA astronaut portrait and
 * composites of it up to 12 megapixels, as JPEG) through the whole face pipeline on one agent and
 * on two (each pinned to a core of its own, one worker each), beside the same detector run
 * single-threaded in this process: photos/s, megapixels/s and the speed-up from the second node.
 */
final class BenchFaces {
    static final List<Option> OPTIONS = List.of(
            Option.value("rounds", null, "3", "N", "timed runs of each set-up; the best is reported"));

    /** A photo of the set: its name, JPEG bytes and size. */
    private record Photo(String name, byte[] jpeg, int width, int height) {
        double megapixels() {
            return (double) width * height / 1e6;
        }
    }

    private BenchFaces() {
    }

    static int run(Flags flags) throws Exception {
        int rounds = flags.integer("rounds", 1, 20);
        BufferedImage seed;
        try (InputStream in = BenchFaces.class.getResourceAsStream("/colmena/bench/astronaut.jpg")) {
            seed = ImageIO.read(in);
        }
        List<Photo> set = List.of(photo("astronaut 512×512", seed), photo("class 2 MP", composite(seed, 1600, 1250)),
                photo("class 6 MP", composite(seed, 3000, 2000)), photo("class 12 MP", composite(seed, 4000, 3000)));
        Photo big = set.get(3);
        double mp = set.stream().mapToDouble(Photo::megapixels).sum();
        System.out.printf(Locale.ROOT, "Faces: %d photos, %.1f megapixels (JPEG), OpenCV's frontal-face cascade, "
                + "scaleFactor 1.1, minNeighbors 3; best of %d runs%n", set.size(), mp, rounds);
        System.out.println("Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + ", Java " + System.getProperty("java.version"));

        double local = best(rounds, () -> inProcess(set));
        double localBig = best(rounds, () -> inProcess(List.of(big)));
        System.out.printf(Locale.ROOT, "  in this process, one thread (decode + detect): %.2f s, %.2f photos/s, %.2f MP/s; "
                + "12 MP alone %.2f s%n", local, set.size() / local, mp / local, localBig);

        double[] one = pipeline(1, set, big, rounds);
        double[] two = pipeline(2, set, big, rounds);
        System.out.printf(Locale.ROOT, "  Colmena, 1 agent:  %.2f s, %.2f photos/s, %.2f MP/s; 12 MP alone %.2f s%n",
                one[0], set.size() / one[0], mp / one[0], one[1]);
        System.out.printf(Locale.ROOT, "  Colmena, 2 agents: %.2f s, %.2f photos/s, %.2f MP/s; 12 MP alone %.2f s%n",
                two[0], set.size() / two[0], mp / two[0], two[1]);
        double speedUp = one[1] / two[1];
        double overhead1 = one[0] / local;
        double overhead2 = two[0] / (local / 2);
        System.out.printf(Locale.ROOT, "  speed-up from the second node on the 12 MP photo: %.2f×; whole set: %.2f×%n",
                speedUp, one[0] / two[0]);
        System.out.printf(Locale.ROOT, "  the pipeline (upload, split, place, detect, merge, store) against the detector "
                + "alone on as many cores: %.2f× on 1 agent, %.2f× on 2%n", overhead1, overhead2);
        boolean met = speedUp >= 1.7 && overhead1 <= 1.25 && overhead2 <= 1.25;
        System.out.printf(Locale.ROOT, "Targets: speed-up ≥ 1.7× on 12 MP (%.2f×), pipeline within 1.25× of the "
                + "detector alone (%.2f×, %.2f×): %s%n", speedUp, overhead1, overhead2, met ? "met" : "NOT met");
        return 0;
    }

    private interface Timed {
        double seconds() throws Exception;
    }

    private static double best(int rounds, Timed run) throws Exception {
        run.seconds(); // warm-up: the JIT compiles the detector
        double best = Double.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            best = Math.min(best, run.seconds());
        }
        return best;
    }

    private static double inProcess(List<Photo> photos) {
        long t0 = System.nanoTime();
        HaarCascade cascade = HaarCascade.frontalFace();
        for (Photo p : photos) {
            FaceDetector.detect(cascade, GrayImage.of(ImageGuard.decode(p.jpeg())), DetectParams.defaults());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** {whole set, 12 MP photo alone}, seconds from the first upload to the last photo's faces. */
    private static double[] pipeline(int agents, List<Photo> set, Photo big, int rounds) throws Exception {
        try (Lab lab = Lab.start("faces")) {
            List<Process> processes = new ArrayList<>();
            try {
                processes.add(Launcher.start(lab.log("coordinator"), StartAllJvm.coordinator(),
                        "coordinator", "--redis", lab.redisUrl(), "--db", lab.dbUrl));
                for (int i = 1; i <= agents; i++) {
                    processes.add(Launcher.startPinned(lab.log("nodo" + i), Integer.toString(i - 1),
                            StartAllJvm.agent(), "agent", "--id", "nodo" + i, "--redis",
                            lab.redisUrl(), "--workers", "1"));
                }
                awaitUp(lab, agents);
                Blobs blobs = new Blobs(lab.redis);
                JobStore store = new JobStore(lab.db);
                FaceJobs jobs = new FaceJobs(blobs, new TaskQueue(lab.redis), store);
                JobView view = new JobView(store, blobs);
                double whole = best(rounds, () -> job(jobs, view, blobs, set));
                double alone = best(rounds, () -> job(jobs, view, blobs, List.of(big)));
                return new double[]{whole, alone};
            } finally {
                for (Process p : processes) {
                    Launcher.stop(p, 20);
                }
            }
        }
    }

    private static void awaitUp(Lab lab, int agents) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (lab.redis.call(j -> j.scard(RedisKeys.nodes())) < agents || !lab.redis.call(j -> j.exists(RedisKeys.leader()))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the coordinator and agents did not come up within 60 s; see " + lab.dir);
            }
            Thread.sleep(100);
        }
        Thread.sleep(1_500);
    }

    private static double job(FaceJobs jobs, JobView view, Blobs blobs, List<Photo> photos) throws Exception {
        long t0 = System.nanoTime();
        List<JobMaker.PhotoRef> refs = new ArrayList<>();
        for (Photo p : photos) {
            refs.add(new JobMaker.PhotoRef(p.name(), blobs.put(p.jpeg())));
        }
        String id = jobs.create(refs, DetectParams.defaults(), "default", "bench");
        while (true) {
            JobView.View v = view.read(id);
            if (!v.status().equals("running")) {
                if (!v.status().equals("done")) {
                    throw new IllegalStateException("job " + id + " ended " + v.status());
                }
                return (System.nanoTime() - t0) / 1e9;
            }
            Thread.sleep(20);
        }
    }

    private static Photo photo(String name, BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return new Photo(name, out.toByteArray(), image.getWidth(), image.getHeight());
    }

    /** Copies of the portrait at full, 3/4 and half size on a grey background of {@code w × h}. */
    static BufferedImage composite(BufferedImage seed, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(new Color(120, 130, 140));
        g.fillRect(0, 0, w, h);
        int[] sizes = {seed.getWidth(), seed.getWidth() * 3 / 4, seed.getWidth() / 2};
        int k = 0;
        for (int y = 10; y < h; y += seed.getHeight() + 20) {
            for (int x = 10; x < w; x += seed.getWidth() + 20) {
                int s = sizes[k++ % sizes.length];
                if (x + s <= w && y + s <= h) {
                    g.drawImage(seed, x, y, s, s, null);
                }
            }
        }
        g.dispose();
        return out;
    }
}
