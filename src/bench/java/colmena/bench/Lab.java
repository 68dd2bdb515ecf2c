package colmena.bench;

import colmena.broker.Redis;
import colmena.process.BundledRedis;
import colmena.store.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;

/**
 * What a benchmark runs on: the bundled Redis on a free port and a fresh H2 database, both in a
 * temporary folder of their own, removed from nothing else's way.
 *
 * <p>Its static parts are the harness the tests share ({@code TestRedis}, {@code TestDatabase}
 * start their Redis and databases with them): a free port, the bundled redis-server on loopback,
 * a fresh H2 file database with the real schema, a count read back.
 */
public final class Lab implements AutoCloseable {
    final Path dir;
    final BundledRedis redisServer;
    final Redis redis;
    final String dbUrl;
    final Database db;
    /** The benchmarks' own statements, for this lab's database. */
    final BenchSql sql;

    private Lab(Path dir, BundledRedis redisServer, Redis redis, String dbUrl, Database db) {
        this.dir = dir;
        this.redisServer = redisServer;
        this.redis = redis;
        this.dbUrl = dbUrl;
        this.db = db;
        this.sql = BenchSql.of(db);
    }

    static Lab start(String name) throws IOException, SQLException {
        return start(name, null);
    }

    /** @param dbDir the database's folder, kept after the run; null: one in the lab's temporary folder */
    static Lab start(String name, Path dbDir) throws IOException, SQLException {
        Path dir = tempDir("colmena-bench-" + name);
        BundledRedis server = startRedis(dir.resolve("redis"));
        String dbUrl = Database.defaultUrl(dbDir != null ? dbDir : dir.resolve("db"));
        Database db = Database.open(dbUrl, null, null);
        return new Lab(dir, server, Redis.connect(server.url(), 16), dbUrl, db);
    }

    // ---- the harness the tests share ------------------------------------------------------------

    /** A TCP port nothing listens on now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty temporary folder whose name starts with {@code prefix}. */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bundled redis-server on a free port of 127.0.0.1, its files in {@code dir}. */
    public static BundledRedis startRedis(Path dir) throws IOException {
        return BundledRedis.start(BundledRedis.Source.BUNDLED, freePort(), "127.0.0.1", null, dir);
    }

    /** A fresh H2 file database in {@code dir}, with the real schema, as the product opens it by default. */
    public static Database freshDatabase(Path dir) throws SQLException {
        return Database.open(Database.defaultUrl(dir), null, null);
    }

    /** The number the query {@code sql} answers with (its first column of its first row). */
    public static long count(Database db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---------------------------------------------------------------------------------------------

    String redisUrl() {
        return redisServer.url();
    }

    Path log(String name) {
        return dir.resolve("logs").resolve(name + ".log");
    }

    /** The number the query {@code sql} answers with on this lab's database. */
    long count(String sql) throws SQLException {
        return count(db, sql);
    }

    /** How many TaskHistory rows are {@code which}. */
    long rows(BenchSql.Rows which) throws SQLException {
        return count(sql.countRows(which));
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
