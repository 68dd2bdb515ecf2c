package colmena.api;

import colmena.auth.Passwords;
import colmena.broker.Redis;
import colmena.install.InstallationStore;
import colmena.install.InstallationWatch;
import colmena.store.ConnectionPool;
import colmena.store.Database;
import colmena.auth.Role;
import colmena.auth.UserStore;
import colmena.threads.Threads;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The API process: the REST API under {@code /api/} and the dashboard at {@code /}, on the JDK's
 * HttpServer. Requests are read on a large pool and handled on a pool of {@link #HANDLER_THREADS}
 * (those answered without the database on {@link #QUICK_HANDLER_THREADS} of their own);
 * a request must arrive whole within {@link #REQUEST_SECONDS}, so a slow client holds a reader
 * only that long, and never a handler while its headers trickle in.
 */
public final class ApiServer {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final int HANDLER_THREADS = 16;
    /** Handlers of the requests answered without the database ({@link Router#withoutDatabase()}). */
    static final int QUICK_HANDLER_THREADS = 8;
    static final int HANDLER_QUEUE = 512;
    /**
     * Threads that read requests (headers arrive on one before any handler runs): many may be
     * needed, since a slow client holds one for up to {@link #REQUEST_SECONDS}; each hands its
     * whole request to the {@link #HANDLER_THREADS} at once ({@link HandlerGate}).
     */
    static final int READER_THREADS = 512;
    static final int REQUEST_SECONDS = 10;
    static final int RESPONSE_SECONDS = 120;
    /** Submitted tasks no coordinator has placed yet, at most; about 50 MB of Redis at its largest tasks' size. */
    public static final long DEFAULT_MAX_UNPLACED = 100_000;

    public record Config(String redisUrl, String dbUrl, String dbUser, String dbPassword, int port, String bind,
                         double alertCpu, double alertMemory, double alertDisk, Duration alertAfter,
                         String adminPassword, Duration sessionTtl, boolean noAuth, Duration nodesMaxAge, WebSecurity web,
                         long maxUnplaced) {
        /**
         * This configuration, once it is one the API may run with (see {@link WebSecurity#check}).
         *
         * @throws IllegalArgumentException naming what is refused and what to do
         */
        public Config checked() {
            web.check(bind, noAuth);
            return this;
        }

        /** The defaults, on a port of one's choosing (tests, benchmarks); every request reads the nodes afresh. */
        public static Config local(String redisUrl, int port) {
            return new Config(redisUrl, null, null, null, port, "127.0.0.1", 90, 90, 95, Duration.ofSeconds(5),
                    null, Duration.ofHours(8), true, Duration.ZERO, WebSecurity.LOOPBACK, DEFAULT_MAX_UNPLACED);
        }

        /** The same, on another address and facing the network as {@code web} says. */
        public Config withWeb(String bind, WebSecurity web) {
            return new Config(redisUrl, dbUrl, dbUser, dbPassword, port, bind, alertCpu, alertMemory, alertDisk,
                    alertAfter, adminPassword, sessionTtl, noAuth, nodesMaxAge, web, maxUnplaced);
        }

        /** The same, with at most {@code max} submitted tasks waiting to be placed (0: no bound). */
        public Config withMaxUnplaced(long max) {
            return new Config(redisUrl, dbUrl, dbUser, dbPassword, port, bind, alertCpu, alertMemory, alertDisk,
                    alertAfter, adminPassword, sessionTtl, noAuth, nodesMaxAge, web, max);
        }

        /** The same, with login on and the admin's password given. */
        public Config withAuth(String adminPassword, Duration sessionTtl) {
            return new Config(redisUrl, dbUrl, dbUser, dbPassword, port, bind, alertCpu, alertMemory, alertDisk,
                    alertAfter, adminPassword, sessionTtl, false, nodesMaxAge, web, maxUnplaced);
        }

        /** The same, sharing one reading of the nodes for up to {@code maxAge}. */
        public Config withNodesMaxAge(Duration maxAge) {
            return new Config(redisUrl, dbUrl, dbUser, dbPassword, port, bind, alertCpu, alertMemory, alertDisk,
                    alertAfter, adminPassword, sessionTtl, noAuth, maxAge, web, maxUnplaced);
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    /** Handles the requests answered without the database. */
    private final ThreadPoolExecutor quickPool;
    /** Reads requests and hands them to {@link #pool}. */
    private final ThreadPoolExecutor readers;
    /** Reads the nodes ahead of the requests that will want them. */
    private final ThreadPoolExecutor background;
    private final ConnectionPool connections;
    private final String generatedAdminPassword;
    private final Router router;
    private final InstallationWatch installation;
    private final Tls tls;
    private final Path firstPasswordFile;

    /**
     * Makes the server (not yet listening). With login on, an {@code admin} account is made if
     * there is none (or given the configured password).
     *
     * @throws java.sql.SQLException when the admin account cannot be made
     * @throws IllegalArgumentException when the configuration would expose the API ({@link Config#checked})
     */
    public ApiServer(Config config, Redis redis, Database database) throws IOException, SQLException {
        setHttpServerProperties();
        config.checked();
        this.firstPasswordFile = config.web().dataDir().resolve(FIRST_PASSWORD_FILE);
        HostCheck hosts = HostCheck.forBind(config.bind(), config.web().hostNames());
        this.tls = config.web().tls() ? Tls.load(config.web(), hosts.names()) : null;
        this.connections = new ConnectionPool(database, HANDLER_THREADS);
        this.server = listening(new InetSocketAddress(config.bind(), config.port()), tls);
        this.readers = new ThreadPoolExecutor(2, READER_THREADS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), Threads.named("colmena-http-read", true), new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(readers);
        this.pool = handlers(HANDLER_THREADS, "colmena-http");
        this.quickPool = handlers(QUICK_HANDLER_THREADS, "colmena-http-quick");
        this.background = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Threads.named("colmena-nodes-read", true));
        background.allowCoreThreadTimeOut(true);
        this.installation = new InstallationWatch("API", redis, database.shortName(),
                () -> connections.inTransaction(InstallationStore::read));
        UserStore users = new UserStore(connections);
        this.generatedAdminPassword = config.noAuth() ? null : ensureAdmin(users, config.adminPassword());
        if (config.noAuth()) {
            users.audit("system", "no_auth_start", "api", config.bind(), "started with --no-auth: no login, everyone is admin");
        }
        router = new ApiRoutes(config, redis, users, database, connections, installation, background, firstPasswordFile)
                .router();
        router.handOn(new HandlerGate(quickPool, pool));
        server.createContext("/api/", router).getFilters().add(hosts);
        server.createContext("/metrics", router).getFilters().add(hosts);
        server.createContext("/", new StaticFiles()).getFilters().addAll(List.of(hosts, new HandlerGate(quickPool)));
    }

    /** Settings the JDK's HTTP server reads once, when its first server is made. */
    private static void setHttpServerProperties() {
        // Read once by the JDK when its first server is made: the time a request may take to arrive.
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS));
        // Answers go out as soon as they are written: without it, the last part of an answer can wait
        // for the client's delayed acknowledgement.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** The server bound to {@code address}: HTTPS with {@code tls}, plain HTTP without. */
    private static HttpServer listening(InetSocketAddress address, Tls tls) throws IOException {
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 256);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.context()));
            return https;
        }
        return HttpServer.create(address, 256);
    }

    /** A fixed pool of request handlers with a bounded queue, rejecting work beyond it. */
    private static ThreadPoolExecutor handlers(int threads, String name) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(HANDLER_QUEUE), Threads.named(name, true),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Makes sure an admin can log in: with a password given, the {@code admin} account gets it;
     * with none and no admin yet, {@code admin} is made with a random password, returned to be
     * printed once. Only its hash is stored.
     */
    private static String ensureAdmin(UserStore users, String configured) throws SQLException {
        if (configured != null) {
            users.put("admin", Role.ADMIN, configured);
            users.audit("system", "admin_password_set", "admin", null, "from --admin-password / COLMENA_ADMIN_PASSWORD");
            return null;
        }
        if (users.adminCount() > 0) {
            return null;
        }
        String password = Passwords.readable();
        users.put("admin", Role.ADMIN, password);
        users.audit("system", "user_created", "admin", null, "first start: random password printed once");
        return password;
    }

    /**
     * Where the API command leaves a first-start admin password when no terminal shows it (the
     * start scripts read it from there); deleted at the admin's first login.
     */
    public static final String FIRST_PASSWORD_FILE = "admin-password.txt";

    /** The file {@link #FIRST_PASSWORD_FILE} of this server's data folder. */
    public Path firstPasswordFile() {
        return firstPasswordFile;
    }

    /** The admin password made on this start, to print once; null when none was made. */
    public String generatedAdminPassword() {
        return generatedAdminPassword;
    }

    public void start() {
        installation.start();
        server.start();
    }

    /** Every route, as wired (for the test that holds the API description to it). */
    List<Router.Route> routes() {
        return router.routes();
    }

    /** The SHA-256 fingerprint of the certificate served, or null without TLS. */
    public String tlsFingerprint() {
        return tls == null ? null : tls.fingerprint();
    }

    /** Whether the served certificate was made on this start (a self-signed one, under the data folder). */
    public boolean tlsCertificateMade() {
        return tls != null && tls.made();
    }

    /** The keystore served from, or null without TLS. */
    public Path tlsKeystore() {
        return tls == null ? null : tls.keystore();
    }

    /** The port actually listened on (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Why this API refuses to serve (its database and Redis belong to different installations), or null. */
    public String refusal() {
        return installation.state().problem();
    }

    public void stop() {
        installation.stop();
        server.stop(1);
        pool.shutdownNow();
        quickPool.shutdownNow();
        readers.shutdownNow();
        background.shutdownNow();
        connections.close();
        LOG.info("API stopped");
    }
}
