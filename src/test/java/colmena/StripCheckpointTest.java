package colmena;

import colmena.agent.TaskRunner;
import colmena.api.ApiServer;
import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.support.Eventually;
import colmena.task.TaskContext;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A photo strip ({@code faces-tile}) reports its progress and stops at its checkpoints while the
 * detector runs: interrupted (as a cancel does) it stops within a fraction of its run, and past
 * its timeout it fails saying so. The strip is a real one, cut by a real job and read from Redis.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StripCheckpointTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aStripReportsProgressAndStopsPromptlyWhenInterruptedOrPastItsTimeout() throws Exception {
        try (Cluster cluster = new Cluster()) { // no coordinator: the strips wait in tasks:submitted
            ApiServer api = new ApiServer(ApiServer.Config.local(cluster.redisUrl, 0), cluster.redis, cluster.db);
            api.start();
            try {
                createJob("http://127.0.0.1:" + api.port(), TerminalProgressProcessTest.mosaic(8, 6));
                Eventually.within(Duration.ofSeconds(30), "strips waiting",
                        () -> cluster.queue.length(RedisKeys.submitted()) > 0);
                TaskMessage strip = TaskMessage.read(cluster.redis.call(j -> j.lindex(RedisKeys.submitted(), 0)));
                Blobs blobs = new Blobs(cluster.redis);

                long t0 = System.nanoTime();
                TaskResult whole = TaskRunner.run(strip, "test", 600_000, blobs, System::currentTimeMillis,
                        new TaskContext.Progress());
                double wholeMs = (System.nanoTime() - t0) / 1e6;
                assertEquals(TaskStatus.DONE, whole.status(), whole.error());

                TaskContext.Progress progress = new TaskContext.Progress();
                AtomicReference<Object> outcome = new AtomicReference<>();
                Thread runner = new Thread(() -> {
                    try {
                        outcome.set(TaskRunner.run(strip, "test", 600_000, blobs, System::currentTimeMillis, progress));
                    } catch (InterruptedException e) {
                        outcome.set(e);
                    }
                }, "strip-runner");
                runner.start();
                Eventually.within(Duration.ofSeconds(30), "the strip under way", () -> progress.percent() > 0);
                int at = progress.percent();
                long interruptedAt = System.nanoTime();
                runner.interrupt();
                runner.join(30_000);
                double stopMs = (System.nanoTime() - interruptedAt) / 1e6;
                System.out.printf("a strip of %.0f ms stopped %.0f ms after its interrupt, at %d %%%n", wholeMs, stopMs, at);
                assertTrue(outcome.get() instanceof InterruptedException, "stopped, not finished: " + outcome.get());
                assertTrue(at < 100, "it was interrupted part-way");
                assertTrue(stopMs < Math.max(1_000, wholeMs * 0.6), "it stopped at a checkpoint, not at its end: "
                        + stopMs + " ms of a " + wholeMs + " ms strip");

                TaskResult late = TaskRunner.run(strip, "test", 1, blobs, System::currentTimeMillis, new TaskContext.Progress());
                assertEquals(TaskStatus.FAILED, late.status());
                assertTrue(late.error().contains("ran past its timeout of 1 ms"), late.error());
            } finally {
                api.stop();
            }
        }
    }

    private static void createJob(String base, java.awt.image.BufferedImage photo) throws Exception {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(photo, "jpg", jpeg);
        HttpResponse<String> up = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/blobs?kind=photo"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(jpeg.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, up.statusCode(), up.body());
        String hash = Json.GSON.fromJson(up.body(), JsonObject.class).get("hash").getAsString();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("photos", List.of(Map.of("blob", hash,
                        "name", "class.jpg")))))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
    }
}
