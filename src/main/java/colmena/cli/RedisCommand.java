package colmena.cli;

import colmena.process.BundledRedis;
import colmena.broker.NodeCredentials;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code colmena redis}: makes sure a Redis answers. One already running is used, never replaced;
 * otherwise the redis-server on the PATH, or the one bundled in the jar, is started and kept in
 * the foreground until Ctrl+C, started again if it exits ({@link RedisSupervisor}). One such
 * process per data folder ({@link FolderLock}).
 */
final class RedisCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCommand.class);
    static final List<Option> OPTIONS = List.of(
            Option.value("port", "COLMENA_REDIS_PORT", "6379", "N", "port to listen on"),
            Option.value("bind", "COLMENA_REDIS_BIND", "127.0.0.1", "ADDRESS",
                    "address to listen on; anything but loopback needs --redis-password"),
            Option.value("redis-password", "COLMENA_REDIS_PASSWORD", null, "SECRET",
                    "password clients must give (agents then use redis://:SECRET@host:port)"),
            Option.value("maxmemory", "COLMENA_REDIS_MAXMEMORY", BundledRedis.DEFAULT_MAXMEMORY, "SIZE",
                    "memory Redis may use (e.g. 512mb, 2gb); beyond it new work is refused, nothing is evicted"),
            Settings.DATA_DIR,
            Option.flag("bundled", null, "use the bundled redis-server even when one is on the PATH"),
            Settings.PID_FILE, Settings.STOP_FILE);
    static final String SUMMARY = "Starts Redis for Colmena, unless one already answers on the port.";

    private RedisCommand() {
    }

    /** What the teacher does next, printed when other machines may join. */
    static String howToJoin(String bind, int port) {
        boolean everywhere = bind.equals("0.0.0.0") || bind.equals("::");
        String control = "redis://:PASSWORD@" + (everywhere ? "127.0.0.1" : bind) + ":" + port;
        return """

                Other machines may now reach this Redis. On this machine, start the coordinator and the API with
                  --redis %1$s   (the password you gave: it can do everything, keep it on this machine)
                For each student PC, make its own credential and the line to run there:
                  java -jar dist/colmena.jar node add pc01 --redis %1$s
                which prints: java -jar colmena.jar agent --redis redis://pc01:<its own password>@%2$s:%3$d
                That credential reaches only pc01's own keys; 'node remove pc01' cuts the PC off.

                """.formatted(control, everywhere ? NodeCredentials.joinHost(null) : bind, port);
    }

    static int run(String[] args) {
        Flags flags = Startup.flags("redis", SUMMARY, OPTIONS, args);
        if (flags == null) {
            return 0;
        }
        int port = flags.integer("port", 1, 65_535);
        String bind = flags.string("bind");
        String password = flags.string("redis-password");
        boolean loopback = bind.equals("127.0.0.1") || bind.equals("localhost") || bind.equals("::1");
        if (!loopback && password == null) {
            throw new UsageException("--bind " + bind + " lets other machines in; give --redis-password too");
        }
        String probe = loopback ? "127.0.0.1" : (bind.equals("0.0.0.0") ? "127.0.0.1" : bind);
        if (BundledRedis.answers(probe, port)) {
            LOG.info("Redis already answering at redis://{}:{}; using it", probe, port);
            return 0;
        }
        ProcessFiles.install(flags);
        Path dir = Path.of(flags.string("data-dir"), "redis");
        FolderLock.hold(dir); // never two supervisors, so never two redis-servers, on one append-only file
        BundledRedis.Source source = flags.bool("bundled") ? BundledRedis.Source.BUNDLED : BundledRedis.Source.PATH_FIRST;
        String maxmemory = maxmemory(flags);
        RedisSupervisor.Starter starter = () -> BundledRedis.start(source, port, bind, password, dir, maxmemory);
        BundledRedis redis = startFirst(starter);
        LOG.info("Redis listening on redis://{}:{} (append-only file in {}; restarted if it exits)", bind, port,
                dir.toAbsolutePath());
        if (!loopback) {
            System.out.print(howToJoin(bind, port));
        }
        return supervise(starter, redis);
    }

    /** {@code --maxmemory}, once it is a size Redis reads. */
    private static String maxmemory(Flags flags) {
        String maxmemory = flags.string("maxmemory");
        if (!maxmemory.matches("(?i)[0-9]+(b|kb|k|mb|m|gb|g)?")) {
            throw new UsageException(flags.source("maxmemory") + ": expected a size such as 512mb or 2gb, got \"" + maxmemory + "\"");
        }
        return maxmemory;
    }

    private static BundledRedis startFirst(RedisSupervisor.Starter starter) {
        try {
            return starter.start();
        } catch (IOException e) {
            throw new StartupException("cannot start redis-server: " + e.getMessage());
        }
    }

    /** Restarts redis-server whenever it exits, until this process is stopped; the exit code. */
    private static int supervise(RedisSupervisor.Starter starter, BundledRedis redis) {
        RedisSupervisor supervisor = new RedisSupervisor(starter, redis);
        Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stop, "colmena-shutdown"));
        try {
            return supervisor.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            supervisor.stop();
            return 1;
        }
    }
}
