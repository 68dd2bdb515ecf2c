package colmena.jobs;

import colmena.Cluster;
import colmena.api.ApiServer;
import colmena.bench.Launcher;
import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.support.Eventually;
import colmena.vision.Box;
import colmena.vision.DetectParams;
import colmena.vision.FaceDetector;
import colmena.vision.GrayImage;
import colmena.vision.HaarCascade;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code colmena faces} as a person runs it, and a face job surviving the death of a node. */
class FacesProcessTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theFacesCommandPrintsAJsonLinePerPhotoWritesBoxedCopiesAndFailsOnABrokenPhoto(@TempDir Path dir)
            throws Exception {
        byte[] astronaut = FacesJobTest.resource("astronaut.png");
        byte[] jpeg = FacesJobTest.resource("astronaut.jpg");
        Files.write(dir.resolve("astronaut.png"), astronaut);
        Files.write(dir.resolve("half.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.writeString(dir.resolve("notes.txt"), "not a photo, and not picked up from the folder");
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 1);
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            try {
                Path out = dir.resolve("boxed");
                Path log = dir.resolve("faces.log");
                Process p = Launcher.start(log, List.of("-Xmx256m"), "faces", dir.toString(), "--json", "--out",
                        out.toString(), "--api", "http://127.0.0.1:" + api.port());
                assertTrue(p.waitFor(150, TimeUnit.SECONDS), "faces finished");
                String text = Files.readString(log);
                assertEquals(1, p.exitValue(), "a photo failed: exit 1\n" + text);
                List<JsonObject> lines = new ArrayList<>();
                for (String line : text.split("\n")) {
                    if (line.startsWith("{")) {
                        lines.add(Json.GSON.fromJson(line, JsonObject.class));
                    }
                }
                assertEquals(2, lines.size(), text);
                JsonObject good = lines.get(0);
                assertTrue(good.get("file").getAsString().endsWith("astronaut.png"), good.toString());
                assertEquals(512, good.get("width").getAsInt());
                List<Box> whole = FaceDetector.detect(HaarCascade.frontalFace(),
                        GrayImage.of(ImageIO.read(new ByteArrayInputStream(astronaut))), DetectParams.defaults());
                assertEquals(whole.size(), good.getAsJsonArray("faces").size(), good.toString());
                assertEquals("nodo1", good.getAsJsonArray("nodes").get(0).getAsString());
                assertTrue(good.get("ms").getAsLong() >= 0);
                JsonObject bad = lines.get(1);
                assertTrue(bad.get("error").getAsString().contains("truncated or corrupt"), bad.toString());
                BufferedImage boxed = ImageIO.read(out.resolve("astronaut.png").toFile());
                assertEquals(512, boxed.getWidth(), "the boxed copy is written");
                assertTrue(Files.notExists(out.resolve("half.jpg")), "no boxed copy of a failed photo");
            } finally {
                api.stop();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theFacesCommandRefusesMissingPathsWithExitCode2AndAnUnreachableRedisWith4(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("faces.log");
        Process none = Launcher.start(log, List.of(), "faces", "--json");
        assertTrue(none.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, none.exitValue());
        Process missing = Launcher.start(log, List.of(), "faces", dir.resolve("nope.jpg").toString());
        assertTrue(missing.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, missing.exitValue());
        Path photo = dir.resolve("a.png");
        Files.write(photo, FacesJobTest.resource("astronaut.png"));
        Process noRedis = Launcher.start(log, List.of(), "faces", photo.toString(), "--redis",
                "redis://127.0.0.1:" + colmena.TestRedis.freePort(), "--wait-for-redis", "1s");
        assertTrue(noRedis.waitFor(30, TimeUnit.SECONDS));
        assertEquals(4, noRedis.exitValue(), "Redis out of reach: exit 4, as for submit");
        String text = Files.readString(log);
        assertTrue(text.contains("give one or more photos"), text);
        assertTrue(text.contains("nope.jpg: no such file or folder"), text);
        assertTrue(text.contains("cannot reach Redis"), text);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aJobCompletesWhenANodeIsKilledWhileRunningItsStrips() throws Exception {
        BufferedImage composite = FacesJobTest.composite(ImageIO.read(new ByteArrayInputStream(
                FacesJobTest.resource("astronaut.png"))), 6, 4);
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            Process p1 = cluster.startAgentProcess("nodo1", 1);
            Process p2 = cluster.startAgentProcess("nodo2", 1);
            try {
                Blobs blobs = new Blobs(cluster.redis);
                JobStore store = new JobStore(cluster.db);
                JobView view = new JobView(store, blobs);
                String blob = blobs.put(FacesJobTest.png(composite));
                String id = new FaceJobs(blobs, cluster.queue, store).create(
                        List.of(new JobMaker.PhotoRef("class.png", blob)), DetectParams.defaults(), "default", "test");
                String[] victim = new String[1];
                Eventually.within(Duration.ofSeconds(90), "a strip running on a node", () -> {
                    victim[0] = running(view, id);
                    return victim[0] != null;
                });
                Launcher.kill(victim[0].equals("nodo1") ? p1 : p2);
                Eventually.within(Duration.ofSeconds(180), "the job finished", () -> !status(view, id).equals("running"));
                JobView.View done = view.read(id);
                assertEquals("done", done.status(), cluster.state());
                List<Box> whole = FaceDetector.detect(HaarCascade.frontalFace(), GrayImage.of(composite),
                        DetectParams.defaults());
                assertEquals(whole.size(), done.photos().get(0).faces().size(), "every face found despite the kill");
                assertTrue(done.photos().get(0).tiles().stream().anyMatch(t -> !t.node().equals(victim[0])),
                        "the other node did strips");
            } finally {
                Launcher.kill(p1);
                Launcher.kill(p2);
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aJobsStripsSurviveRedisEmptiedBeforeAnyCoordinatorTookThem() throws Exception {
        BufferedImage composite = FacesJobTest.composite(ImageIO.read(new ByteArrayInputStream(
                FacesJobTest.resource("astronaut.png"))), 5, 4);
        try (Cluster cluster = new Cluster()) {
            Blobs blobs = new Blobs(cluster.redis);
            JobStore store = new JobStore(cluster.db);
            JobView view = new JobView(store, blobs);
            String photo = blobs.put(FacesJobTest.png(composite));
            String id = new FaceJobs(blobs, cluster.queue, store).create(
                    List.of(new JobMaker.PhotoRef("class.png", photo)), DetectParams.defaults(), "default", "test");
            // Redis loses its data before any coordinator took the strips. The blobs live in Redis
            // too: they are put back, as if uploaded again, so what is tested is that the strips'
            // tasks come back from TaskHistory.
            java.util.Map<String, byte[]> kept = new java.util.HashMap<>();
            for (String key : cluster.redis.call(j -> j.keys("blob:*"))) {
                kept.put(key, cluster.redis.call(j -> j.get(key.getBytes())));
            }
            cluster.redis.call(j -> j.flushAll());
            kept.forEach((key, bytes) -> cluster.redis.call(j -> j.set(key.getBytes(), bytes)));
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 1);
            Eventually.within(Duration.ofSeconds(150), "the job finished", () -> !status(view, id).equals("running"));
            JobView.View done = view.read(id);
            assertEquals("done", done.status(), cluster.state());
            List<Box> whole = FaceDetector.detect(HaarCascade.frontalFace(), GrayImage.of(composite),
                    DetectParams.defaults());
            assertEquals(whole.size(), done.photos().get(0).faces().size(), "every strip was given back and run");
        }
    }

    private static String running(JobView view, String id) {
        try {
            for (JobView.TileView t : view.read(id).photos().get(0).tiles()) {
                if (t.status().equals("RUNNING")) {
                    return t.node();
                }
            }
            return null;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String status(JobView view, String id) {
        try {
            return view.read(id).status();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
