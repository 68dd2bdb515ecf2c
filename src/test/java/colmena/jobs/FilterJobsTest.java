package colmena.jobs;

import colmena.Cluster;
import colmena.api.ApiServer;
import colmena.filters.FilterSpec;
import colmena.filters.Pixels;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Filter jobs end to end: a photo uploaded over real HTTP, cut into strips that are ordinary
 * tasks run by two agents on the real test Redis, their outputs stacked into an image that must
 * be pixel for pixel the filter run on the whole photo at once.
 */
public class FilterJobsTest {
    private static Cluster cluster;
    private static ApiServer api;
    private static JobsHttp http;
    private static String smallPhoto;

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster();
        cluster.startCoordinator("least-loaded");
        cluster.startAgent("nodo1", 1);
        cluster.startAgent("nodo2", 1);
        api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
        api.start();
        http = new JobsHttp("http://127.0.0.1:" + api.port());
        smallPhoto = http.upload(png(pattern(64, 48)));
    }

    @AfterAll
    static void stop() {
        api.stop();
        cluster.close();
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void eachFilterDoneInStripsByTwoNodesEqualsThePhotoFilteredInOnePiece() throws Exception {
        BufferedImage photo = pattern(2000, 1600);
        String blob = http.upload(png(photo));
        List<FilterSpec> specs = List.of(FilterSpec.of("grey"), new FilterSpec("blur", 2.5, 0.5),
                FilterSpec.of("sobel"), new FilterSpec("resize", 2, 0.75));
        Map<FilterSpec, String> jobs = new LinkedHashMap<>();
        for (FilterSpec spec : specs) {
            Map<String, Object> body = new LinkedHashMap<>(spec.parameters());
            body.put("photos", List.of(Map.of("blob", blob, "name", "pattern.png")));
            body.put("filter", spec.name());
            jobs.put(spec, http.createJob(body));
        }
        Pixels source = Pixels.of(photo);
        Set<String> nodes = new HashSet<>();
        for (Map.Entry<FilterSpec, String> e : jobs.entrySet()) {
            FilterSpec spec = e.getKey();
            JsonObject job = http.awaitJob(e.getValue());
            assertEquals("done", job.get("status").getAsString(), job.toString());
            assertEquals(spec.name(), job.get("kind").getAsString());
            JsonObject p = job.getAsJsonArray("photos").get(0).getAsJsonObject();
            assertTrue(p.get("output").getAsBoolean(), p.toString());
            assertTrue(p.getAsJsonArray("tiles").size() >= 2, spec.name() + " is cut into strips: " + p.get("tiles"));
            p.getAsJsonArray("nodes").forEach(n -> nodes.add(n.getAsString()));

            HttpResponse<byte[]> out = http.get("/api/jobs/" + e.getValue() + "/photos/0/output");
            assertEquals(200, out.statusCode());
            assertEquals("image/png", out.headers().firstValue("Content-Type").orElse(""));
            Pixels tiled = Pixels.of(ImageIO.read(new ByteArrayInputStream(out.body())));
            Pixels whole = spec.filter().whole(source);
            assertEquals(whole.width() + "×" + whole.height() + "×" + whole.channels(),
                    tiled.width() + "×" + tiled.height() + "×" + tiled.channels(), spec.name());
            assertArrayEquals(whole.data(), tiled.data(), spec.name() + ": the stacked strips are the whole photo filtered");
        }
        assertEquals(Set.of("nodo1", "nodo2"), nodes, "both nodes filtered strips");
        assertTrue(cluster.rows("TaskType = 'image-filter' AND Status = 'DONE'") >= 8, "strips are TaskHistory rows");
    }

    static Stream<Arguments> badJobs() {
        return Stream.of(
                arguments(Map.of("filter", "sharpen"), "filter", "filter must be faces, grey, blur, sobel, resize"),
                arguments(Map.of("filter", 3), "filter", "filter must be text"),
                arguments(Map.of("filter", "blur", "sigma", 0), "sigma", "sigma must be from 0.3 to 20"),
                arguments(Map.of("filter", "blur", "sigma", 21), "sigma", "sigma must be from 0.3 to 20"),
                arguments(Map.of("filter", "blur", "sigma", "big"), "sigma", "sigma must be a number"),
                arguments(Map.of("filter", "blur", "sigma", 1.2345), "sigma", "at most 3 decimal places"),
                arguments(Map.of("filter", "resize", "scale", 5), "scale", "scale must be from 0.05 to 4"),
                arguments(Map.of("filter", "resize", "scale", 0), "scale", "scale must be from 0.05 to 4"),
                arguments(Map.of("filter", "grey", "minNeighbors", 3), "minNeighbors", "does not apply to a grey job"),
                arguments(Map.of("filter", "sobel", "sigma", 2), "sigma", "does not apply to a sobel job"),
                arguments(Map.of("filter", "blur", "scale", 0.5), "scale", "does not apply to a blur job"),
                arguments(Map.of("sigma", 2), "sigma", "does not apply to a faces job"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("badJobs")
    void badFilterParametersAreRefusedNamingTheField(Map<String, Object> fields, String field, String words)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(fields);
        body.put("photos", List.of(Map.of("blob", smallPhoto, "name", "small.png")));
        long jobsBefore = cluster.rows("1 = 1");
        JobsHttp.assertError(http.post("/api/jobs", body), 400, field, words);
        assertEquals(jobsBefore, cluster.rows("1 = 1"), "no task was made");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void outputIsForFilterJobsAndAnnotatedForFaceJobs() throws Exception {
        List<Map<String, String>> photos = List.of(Map.of("blob", smallPhoto, "name", "small.png"));
        String blur = http.createJob(Map.of("photos", photos, "filter", "blur", "sigma", 1));
        String faces = http.createJob(Map.of("photos", photos));
        JsonObject done = http.awaitJob(blur);
        JsonElement photo = done.getAsJsonArray("photos").get(0);
        assertFalse(photo.getAsJsonObject().has("faces") && !photo.getAsJsonObject().get("faces").isJsonNull());

        assertEquals(200, http.get("/api/jobs/" + blur + "/photos/0/output").statusCode());
        assertStatus(409, "it has no faces to box; its filtered photos are at .../output",
                http.get("/api/jobs/" + blur + "/photos/0/annotated"));
        assertStatus(409, "it has no output image", http.get("/api/jobs/" + faces + "/photos/0/output"));
        assertStatus(404, "has 1 photos", http.get("/api/jobs/" + blur + "/photos/3/output"));
        assertStatus(404, "no job", http.get("/api/jobs/nope/photos/0/output"));
        http.awaitJob(faces);
    }

    private static void assertStatus(int status, String words, HttpResponse<byte[]> r) {
        String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(status, r.statusCode(), body);
        assertTrue(body.contains(words), body);
    }

    /** Gradients, rings and a checker: edges everywhere, and a PNG of a few megabytes. */
    static BufferedImage pattern(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x ^ y) & 0xff;
                int g = (x * 3 + y) & 0xff;
                int b = (int) ((Math.hypot(x - w / 2.0, y - h / 2.0) * 4) % 256);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
