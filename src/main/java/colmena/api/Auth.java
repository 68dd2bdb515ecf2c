package colmena.api;

import colmena.auth.Passwords;
import colmena.auth.Principal;
import colmena.auth.Role;
import colmena.auth.SessionSeal;
import colmena.auth.UserStore;
import colmena.broker.Redis;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is calling: a dashboard session (see {@link Sessions}), an API token
 * ({@code Authorization: Bearer}), or a user's name and password ({@code Authorization: Basic},
 * as {@code curl -u} sends). Failed logins from one address are slowed down; passwords are
 * checked against salted PBKDF2 hashes only.
 */
final class Auth {
    private static final Logger LOG = LoggerFactory.getLogger(Auth.class);
    /** A Basic login that succeeded is trusted this long without hashing the password again. */
    private static final long BASIC_CACHE_MS = 60_000;

    private final UserStore users;
    private final boolean open;
    private final LoginThrottle throttle = new LoginThrottle();
    private final FailedLogins failures;
    private final Map<String, CachedBasic> basicCache = new ConcurrentHashMap<>();
    private final Accounts accounts;
    private final Sessions sessions;

    private record CachedBasic(Principal principal, int epoch, long untilMs) {
    }

    Auth(UserStore users, Redis redis, Duration sessionTtl, boolean open) throws SQLException {
        this(users, redis, sessionTtl, open, false);
    }

    /**
     * @param secureCookies whether cookies are marked {@code Secure} (the API speaks HTTPS)
     * @throws SQLException when the session key cannot be read or made
     */
    Auth(UserStore users, Redis redis, Duration sessionTtl, boolean open, boolean secureCookies) throws SQLException {
        this.users = users;
        this.open = open;
        this.accounts = new Accounts(users);
        this.sessions = new Sessions(redis, new SessionSeal(users.secret(SessionSeal.KEY_NAME)), accounts, sessionTtl,
                secureCookies);
        this.failures = new FailedLogins(users);
    }

    /** Ends every session of {@code user} (everywhere, on every API process within {@link Accounts#ROLE_CACHE_MS}). */
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
        if (header == null) {
            return sessions.caller(ex);
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return bearer(header.substring(7).trim(), address(ex));
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(header.substring(6).trim(), address(ex));
        }
        throw new ApiException(401, "Authorization must be \"Bearer <token>\" or \"Basic <user:password>\"");
    }

    private Principal bearer(String token, String address) throws SQLException {
        UserStore.Token t = users.token(Passwords.sha256(token));
        Role owner = t == null ? null : accounts.role(t.user());
        if (t == null || owner == null) {
            throw new ApiException(401, "this API token is not valid (unknown, revoked or expired)");
        }
        noteTokenUse(t, address);
        // A token never does more than its owner may do now.
        Role role = owner.allows(t.role()) ? t.role() : owner;
        return new Principal("token \"" + t.name() + "\" of " + t.user(), role, "token", null);
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
            Accounts.Account now = accounts.current(cached.principal().user());
            if (now.role() != null && now.epoch() == cached.epoch()) {
                return new Principal(cached.principal().user(), now.role(), "basic", null);
            }
            basicCache.remove(key);
        }
        Principal p = check(decoded.substring(0, colon), decoded.substring(colon + 1), address, "basic");
        basicCache.put(key, new CachedBasic(p, accounts.current(p.user()).epoch(), System.currentTimeMillis() + BASIC_CACHE_MS));
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

    /**
     * Starts a signed session for a checked user, at the user's current epoch; returns the cookie
     * value and the principal with its CSRF token.
     */
    Map.Entry<String, Principal> startSession(Principal user) throws SQLException {
        return sessions.start(user, Passwords.secret(24));
    }

    /** The same, keeping a CSRF token the page already holds (a session renewed under it). */
    Map.Entry<String, Principal> startSession(Principal user, String csrf) throws SQLException {
        return sessions.start(user, csrf);
    }

    void endSession(HttpExchange ex) {
        sessions.end(ex);
    }

    /** Forgets cached Basic logins and roles (after a user or password change). */
    void forgetCached() {
        basicCache.clear();
        accounts.forgetAll();
    }

    String setCookie(String id) {
        return sessions.setCookie(id);
    }

    String clearCookie() {
        return sessions.clearCookie();
    }

    static String address(HttpExchange ex) {
        return ex.getRemoteAddress() == null ? "?" : ex.getRemoteAddress().getAddress().getHostAddress();
    }
}
