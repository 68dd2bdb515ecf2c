package colmena.broker;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.exceptions.JedisException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.function.Function;

/**
 * A pool of connections to one Redis, named by a URL ({@code redis://user:pass@host:port/db},
 * {@code rediss://} for TLS). Borrow with {@link #call}; failures surface as {@link JedisException}
 * for the caller's retry loop.
 */
public final class Redis implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    /** Blocking commands wait at most this long, so a socket read must outlast it. */
    private static final int SOCKET_TIMEOUT_MS = 10_000;

    private final JedisPool pool;
    private final String url;
    private final String user;
    private volatile Boolean hasBlmove;
    private final RedisClock clock = new RedisClock(this);

    private Redis(JedisPool pool, String url, String user) {
        this.pool = pool;
        this.url = url;
        this.user = user;
    }

    /**
     * Makes a pool for {@code url}; nothing is connected yet.
     *
     * @param maxConnections the most connections borrowed at once (each blocking loop holds one)
     * @throws IllegalArgumentException naming what is wrong with the URL
     */
    public static Redis connect(String url, int maxConnections) {
        URI uri = parse(url);
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(maxConnections);
        config.setMaxIdle(maxConnections);
        config.setMinIdle(0);
        config.setMaxWait(Duration.ofSeconds(5));
        config.setTestOnBorrow(false);
        config.setTestWhileIdle(true);
        config.setJmxEnabled(false);
        return new Redis(new JedisPool(config, uri, CONNECT_TIMEOUT_MS, SOCKET_TIMEOUT_MS), redact(uri), user(uri));
    }

    /**
     * The ACL user named in {@code url}, or null for the default user.
     *
     * @throws IllegalArgumentException naming what is wrong with the URL
     */
    public static String userOf(String url) {
        return user(parse(url));
    }

    /** The ACL user named in the URL ({@code redis://USER:pass@...}), or null for the default user. */
    static String user(URI uri) {
        String info = uri.getUserInfo();
        if (info == null) {
            return null;
        }
        int colon = info.indexOf(':');
        String name = colon >= 0 ? info.substring(0, colon) : null;
        return name == null || name.isEmpty() || name.equals("default") ? null : name;
    }

    static URI parse(String url) {
        try {
            URI uri = new URI(url);
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new IllegalArgumentException("Redis URL must start with redis:// or rediss://, got \"" + url + "\"");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("Redis URL has no host: \"" + url + "\"");
            }
            if (uri.getPort() == -1) {
                uri = new URI(uri.getScheme(), uri.getUserInfo(), uri.getHost(), 6379, uri.getPath(), null, null);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URL: \"" + url + "\" (" + e.getReason() + ")");
        }
    }

    /** The URL without its password, for logs. */
    static String redact(URI uri) {
        String user = uri.getUserInfo();
        String auth = "";
        if (user != null) {
            int colon = user.indexOf(':');
            auth = (colon >= 0 ? user.substring(0, colon) + ":***" : "***") + "@";
        }
        return uri.getScheme() + "://" + auth + uri.getHost() + ":" + uri.getPort()
                + (uri.getPath() == null ? "" : uri.getPath());
    }

    public String url() {
        return url;
    }

    /** Redis's clock, the one all times in TaskHistory are read on. */
    public RedisClock clock() {
        return clock;
    }

    /** The ACL user this pool logs in as, or null for the default user (the control plane's). */
    public String user() {
        return user;
    }

    public <T> T call(Function<Jedis, T> action) {
        try (Jedis jedis = pool.getResource()) {
            return action.apply(jedis);
        }
    }

    /**
     * Checks that Redis answers.
     *
     * @throws JedisException when it does not
     */
    public void ping() {
        call(Jedis::ping);
    }

    /** BLMOVE needs Redis 6.2; older servers (the bundled Windows one is 5.0) are polled instead. */
    public boolean hasBlmove() {
        Boolean known = hasBlmove;
        if (known == null) {
            String info = call(j -> j.info("server"));
            known = versionAtLeast(info, 6, 2);
            hasBlmove = known;
        }
        return known;
    }

    /** Forgets what was learned of the server, after it may have been replaced. */
    public void forgetServer() {
        hasBlmove = null;
    }

    static boolean versionAtLeast(String info, int major, int minor) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                String[] parts = line.substring("redis_version:".length()).trim().split("\\.");
                int maj = Integer.parseInt(parts[0]);
                int min = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                return maj > major || (maj == major && min >= minor);
            }
        }
        return false;
    }

    @Override
    public void close() {
        pool.close();
    }
}
