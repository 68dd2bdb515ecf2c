package colmena.api;

import colmena.auth.Passwords;
import colmena.auth.Principal;
import colmena.auth.Role;
import colmena.auth.UserStore;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import com.sun.net.httpserver.HttpExchange;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is calling: a dashboard session (an HttpOnly, SameSite=Strict cookie whose hash keys a
 * Redis entry), an API token ({@code Authorization: Bearer}), or a user's name and password
 * ({@code Authorization: Basic}, as {@code curl -u} sends). Failed logins from one address are
 * slowed down; passwords are checked against salted PBKDF2 hashes only.
 */
final class Auth {
    static final String COOKIE = "colmena_session";
    /** A Basic login that succeeded is trusted this long without hashing the password again. */
    private static final long BASIC_CACHE_MS = 60_000;

    private final UserStore users;
    private final Redis redis;
    private final Duration sessionTtl;
    private final boolean open;
    private final LoginThrottle throttle = new LoginThrottle();
    private final Map<String, CachedBasic> basicCache = new ConcurrentHashMap<>();

    private record CachedBasic(Principal principal, long untilMs) {
    }

    private record Session(String user, String role, String csrf) {
    }

    Auth(UserStore users, Redis redis, Duration sessionTtl, boolean open) {
        this.users = users;
        this.redis = redis;
        this.sessionTtl = sessionTtl;
        this.open = open;
    }

    boolean isOpen() {
        return open;
    }

    Duration sessionTtl() {
        return sessionTtl;
    }

    /**
     * The caller, or null when the request carries no credentials.
     *
     * @throws ApiException 401 for credentials that are wrong, expired or revoked; 429 while the address is slowed down
     */
    Principal authenticate(HttpExchange ex) throws SQLException {
        if (open) {
            return new Principal("anonymous", Role.ADMIN, "open", null);
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null) {
            if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                UserStore.Token t = users.token(Passwords.sha256(header.substring(7).trim()));
                Role owner = t == null ? null : currentRole(t.user());
                if (t == null || owner == null) {
                    throw new ApiException(401, "this API token is not valid (unknown or revoked)");
                }
                // A token never does more than its owner may do now.
                Role role = owner.allows(t.role()) ? t.role() : owner;
                return new Principal("token \"" + t.name() + "\" of " + t.user(), role, "token", null);
            }
            if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return basic(header.substring(6).trim(), address(ex));
            }
            throw new ApiException(401, "Authorization must be \"Bearer <token>\" or \"Basic <user:password>\"");
        }
        String sessionId = cookie(ex, COOKIE);
        if (sessionId == null) {
            return null;
        }
        String json = redis.call(j -> j.get(RedisKeys.session(Passwords.sha256(sessionId))));
        if (json == null) {
            throw new ApiException(401, "your session has ended; log in again");
        }
        Session s = Json.GSON.fromJson(json, Session.class);
        Role now;
        try {
            now = currentRole(s.user());
        } catch (SQLException e) {
            now = Role.parse(s.role()); // the database is away: the session's own role stands meanwhile
        }
        if (now == null) {
            redis.call(j -> j.del(RedisKeys.session(Passwords.sha256(sessionId))));
            throw new ApiException(401, "this account no longer exists");
        }
        return new Principal(s.user(), now, "session", s.csrf());
    }

    private Principal basic(String encoded, String address) throws SQLException {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(401, "the Basic credentials are not valid base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new ApiException(401, "Basic credentials must be user:password");
        }
        String key = Passwords.sha256(decoded);
        CachedBasic cached = basicCache.get(key);
        if (cached != null && cached.untilMs() > System.currentTimeMillis()) {
            return cached.principal();
        }
        Principal p = check(decoded.substring(0, colon), decoded.substring(colon + 1), address, "basic");
        basicCache.put(key, new CachedBasic(p, System.currentTimeMillis() + BASIC_CACHE_MS));
        return p;
    }

    /**
     * Checks a name and password, slowing down an address after repeated failures.
     *
     * @throws ApiException 401 when they do not match, 429 while the address must wait
     */
    Principal check(String user, String password, String address, String via) throws SQLException {
        String addressKey = "address:" + address;
        String userKey = "user:" + user;
        throttle.begin(addressKey, LoginThrottle.ADDRESS);
        try {
            throttle.begin(userKey, LoginThrottle.USER);
        } catch (ApiException e) {
            throttle.end(addressKey, LoginThrottle.ADDRESS, null);
            throw e;
        }
        Boolean outcome = null;
        try {
            Map.Entry<String, Role> stored = user == null ? null : users.credentials(user);
            // An unknown user costs the same hashing as a known one, so timing does not tell them apart.
            boolean ok = Passwords.matches(password, stored == null ? dummyHash() : stored.getKey()) && stored != null;
            outcome = ok;
            if (!ok) {
                users.audit(user, "login_failed", user, address, via);
                throw new ApiException(401, "wrong user name or password");
            }
            return new Principal(user, stored.getValue(), via, null);
        } finally {
            throttle.end(addressKey, LoginThrottle.ADDRESS, outcome);
            throttle.end(userKey, LoginThrottle.USER, outcome);
        }
    }

    private volatile String dummyHash;

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = Passwords.hash(Passwords.secret(16));
            dummyHash = h;
        }
        return h;
    }

    /** A user's role as stored now, read at most every {@link #ROLE_CACHE_MS}; null when the user is gone. */
    private Role currentRole(String user) throws SQLException {
        CachedRole c = roles.get(user);
        long now = System.currentTimeMillis();
        if (c != null && c.untilMs() > now) {
            return c.role();
        }
        Map.Entry<String, Role> stored;
        try {
            stored = users.credentials(user);
        } catch (SQLException e) {
            if (c != null) {
                return c.role(); // the database is away: the role last read stands meanwhile
            }
            throw e;
        }
        Role role = stored == null ? null : stored.getValue();
        roles.put(user, new CachedRole(role, now + ROLE_CACHE_MS));
        return role;
    }

    /** How long a user's role is trusted before it is read again (a change takes effect within this). */
    static final long ROLE_CACHE_MS = 2_000;

    private record CachedRole(Role role, long untilMs) {
    }

    private final Map<String, CachedRole> roles = new ConcurrentHashMap<>();

    /** Starts a session for a checked user; returns the cookie value and the principal with its CSRF token. */
    Map.Entry<String, Principal> startSession(Principal user) {
        String id = Passwords.secret(32);
        String csrf = Passwords.secret(24);
        String json = Json.write(new Session(user.user(), user.role().label(), csrf));
        redis.call(j -> j.psetex(RedisKeys.session(Passwords.sha256(id)), sessionTtl.toMillis(), json));
        return Map.entry(id, new Principal(user.user(), user.role(), "session", csrf));
    }

    void endSession(HttpExchange ex) {
        String id = cookie(ex, COOKIE);
        if (id != null) {
            redis.call(j -> j.del(RedisKeys.session(Passwords.sha256(id))));
        }
    }

    /** Forgets cached Basic logins and roles (after a user or password change). */
    void forgetCached() {
        basicCache.clear();
        roles.clear();
    }

    String setCookie(String id) {
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + sessionTtl.toSeconds();
    }

    static String clearCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    static String cookie(HttpExchange ex, String name) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(name + "=")) {
                    String v = p.substring(name.length() + 1);
                    return v.isEmpty() ? null : v;
                }
            }
        }
        return null;
    }

    static String address(HttpExchange ex) {
        return ex.getRemoteAddress() == null ? "?" : ex.getRemoteAddress().getAddress().getHostAddress();
    }
}
