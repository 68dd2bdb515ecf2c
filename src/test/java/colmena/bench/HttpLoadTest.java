package colmena.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench api}'s load generator against the JDK's own HTTP server on loopback. */
class HttpLoadTest {
    private HttpServer server;
    private ExecutorService executor;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private InetSocketAddress start(int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(threads);
        server.setExecutor(executor);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
    }

    private static void answer(HttpExchange x, int status, byte[] body, boolean chunked) throws IOException {
        x.getRequestBody().readAllBytes();
        x.sendResponseHeaders(status, chunked ? 0 : body.length);
        try (OutputStream out = x.getResponseBody()) {
            for (int at = 0; at < body.length; at += 4096) { // in pieces, so a chunked answer has many chunks
                out.write(body, at, Math.min(4096, body.length - at));
                out.flush();
            }
        }
    }

    @Test
    void answersOfEveryShapeAreReadWholeAndCountedByStatus() throws Exception {
        InetSocketAddress address = start(4);
        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 'x');
        AtomicInteger fixedCalls = new AtomicInteger();
        AtomicInteger closeCalls = new AtomicInteger();
        server.createContext("/fixed", x -> {
            fixedCalls.incrementAndGet();
            answer(x, 200, "0123456789".getBytes(), false);
        });
        server.createContext("/chunked", x -> answer(x, 200, big, true));
        server.createContext("/empty", x -> { // Content-Length: 0, no body
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.createContext("/slow", x -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(x, 200, "late".getBytes(), false);
        });
        server.createContext("/busy", x -> answer(x, 503, "{\"error\":\"busy\"}".getBytes(), false));
        server.createContext("/close", x -> {
            closeCalls.incrementAndGet();
            x.getResponseHeaders().set("Connection", "close");
            answer(x, 200, big, false);
        });
        server.start();

        List<OpenLoad.Figures> figures = HttpLoad.drive(address, List.of(
                new HttpLoad.Target("fixed", "/fixed"), new HttpLoad.Target("chunked", "/chunked"),
                new HttpLoad.Target("empty", "/empty"), new HttpLoad.Target("busy", "/busy"),
                new HttpLoad.Target("close", "/close"), new HttpLoad.Target("slow", "/slow")), 40, 1, 1);

        for (OpenLoad.Figures f : figures) {
            assertEquals(40, f.requests(), f.name());
        }
        for (OpenLoad.Figures f : List.of(figures.get(0), figures.get(1), figures.get(2), figures.get(4), figures.get(5))) {
            assertEquals(0, f.errors(), f.name() + ": " + f.firstError());
            assertEquals(40, f.latenciesNs().length, f.name());
            assertTrue(f.sentPerSecond() > 20 && f.sentPerSecond() < 80, f.name() + " sent " + f.sentPerSecond() + "/s");
        }
        // Timed from when each was due to its whole answer: never less than the server took.
        assertTrue(figures.get(5).ms(0) >= 30, "the fastest slow answer: " + figures.get(5).ms(0) + " ms");
        OpenLoad.Figures busy = figures.get(3);
        assertEquals(40, busy.errors());
        assertEquals(0, busy.latenciesNs().length);
        assertEquals("HTTP 503", busy.firstError());
        // Warm-up and measured window: 80 requests each, no more, no fewer.
        assertEquals(80, fixedCalls.get());
        assertEquals(80, closeCalls.get());
    }

    @Test
    void aStallCountsForEveryRequestDueDuringItNotOnlyTheOneItHeld() throws Exception {
        InetSocketAddress address = start(1); // one handler: requests queue behind a stalled one
        AtomicBoolean stalled = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/", x -> {
            // The first request of the measured window (the 51st) holds the only handler for 400 ms.
            if (calls.incrementAndGet() == 51 && stalled.compareAndSet(false, true)) {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(x, 200, "ok".getBytes(), false);
        });
        server.start();

        OpenLoad.Figures f = HttpLoad.drive(address, List.of(new HttpLoad.Target("stall", "/")), 50, 1, 2).get(0);

        assertTrue(stalled.get());
        assertEquals(0, f.errors(), f.firstError());
        assertEquals(100, f.latenciesNs().length);
        long slow = Arrays.stream(f.latenciesNs()).filter(ns -> ns >= 100_000_000L).count();
        // At 50 requests/s, about 20 fall due during the 400 ms: each waited behind the stall, and
        // its latency runs from when it was due. A generator that waited for each answer before
        // sending the next would show one slow request.
        assertTrue(slow >= 12, "requests of 100 ms or more: " + slow + " in " + Arrays.toString(f.latenciesNs()));
        assertTrue(f.ms(1.0) >= 390, "the longest: " + f.ms(1.0) + " ms");
    }

    @Test
    void aServerThatIsNotThereGivesErrorsThatSaySo() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        } // closed: connections to it are refused
        OpenLoad.Figures f = HttpLoad.drive(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                List.of(new HttpLoad.Target("gone", "/")), 20, 1, 1).get(0);
        assertEquals(20, f.requests());
        assertEquals(20, f.errors());
        assertEquals(0, f.latenciesNs().length);
        assertTrue(f.firstError().contains("java.net.ConnectException"), f.firstError());
    }

    @Test
    void aServerThatNeverAnswersTimesOutEveryRequest() throws Exception {
        // Listening, so connections are made (in its backlog), but nothing ever reads or answers.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 500, InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            OpenLoad.Figures f = HttpLoad.drive(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()),
                    List.of(new HttpLoad.Target("silent", "/")), 20, 1, 1, 300_000_000L).get(0);
            assertEquals(20, f.errors());
            assertEquals(0, f.latenciesNs().length);
            assertEquals("no answer within 300ms", f.firstError());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "gave up on time");
        }
    }

    /**
     * A server of raw sockets that answers each request a byte at a time, after an interim
     * {@code 100 Continue}, and closes each connection a moment after its answer without saying
     * so, as an HTTP/1.1 server may: the load must reconnect without counting an error.
     */
    @Test
    void answersInPiecesAndConnectionsClosedWhileIdleAreNoErrors() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger served = new AtomicInteger();
            acceptEach(raw, s -> serveOnce(s, served));
            OpenLoad.Figures f = HttpLoad.drive(new InetSocketAddress(InetAddress.getLoopbackAddress(), raw.getLocalPort()),
                    List.of(new HttpLoad.Target("raw", "/")), 20, 1, 2).get(0);
            assertEquals(0, f.errors(), f.firstError());
            assertEquals(40, f.latenciesNs().length);
            assertEquals(60, served.get());
        }
    }

    /**
     * A server that answers the first request on each connection and none after it: those time
     * out and count as errors. A timed-out request is not sent again (only one whose kept-alive
     * connection the server closed before any answer byte is worth a second try): a second try
     * would open a connection of its own and close it at once, its deadline long past.
     */
    @Test
    void aTimedOutRequestIsAnErrorAndIsNotSentAgain() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger received = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            acceptEach(raw, s -> {
                accepted.incrementAndGet();
                answerFirstOnly(s, received, answered);
            });
            OpenLoad.Figures f = HttpLoad.drive(new InetSocketAddress(InetAddress.getLoopbackAddress(), raw.getLocalPort()),
                    List.of(new HttpLoad.Target("first only", "/")), 10, 1, 2, 500_000_000L).get(0);
            assertTrue(f.errors() > 0, "no request timed out");
            assertEquals(20, f.errors() + f.latenciesNs().length);
            assertEquals("no answer within 500ms", f.firstError());
            Thread.sleep(300); // the last connections reach the server
            assertEquals(30, received.get(), "each request sent once: 10 of the warm-up, 20 measured");
            assertEquals(answered.get(), accepted.get(), "every connection opened carried an answered request");
        }
    }

    private static void answerFirstOnly(java.net.Socket s, AtomicInteger received, AtomicInteger answered) {
        try (s) {
            java.io.InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int n = 0; readHead(in); n++) {
                received.incrementAndGet();
                if (n == 0) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes());
                    out.flush();
                    answered.incrementAndGet();
                }
            }
        } catch (IOException e) {
            // closed by the load when it gave up
        }
    }

    private static void serveOnce(java.net.Socket s, AtomicInteger served) {
        try (s) {
            if (!readHead(s.getInputStream())) {
                return;
            }
            OutputStream out = s.getOutputStream();
            byte[] answer = ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 5\r\n\r\nhello").getBytes();
            for (byte b : answer) {
                out.write(b);
                out.flush();
            }
            served.incrementAndGet();
            Thread.sleep(10); // then closed, with no Connection: close: the next request finds it gone
        } catch (IOException | InterruptedException e) {
            // the test's load sees it
        }
    }

    /** Serves each connection {@code raw} accepts on a thread of its own, until it is closed. */
    private static void acceptEach(java.net.ServerSocket raw, java.util.function.Consumer<java.net.Socket> serve) {
        Thread acceptor = new Thread(() -> {
            while (!raw.isClosed()) {
                try {
                    java.net.Socket s = raw.accept();
                    Thread t = new Thread(() -> serve.accept(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Reads a request's head, up to the blank line that ends it; false at the end of the stream. */
    private static boolean readHead(java.io.InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return true;
    }
}
