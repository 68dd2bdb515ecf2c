package colmena.bench;

import colmena.process.BundledRedis;
import colmena.broker.Redis;
import colmena.store.Database;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;

/**
 * What a benchmark runs on: the bundled Redis on a free port and a fresh H2 database, both in a
 * temporary folder of their own, removed from nothing else's way.
 */
final class Lab implements AutoCloseable {
    final Path dir;
    final BundledRedis redisServer;
    final Redis redis;
    final String dbUrl;
    final Database db;

    private Lab(Path dir, BundledRedis redisServer, Redis redis, String dbUrl, Database db) {
        this.dir = dir;
        this.redisServer = redisServer;
        this.redis = redis;
        this.dbUrl = dbUrl;
        this.db = db;
    }

    static Lab start(String name) throws IOException, SQLException {
        Path dir = Files.createTempDirectory("colmena-bench-" + name);
        BundledRedis server = BundledRedis.start(BundledRedis.Source.BUNDLED, freePort(), "127.0.0.1", null,
                dir.resolve("redis"));
        String dbUrl = Database.defaultUrl(dir.resolve("db"));
        Database db = Database.open(dbUrl, null, null);
        return new Lab(dir, server, Redis.connect(server.url(), 16), dbUrl, db);
    }

    String redisUrl() {
        return redisServer.url();
    }

    Path log(String name) {
        return dir.resolve("logs").resolve(name + ".log");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops Redis and removes the lab's folder (database, Redis files), keeping the logs if asked to. */
    @Override
    public void close() {
        redis.close();
        redisServer.kill();
        if (System.getenv("COLMENA_BENCH_KEEP") != null) {
            System.out.println("Kept the benchmark's files in " + dir);
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not remove " + dir + ": " + e.getMessage());
        }
    }
}
