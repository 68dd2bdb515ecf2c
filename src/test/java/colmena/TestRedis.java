package colmena;

import colmena.broker.BundledRedis;
import colmena.broker.Redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real, bundled redis-server for tests: one per test JVM, started on a free port the first
 * time it is asked for and flushed by {@link #fresh()} before each test.
 */
public final class TestRedis {
    private static BundledRedis server;

    private TestRedis() {
    }

    public static synchronized BundledRedis server() {
        if (server == null || !server.isAlive()) {
            try {
                Path dir = Files.createTempDirectory("colmena-test-redis");
                server = BundledRedis.start(BundledRedis.Source.BUNDLED, freePort(), "127.0.0.1", null, dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            BundledRedis started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::kill));
        }
        return server;
    }

    public static String url() {
        return server().url();
    }

    /** A client pool on an empty Redis. */
    public static Redis fresh() {
        Redis redis = Redis.connect(url(), 16);
        redis.call(j -> j.flushAll());
        return redis;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
