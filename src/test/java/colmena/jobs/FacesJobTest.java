package colmena.jobs;

import colmena.Cluster;
import colmena.api.ApiServer;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.support.Eventually;
import colmena.vision.Box;
import colmena.vision.DetectParams;
import colmena.vision.FaceDetector;
import colmena.vision.GrayImage;
import colmena.vision.HaarCascade;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Face jobs end to end: photos uploaded over real HTTP, cut into strips that are ordinary tasks
 * run by two agents on the real test Redis, stored in a real H2, merged into faces that must be
 * exactly those of the same detector run on the whole photo at once.
 */
public class FacesJobTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Cluster cluster;
    private static ApiServer api;
    private static String base;
    private static colmena.agent.Agent nodo1;
    private static colmena.agent.Agent nodo2;

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster();
        cluster.startCoordinator("least-loaded");
        nodo1 = cluster.startAgent("nodo1", 1);
        nodo2 = cluster.startAgent("nodo2", 1);
        api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
        api.start();
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        api.stop();
        cluster.close();
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aJobOfPhotosFindsTheFacesOfEachWholePhotoWithLargeOnesSplitOverBothNodes() throws Exception {
        byte[] astronaut = resource("astronaut.png");
        BufferedImage composite = composite(ImageIO.read(new ByteArrayInputStream(astronaut)), 5, 4);
        byte[] compositePng = png(composite);
        String a = upload(astronaut, "photo").get("hash").getAsString();
        String c = upload(compositePng, "photo").get("hash").getAsString();
        assertEquals(a, upload(astronaut, "photo").get("hash").getAsString(), "the same bytes are one blob");

        JsonObject made = post("/api/jobs", Map.of("photos", List.of(Map.of("blob", a, "name", "astronaut.png"),
                Map.of("blob", c, "name", "class.png"))), 202);
        JsonObject job = awaitJob(made.get("id").getAsString());

        assertEquals("done", job.get("status").getAsString(), job.toString());
        JsonArray photos = job.getAsJsonArray("photos");
        HaarCascade cascade = HaarCascade.frontalFace();
        List<Box> wholeAstronaut = FaceDetector.detect(cascade, GrayImage.of(ImageIO.read(new ByteArrayInputStream(astronaut))),
                DetectParams.defaults());
        List<Box> wholeComposite = FaceDetector.detect(cascade, GrayImage.of(composite), DetectParams.defaults());
        assertFalse(wholeAstronaut.isEmpty(), "the astronaut's face is found at all");
        assertEquals(sorted(quads(wholeAstronaut)), faces(photos.get(0)), "astronaut: the job's faces are the whole photo's");
        assertEquals(sorted(quads(wholeComposite)), faces(photos.get(1)), "composite: strips merged = whole photo at once");
        assertTrue(wholeComposite.size() >= 20, "the composite holds many faces: " + wholeComposite.size());

        JsonObject big = photos.get(1).getAsJsonObject();
        assertTrue(big.getAsJsonArray("tiles").size() >= 3, "a " + composite.getWidth() + "×" + composite.getHeight()
                + " photo is cut into strips: " + big.get("tiles"));
        Set<String> nodes = new HashSet<>();
        big.getAsJsonArray("nodes").forEach(n -> nodes.add(n.getAsString()));
        assertEquals(Set.of("nodo1", "nodo2"), nodes, "both nodes did strips of the large photo");
        assertEquals(job.getAsJsonObject("tasks").get("total").getAsInt(),
                job.getAsJsonObject("tasks").get("done").getAsInt());
        assertEquals(wholeAstronaut.size() + wholeComposite.size(), job.get("faces").getAsInt());

        HttpResponse<byte[]> boxed = get("/api/jobs/" + job.get("id").getAsString() + "/photos/1/annotated");
        assertEquals(200, boxed.statusCode());
        assertEquals("image/png", boxed.headers().firstValue("Content-Type").orElse(""));
        BufferedImage drawn = ImageIO.read(new ByteArrayInputStream(boxed.body()));
        assertEquals(composite.getWidth(), drawn.getWidth());
        Box f = wholeComposite.get(0);
        assertEquals(0x00e640, drawn.getRGB(f.x(), f.y() + f.height() / 2) & 0xffffff, "a face's box is drawn");
        HttpResponse<byte[]> original = get("/api/jobs/" + job.get("id").getAsString() + "/photos/0/original");
        assertArrayEquals(astronaut, original.body(), "the original comes back byte for byte");
        assertTrue(cluster.rows("TaskType = 'faces-tile' AND Status = 'DONE'") >= 4, "strips are TaskHistory rows");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anotherCascadeUploadedWithTheJobIsTheOneTheNodesUse() throws Exception {
        byte[] eyes;
        try (InputStream in = FacesJobTest.class.getResourceAsStream("/colmena/vision/haarcascade_eye.xml")) {
            eyes = in.readAllBytes();
        }
        byte[] astronaut = resource("astronaut.png");
        JsonObject cascade = upload(eyes, "cascade");
        String a = upload(astronaut, "photo").get("hash").getAsString();
        JsonObject made = post("/api/jobs", Map.of("photos", List.of(Map.of("blob", a, "name", "a.png")),
                "cascade", cascade.get("hash").getAsString()), 202);
        JsonObject job = awaitJob(made.get("id").getAsString());
        List<Box> expected = FaceDetector.detect(HaarCascade.read(new ByteArrayInputStream(eyes)),
                GrayImage.of(ImageIO.read(new ByteArrayInputStream(astronaut))), DetectParams.defaults());
        assertFalse(expected.isEmpty(), "the eye cascade finds eyes in the portrait");
        assertEquals(sorted(quads(expected)), faces(job.getAsJsonArray("photos").get(0)));
        assertEquals(cascade.get("hash").getAsString(), job.getAsJsonObject("params").get("cascade").getAsString());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBrokenPhotoFailsAloneWithItsReasonAndTheOthersAreDone() throws Exception {
        byte[] jpeg = resource("astronaut.jpg");
        byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        String good = upload(jpeg, "photo").get("hash").getAsString();
        String bad = upload(truncated, "photo").get("hash").getAsString();
        JsonObject made = post("/api/jobs", Map.of("photos", List.of(Map.of("blob", bad, "name", "half.jpg"),
                Map.of("blob", good, "name", "whole.jpg"))), 202);
        JsonObject job = awaitJob(made.get("id").getAsString());
        JsonArray photos = job.getAsJsonArray("photos");
        assertEquals("failed", job.get("status").getAsString());
        JsonObject half = photos.get(0).getAsJsonObject();
        assertEquals("failed", half.get("status").getAsString());
        assertTrue(half.get("error").getAsString().contains("truncated or corrupt JPEG"), half.toString());
        assertEquals("JPEG", half.getAsJsonObject("errorCode").getAsJsonObject("values").get("format").getAsString(), half.toString());
        assertEquals("image_corrupt", half.getAsJsonObject("errorCode").get("code").getAsString(), half.toString());
        assertTrue(photos.get(1).getAsJsonObject().get("errorCode").isJsonNull());
        assertEquals("done", photos.get(1).getAsJsonObject().get("status").getAsString());
        assertEquals(409, get("/api/jobs/" + made.get("id").getAsString() + "/photos/0/annotated").statusCode());
    }

    @Test
    void uploadsThatAreNotPhotosAreRefusedWithTheReasonAndStoreNothing() throws Exception {
        long blobs = blobCount();
        assertError(postRaw("/api/blobs", "hello, not an image".getBytes()), 400, "file", "not an image");
        assertError(postRaw("/api/blobs", new byte[0]), 400, "file", "empty");
        assertError(postRaw("/api/blobs", pngHeader(100_000, 100_000)), 400, "file", "100,000 × 100,000 pixels");
        // Each also as a code, for the page to say it in its reader's language.
        assertEquals("image_not_image", code(postRaw("/api/blobs", "hello, not an image".getBytes())).get("code").getAsString());
        JsonObject tooLarge = code(postRaw("/api/blobs", pngHeader(100_000, 100_000)));
        assertEquals("image_too_large", tooLarge.get("code").getAsString());
        assertEquals(100_000, tooLarge.getAsJsonObject("values").get("width").getAsInt());
        assertError(postRaw("/api/blobs?kind=cascade", "<opencv_storage/>".getBytes()), 400, "file", "");
        assertError(postRaw("/api/blobs?kind=video", resource("astronaut.png")), 400, "kind", "photo or cascade");
        assertEquals(blobs, blobCount(), "no blob was stored");
    }

    /** The body of a refusal, as JSON. */
    private static JsonObject code(java.net.http.HttpResponse<String> r) {
        assertEquals(400, r.statusCode(), r.body());
        return Json.GSON.fromJson(r.body(), JsonObject.class);
    }

    @Test
    void jobsThatCannotBeMadeAreRefusedWithTheFieldAndUnknownOnesAre404() throws Exception {
        String a = upload(resource("astronaut.png"), "photo").get("hash").getAsString();
        assertError(send("POST", "/api/jobs", "{\"photos\": []}"), 400, "photos", "photos is required");
        assertError(send("POST", "/api/jobs", "{\"photos\": [{\"blob\": \"xyz\"}]}"), 400, "photos[0].blob", "hash");
        assertError(send("POST", "/api/jobs", Json.write(Map.of("photos", List.of(Map.of("blob", a)),
                "scaleFactor", 3))), 400, "scaleFactor", "scaleFactor must be from");
        assertError(send("POST", "/api/jobs", Json.write(Map.of("photos", List.of(Map.of("blob", a)),
                "cascade", "0".repeat(64)))), 400, "cascade", "not in Redis");
        assertError(send("POST", "/api/jobs", Json.write(Map.of("photos", List.of(Map.of("blob", a)),
                "extra", 1))), 400, "extra", "unknown field");
        assertEquals(404, get("/api/jobs/01a2340a-0000-7000-8000-000000000000").statusCode());
        assertEquals(400, get("/api/jobs/bad%20id").statusCode());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aStripWhoseBlobExpiredBeforeItRanFailsSayingSo() throws Exception {
        // No agent running: the job's strip waits unplaced while its blob goes.
        nodo1.stop();
        nodo2.stop();
        boolean restarted = false;
        try {
            String a = upload(resource("astronaut.png"), "photo").get("hash").getAsString();
            JsonObject made = post("/api/jobs", Map.of("photos", List.of(Map.of("blob", a, "name", "a.png"))), 202);
            String id = made.get("id").getAsString();
            JsonObject job = getJson("/api/jobs/" + id);
            String taskId = job.getAsJsonArray("photos").get(0).getAsJsonObject().getAsJsonArray("tiles").get(0)
                    .getAsJsonObject().get("taskId").getAsString();
            String strip = stripBlob(taskId);
            cluster.redis.call(j -> j.del(RedisKeys.blob(strip)));
            nodo1 = cluster.startAgent("nodo1", 1);
            restarted = true;
            JsonObject done = awaitJob(id);
            JsonObject photo = done.getAsJsonArray("photos").get(0).getAsJsonObject();
            assertEquals("failed", photo.get("status").getAsString());
            assertTrue(photo.get("error").getAsString().contains("expired"), photo.toString());
            JsonObject code = photo.getAsJsonObject("errorCode"); // for a page to say it in its reader's language
            assertEquals("strip_failed_on", code.get("code").getAsString(), photo.toString());
            assertEquals(0, code.getAsJsonObject("values").get("row").getAsInt(), photo.toString());
            assertEquals("nodo1", code.getAsJsonObject("values").get("node").getAsString(), photo.toString());
            assertTrue(code.getAsJsonObject("values").get("error").getAsString().contains("expired"), photo.toString());
            assertEquals("blob_missing", code.getAsJsonObject("errorCode").get("code").getAsString(), photo.toString());
        } finally {
            if (!restarted) {
                nodo1 = cluster.startAgent("nodo1", 1);
            }
            nodo2 = cluster.startAgent("nodo2", 1);
        }
    }

    /** The strip blob a queued faces-tile task reads, found in the queue it waits in. */
    private static String stripBlob(String taskId) {
        String[] blob = new String[1];
        Eventually.within(Duration.ofSeconds(5), "task " + taskId + " waiting in " + RedisKeys.submitted() + " or "
                + RedisKeys.placing(), () -> {
            for (String key : List.of(RedisKeys.submitted(), RedisKeys.placing())) {
                for (String raw : cluster.redis.call(j -> j.lrange(key, 0, -1))) {
                    if (raw.contains(taskId)) {
                        Map<?, ?> m = Json.GSON.fromJson(raw, Map.class);
                        blob[0] = (String) ((Map<?, ?>) m.get("params")).get("blob");
                        return true;
                    }
                }
            }
            return false;
        });
        return blob[0];
    }

    // ---- helpers

    public static byte[] resource(String name) throws IOException {
        try (InputStream in = FacesJobTest.class.getResourceAsStream("/faces/" + name)) {
            return in.readAllBytes();
        }
    }

    /** {@code cols × rows} copies of {@code photo}, every other one at half size, on a grey background. */
    static BufferedImage composite(BufferedImage photo, int cols, int rows) {
        int cell = photo.getWidth() + 40;
        BufferedImage out = new BufferedImage(cols * cell, rows * cell, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setColor(new java.awt.Color(120, 130, 140));
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                boolean small = (r + k) % 2 == 1;
                int s = small ? photo.getWidth() / 2 : photo.getWidth();
                g.drawImage(photo, k * cell + 20, r * cell + 20, s, s, null);
            }
        }
        g.dispose();
        return out;
    }

    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A PNG signature and an IHDR chunk declaring {@code w × h}, and nothing else. */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13);
        int crcStart = b.position();
        b.put("IHDR".getBytes()).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), crcStart, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static List<List<Integer>> quads(List<Box> boxes) {
        List<List<Integer>> out = new ArrayList<>();
        for (Box b : boxes) {
            out.add(List.of(b.x(), b.y(), b.width(), b.height()));
        }
        return out;
    }

    /** Top to bottom, then left to right: the order a job lists faces in. */
    private static List<List<Integer>> sorted(List<List<Integer>> boxes) {
        List<List<Integer>> out = new ArrayList<>(boxes);
        out.sort(java.util.Comparator.<List<Integer>>comparingInt(b -> b.get(1)).thenComparingInt(b -> b.get(0))
                .thenComparingInt(b -> b.get(2)));
        return out;
    }

    private static List<List<Integer>> faces(JsonElement photo) {
        List<List<Integer>> out = new ArrayList<>();
        for (JsonElement f : photo.getAsJsonObject().getAsJsonArray("faces")) {
            JsonArray q = f.getAsJsonArray();
            out.add(List.of(q.get(0).getAsInt(), q.get(1).getAsInt(), q.get(2).getAsInt(), q.get(3).getAsInt()));
        }
        return out;
    }

    private static long blobCount() {
        return cluster.redis.call(j -> j.keys("blob:*")).size();
    }

    private static JsonObject awaitJob(String id) throws Exception {
        JsonObject[] last = new JsonObject[1];
        Eventually.within(Duration.ofSeconds(180), "job " + id + " finished", () -> {
            try {
                last[0] = getJson("/api/jobs/" + id);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return !last[0].get("status").getAsString().equals("running");
        });
        return last[0];
    }

    private static JsonObject upload(byte[] bytes, String kind) throws Exception {
        HttpResponse<String> r = postRaw("/api/blobs?kind=" + kind, bytes);
        assertEquals(201, r.statusCode(), r.body());
        return Json.GSON.fromJson(r.body(), JsonObject.class);
    }

    private static HttpResponse<String> postRaw(String path, byte[] bytes) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject post(String path, Object body, int expected) throws Exception {
        HttpResponse<String> r = send("POST", path, Json.write(body));
        assertEquals(expected, r.statusCode(), r.body());
        return Json.GSON.fromJson(r.body(), JsonObject.class);
    }

    private static HttpResponse<String> send(String method, String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject getJson(String path) throws Exception {
        HttpResponse<byte[]> r = get(path);
        assertEquals(200, r.statusCode(), new String(r.body()));
        return Json.GSON.fromJson(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8), JsonObject.class);
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertError(HttpResponse<String> r, int status, String field, String words) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject body = Json.GSON.fromJson(r.body(), JsonObject.class);
        assertEquals(field, body.get("field").getAsString(), r.body());
        assertTrue(body.get("error").getAsString().contains(words), r.body());
    }
}
