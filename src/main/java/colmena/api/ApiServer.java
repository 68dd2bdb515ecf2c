package colmena.api;

import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.store.ConnectionPool;
import colmena.store.Database;
import colmena.store.TaskHistoryStore;
import colmena.support.Threads;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The API process: the REST API under {@code /api/} and the dashboard at {@code /}, on the JDK's
 * HttpServer. Handlers run on a bounded pool, so a burst of requests queues (and past the queue
 * is refused) rather than starving the machine.
 */
public final class ApiServer {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final int HANDLER_THREADS = 8;
    static final int HANDLER_QUEUE = 256;

    public static final List<Option> OPTIONS = List.of(
            Settings.REDIS, Settings.DB, Settings.DB_USER, Settings.DB_PASSWORD, Settings.DATA_DIR,
            Option.value("port", "COLMENA_API_PORT", Integer.toString(Settings.DEFAULT_API_PORT), "N",
                    "port for the API and the dashboard (0 picks a free one)"),
            Option.value("bind", "COLMENA_API_BIND", "127.0.0.1", "ADDRESS",
                    "address to listen on; 0.0.0.0 lets other machines in"));
    public static final String SUMMARY = "Serves the REST API and the live dashboard.";

    public record Config(String redisUrl, String dbUrl, String dbUser, String dbPassword, int port, String bind) {
        public static Config from(Flags flags) {
            String db = flags.string("db");
            if (db == null) {
                db = Database.defaultUrl(java.nio.file.Path.of(flags.string("data-dir")));
            }
            return new Config(flags.string("redis"), db, flags.string("db-user"), flags.string("db-password"),
                    flags.integer("port", 0, 65_535), flags.string("bind"));
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final ConnectionPool connections;

    public ApiServer(Config config, Redis redis, Database database) throws IOException {
        this.connections = new ConnectionPool(database, HANDLER_THREADS);
        TaskHistoryStore store = new TaskHistoryStore();
        this.server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 128);
        this.pool = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(HANDLER_QUEUE), Threads.named("colmena-http", true),
                new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(pool);
        server.createContext("/api/nodes", new NodesHandler(new Nodes(redis)));
        server.createContext("/api/tasks", new TasksHandler(connections, store));
        server.createContext("/api/health", new HealthHandler(redis, connections));
        server.createContext("/api", new NotFoundHandler());
        server.createContext("/", new StaticFiles());
    }

    public void start() {
        server.start();
    }

    /** The port actually listened on (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(1);
        pool.shutdownNow();
        connections.close();
        LOG.info("API stopped");
    }

    /** Anything under /api that no endpoint claims. */
    private static final class NotFoundHandler extends ApiHandler {
        @Override
        Object get(com.sun.net.httpserver.HttpExchange ex, String rest) {
            throw ApiException.notFound("no such endpoint: " + ex.getRequestURI().getPath());
        }
    }
}
