package colmena.api;

import colmena.auth.Passwords;
import colmena.auth.Principal;
import colmena.auth.Role;
import colmena.auth.SessionSeal;
import colmena.auth.UserStore;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is calling: a dashboard session (an HttpOnly, SameSite=Strict cookie whose hash keys a
 * Redis entry signed with a key only this process and the database hold, see {@link SessionSeal};
 * it carries its user's session epoch, so a password or role change, or "sign out everywhere",
 * ends it), an API token ({@code Authorization: Bearer}), or a user's name and password
 * ({@code Authorization: Basic}, as {@code curl -u} sends). Failed logins from one address are
 * slowed down; passwords are checked against salted PBKDF2 hashes only.
 */
final class Auth {
    private static final Logger LOG = LoggerFactory.getLogger(Auth.class);
    static final String COOKIE = "colmena_session";
    /** A Basic login that succeeded is trusted this long without hashing the password again. */
    private static final long BASIC_CACHE_MS = 60_000;

    private final UserStore users;
    private final Redis redis;
    private final Duration sessionTtl;
    private final boolean open;
    private final LoginThrottle throttle = new LoginThrottle();
    private final FailedLogins failures;
    private final Map<String, CachedBasic> basicCache = new ConcurrentHashMap<>();

    private record CachedBasic(Principal principal, int epoch, long untilMs) {
    }

    /** What Redis keeps of a session; {@code sig} covers every other field and the cookie's hash. */
    private record Session(String user, String role, String csrf, int epoch, long expiresAtMs, String sig) {
        boolean signedBy(SessionSeal seal, String idHash) {
            return seal.verify(sig, idHash, user, role, csrf, epoch, expiresAtMs);
        }
    }

    private final SessionSeal seal;
    private final boolean secureCookies;

    Auth(UserStore users, Redis redis, Duration sessionTtl, boolean open) throws SQLException {
        this(users, redis, sessionTtl, open, false);
    }

    /**
     * @param secureCookies whether cookies are marked {@code Secure} (the API speaks HTTPS)
     * @throws SQLException when the session key cannot be read or made
     */
    Auth(UserStore users, Redis redis, Duration sessionTtl, boolean open, boolean secureCookies) throws SQLException {
        this.users = users;
        this.redis = redis;
        this.sessionTtl = sessionTtl;
        this.open = open;
        this.secureCookies = secureCookies;
        this.seal = new SessionSeal(users.secret(SessionSeal.KEY_NAME));
        this.failures = new FailedLogins(users);
    }

    /** Ends every session of {@code user} (everywhere, on every API process within {@link #ROLE_CACHE_MS}). */
    boolean endSessions(String user) throws SQLException {
        boolean found = users.endSessions(user);
        forgetCached();
        return found;
    }

    boolean isOpen() {
        return open;
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
                    throw new ApiException(401, "this API token is not valid (unknown, revoked or expired)");
                }
                noteTokenUse(t, address(ex));
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
        String idHash = Passwords.sha256(sessionId);
        String json = redis.call(j -> j.get(RedisKeys.session(idHash)));
        if (json == null) {
            throw new ApiException(401, "your session has ended; log in again");
        }
        Session s = readSession(json);
        if (s == null || !s.signedBy(seal, idHash)) {
            // Written by someone who can write Redis but does not hold the key: never a login.
            redis.call(j -> j.del(RedisKeys.session(idHash)));
            LOG.warn("A session in Redis had no valid signature (from {}); it was deleted", address(ex));
            throw new ApiException(401, "your session has ended; log in again");
        }
        if (s.expiresAtMs() <= System.currentTimeMillis()) {
            throw new ApiException(401, "your session has ended; log in again");
        }
        CachedAccount now;
        try {
            now = currentAccount(s.user());
        } catch (SQLException e) {
            // The database is away: the session's own (signed) role stands meanwhile.
            now = new CachedAccount(Role.parse(s.role()), s.epoch(), 0);
        }
        if (now.role() == null || now.epoch() != s.epoch()) {
            redis.call(j -> j.del(RedisKeys.session(idHash)));
            throw new ApiException(401, now.role() == null ? "this account no longer exists"
                    : "your session was ended (password or role changed, or signed out everywhere); log in again");
        }
        return new Principal(s.user(), now.role(), "session", s.csrf());
    }

    private static Session readSession(String json) {
        try {
            return Json.GSON.fromJson(json, Session.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** How often one token's use is written to the audit log at most. */
    private static final long TOKEN_AUDIT_MS = 3_600_000;

    /** Audits a token's first use, and its first use after an hour's rest: enough to see who used it, without a row per request. */
    private void noteTokenUse(UserStore.Token t, String address) {
        if (t.lastUsedAt() != null && t.lastUsedAt().toEpochMilli() > System.currentTimeMillis() - TOKEN_AUDIT_MS) {
            return;
        }
        try {
            users.audit("token \"" + t.name() + "\" of " + t.user(), "token_used", Long.toString(t.id()), address,
                    t.lastUsedAt() == null ? "first use" : "first use since " + t.lastUsedAt());
        } catch (SQLException e) {
            LOG.warn("Audit row not written (token_used {}): {}", t.id(), e.getMessage());
        }
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
            // A password changed elsewhere (another API, admin reset-password) moves the epoch: checked again.
            CachedAccount now = currentAccount(cached.principal().user());
            if (now.role() != null && now.epoch() == cached.epoch()) {
                return new Principal(cached.principal().user(), now.role(), "basic", null);
            }
            basicCache.remove(key);
        }
        Principal p = check(decoded.substring(0, colon), decoded.substring(colon + 1), address, "basic");
        basicCache.put(key, new CachedBasic(p, currentAccount(p.user()).epoch(), System.currentTimeMillis() + BASIC_CACHE_MS));
        return p;
    }

    /**
     * Checks a name and password, slowing down an address after repeated failures.
     *
     * @throws ApiException 401 when they do not match, 429 while the address must wait
     */
    Principal check(String user, String password, String address, String via) throws SQLException {
        user = UserStore.canonical(user);
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
            UserStore.Account stored = user == null ? null : users.account(user);
            // An unknown user costs the same hashing as a known one, so timing does not tell them apart.
            boolean ok = Passwords.matches(password, stored == null ? dummyHash() : stored.passwordHash()) && stored != null;
            outcome = ok;
            if (!ok) {
                failures.onFailure(user, address, via);
                throw new ApiException(401, "wrong user name or password");
            }
            return new Principal(stored.name(), stored.role(), via, null);
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

    /** A user's role as stored now; null when the user is gone. */
    private Role currentRole(String user) throws SQLException {
        return currentAccount(user).role();
    }

    /**
     * A user's role and session epoch as stored now, read at most every {@link #ROLE_CACHE_MS}
     * (a role of null: the user is gone).
     */
    private CachedAccount currentAccount(String user) throws SQLException {
        String name = UserStore.canonical(user);
        CachedAccount c = roles.get(name);
        long now = System.currentTimeMillis();
        if (c != null && c.untilMs() > now) {
            return c;
        }
        UserStore.Account stored;
        try {
            stored = users.account(name);
        } catch (SQLException e) {
            if (c != null) {
                return c; // the database is away: what was last read stands meanwhile
            }
            throw e;
        }
        CachedAccount read = stored == null ? new CachedAccount(null, -1, now + ROLE_CACHE_MS)
                : new CachedAccount(stored.role(), stored.sessionEpoch(), now + ROLE_CACHE_MS);
        roles.put(name, read);
        return read;
    }

    /** How long a user's role and epoch are trusted before they are read again (a change takes effect within this). */
    static final long ROLE_CACHE_MS = 2_000;

    private record CachedAccount(Role role, int epoch, long untilMs) {
    }

    private final Map<String, CachedAccount> roles = new ConcurrentHashMap<>();

    /**
     * Starts a signed session for a checked user, at the user's current epoch; returns the cookie
     * value and the principal with its CSRF token.
     */
    Map.Entry<String, Principal> startSession(Principal user) throws SQLException {
        return startSession(user, Passwords.secret(24));
    }

    /** The same, keeping a CSRF token the page already holds (a session renewed under it). */
    Map.Entry<String, Principal> startSession(Principal user, String csrf) throws SQLException {
        roles.remove(UserStore.canonical(user.user()));
        CachedAccount account = currentAccount(user.user());
        if (account.role() == null) {
            throw new ApiException(401, "this account no longer exists");
        }
        String id = Passwords.secret(32);
        String idHash = Passwords.sha256(id);
        long expiresAtMs = System.currentTimeMillis() + sessionTtl.toMillis();
        String role = account.role().label();
        String sig = seal.sign(idHash, user.user(), role, csrf, account.epoch(), expiresAtMs);
        String json = Json.write(new Session(user.user(), role, csrf, account.epoch(), expiresAtMs, sig));
        redis.call(j -> j.psetex(RedisKeys.session(idHash), sessionTtl.toMillis(), json));
        return Map.entry(id, new Principal(user.user(), account.role(), "session", csrf));
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
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + sessionTtl.toSeconds()
                + (secureCookies ? "; Secure" : "");
    }

    String clearCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secureCookies ? "; Secure" : "");
    }

    static String cookie(HttpExchange ex, String name) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
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
