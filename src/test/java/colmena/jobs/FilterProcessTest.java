package colmena.jobs;

import colmena.Cluster;
import colmena.api.ApiServer;
import colmena.bench.Launcher;
import colmena.broker.Json;
import colmena.filters.FilterSpec;
import colmena.filters.Pixels;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code colmena filter} as a person runs it. */
class FilterProcessTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theFilterCommandWritesEachFilteredPhotoAndFailsOnABrokenOne(@TempDir Path dir) throws Exception {
        BufferedImage photo = FilterJobsTest.pattern(300, 200);
        Path photos = Files.createDirectories(dir.resolve("photos"));
        Files.write(photos.resolve("pattern.png"), FilterJobsTest.png(photo));
        byte[] jpeg = FacesJobTest.resource("astronaut.jpg");
        Files.write(photos.resolve("half.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 1);
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            try {
                Path out = dir.resolve("blurred");
                Path log = dir.resolve("filter.log");
                Process p = Launcher.start(log, List.of("-Xmx256m"), "filter", "blur", photos.toString(), "--json",
                        "--sigma", "1.5", "--out", out.toString(), "--api", "http://127.0.0.1:" + api.port());
                assertTrue(p.waitFor(150, TimeUnit.SECONDS), "filter finished");
                String text = Files.readString(log);
                assertEquals(1, p.exitValue(), "a photo failed: exit 1\n" + text);
                List<JsonObject> lines = new ArrayList<>();
                for (String line : text.split("\n")) {
                    if (line.startsWith("{")) {
                        lines.add(Json.GSON.fromJson(line, JsonObject.class));
                    }
                }
                assertEquals(2, lines.size(), text);
                assertTrue(lines.get(0).get("error").getAsString().contains("truncated or corrupt"), text);
                JsonObject good = lines.get(1);
                assertEquals(out.resolve("pattern.png").toString(), good.get("output").getAsString(), text);
                assertEquals("nodo1", good.getAsJsonArray("nodes").get(0).getAsString());
                Pixels written = Pixels.of(ImageIO.read(out.resolve("pattern.png").toFile()));
                assertArrayEquals(new FilterSpec("blur", 1.5, 1).filter().whole(Pixels.of(photo)).data(), written.data(),
                        "the written photo is the whole photo blurred");
                assertTrue(Files.notExists(out.resolve("half.png")), "nothing written for the broken photo");
            } finally {
                api.stop();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theFilterCommandRefusesABadCommandLineWithExitCode2(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("filter.log");
        Path photo = Files.write(dir.resolve("p.png"), FilterJobsTest.png(FilterJobsTest.pattern(10, 10)));
        for (List<String> args : List.of(
                List.of("filter", "sharpen", photo.toString(), "--out", dir.toString()),
                List.of("filter", "blur", photo.toString()),
                List.of("filter", "resize", photo.toString(), "--out", dir.toString(), "--scale", "9"),
                List.of("filter", "blur", "--out", dir.toString()))) {
            Process p = Launcher.start(log, List.of(), args.toArray(String[]::new));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), args + "\n" + Files.readString(log));
        }
        String text = Files.readString(log);
        assertTrue(text.contains("unknown filter \"sharpen\"; filters: grey, blur, sobel, resize"), text);
        assertTrue(text.contains("--out DIR is required"), text);
        assertTrue(text.contains("--scale"), text);
        assertTrue(text.contains("give one or more photos"), text);
    }
}
