package colmena.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code colmena api} as a process of its own, as {@code start-all} starts it (with its Java
 * options), on a lab's Redis and database, without logins, on a free port of loopback: what
 * {@code bench api --api-process} measures, so the figures are the API's and not those of the JVM
 * that also generates the load.
 */
final class ApiProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final List<String> options;

    private ApiProcess(Process process, int port, List<String> options) {
        this.process = process;
        this.port = port;
        this.options = options;
    }

    /** Starts it and waits up to a minute for {@code /api/health} to answer 200. */
    static ApiProcess start(Lab lab, Duration maxAge) throws Exception {
        List<String> options = StartAllJvm.api();
        int port = Lab.freePort();
        Process p = Launcher.start(lab.log("api"), options, "api", "--no-auth", "--port", Integer.toString(port),
                "--redis", lab.redisUrl(), "--db", lab.dbUrl, "--nodes-max-age", maxAge.toMillis() + "ms");
        ApiProcess api = new ApiProcess(p, port, options);
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("colmena api exited with " + p.exitValue() + "; see " + lab.log("api"));
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return api;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        api.close();
        throw new IOException("colmena api did not answer /api/health within a minute; see " + lab.log("api"));
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    List<String> options() {
        return options;
    }

    /** CPU time the process has used so far, in nanoseconds. */
    long cpuNanos() {
        return Pipeline.cpuNanos(process.toHandle());
    }

    @Override
    public void close() {
        Launcher.stop(process, 20);
    }
}
