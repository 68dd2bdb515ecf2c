package colmena;

import colmena.bench.Lab;
import colmena.broker.Redis;
import colmena.process.BundledRedis;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The real redis-server for tests: one per test JVM, started on a free port the first time it is
 * asked for and flushed by {@link #fresh()} before each test. By default the bundled Linux (or
 * macOS) build; with {@code COLMENA_TEST_REDIS=wine} (or {@code -Dcolmena.test.redis=wine}) the
 * Windows build that start-all.bat runs, Redis 5.0, under wine (see {@link WindowsRedis}). The
 * bundled server is started as the benchmarks start theirs ({@link Lab}, the harness both share).
 */
public final class TestRedis {
    private static BundledRedis server;
    private static WindowsRedis windows;

    private TestRedis() {
    }

    /** Whether this run uses the Windows build under wine. */
    public static boolean underWine() {
        String chosen = System.getProperty("colmena.test.redis", System.getenv("COLMENA_TEST_REDIS"));
        return "wine".equalsIgnoreCase(chosen);
    }

    public static synchronized String url() {
        try {
            if (underWine()) {
                if (windows == null || !windows.isAlive()) {
                    windows = WindowsRedis.start(freePort());
                    WindowsRedis started = windows;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::kill));
                }
                return windows.url();
            }
            if (server == null || !server.isAlive()) {
                server = Lab.startRedis(TempDirs.make("colmena-test-redis"));
                BundledRedis started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(started::kill));
            }
            return server.url();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client pool on an empty Redis. */
    public static Redis fresh() {
        Redis redis = Redis.connect(url(), 16);
        redis.call(j -> j.flushAll());
        return redis;
    }

    public static int freePort() {
        return Lab.freePort();
    }
}
