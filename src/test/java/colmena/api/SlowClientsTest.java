package colmena.api;

import colmena.TestDatabase;
import colmena.TestRedis;
import colmena.broker.Redis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients that send their headers a byte at a time do not stop the API answering others. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowClientsTest {
    static final int SLOW_CLIENTS = 100;

    @Test
    void aHundredSlowHeaderConnectionsDoNotStallOtherClients() throws Exception {
        try (Redis redis = TestRedis.fresh()) {
            ApiServer api = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withAuth("admin-pass-123", Duration.ofHours(1)),
                    redis, TestDatabase.fresh());
            api.start();
            AtomicBoolean stop = new AtomicBoolean();
            List<Socket> slow = new ArrayList<>();
            Thread dripper = null;
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/health"))
                        .timeout(Duration.ofSeconds(20)).build();
                long usualMs = 0;
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    assertEquals(200, http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode());
                    if (i >= 5) { // after a warm-up
                        usualMs = Math.max(usualMs, (System.nanoTime() - t0) / 1_000_000);
                    }
                }
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), api.port());
                    s.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
                    slow.add(s);
                }
                dripper = new Thread(() -> {
                    // One more header byte per connection every 200 ms: never a whole request.
                    while (!stop.get()) {
                        for (Socket s : slow) {
                            try {
                                OutputStream out = s.getOutputStream();
                                out.write('X');
                                out.flush();
                            } catch (Exception e) {
                                // the server closed it: that is allowed
                            }
                        }
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "slow-clients");
                dripper.start();
                Thread.sleep(500);
                long worstMs = 0;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
                int answered = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    worstMs = Math.max(worstMs, (System.nanoTime() - t0) / 1_000_000);
                    answered++;
                    Thread.sleep(100);
                }
                System.out.printf("usual %d ms; with %d slow clients: %d answers, worst %d ms%n", usualMs, SLOW_CLIENTS, answered, worstMs);
                assertTrue(worstMs < Math.max(1_500, usualMs * 20), "worst answer took " + worstMs + " ms (usual " + usualMs + " ms)");
            } finally {
                stop.set(true);
                if (dripper != null) {
                    dripper.join();
                }
                for (Socket s : slow) {
                    s.close();
                }
                api.stop();
            }
        }
    }
}
