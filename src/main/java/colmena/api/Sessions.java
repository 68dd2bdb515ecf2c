package colmena.api;

import colmena.auth.Passwords;
import colmena.auth.Principal;
import colmena.auth.Role;
import colmena.auth.SessionSeal;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Dashboard sessions: an HttpOnly, SameSite=Strict cookie whose hash keys a Redis entry signed
 * with a key only this process and the database hold (see {@link SessionSeal}). The entry carries
 * its user's session epoch, so a password or role change, or "sign out everywhere", ends it.
 */
final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    static final String COOKIE = "colmena_session";

    /** What Redis keeps of a session; {@code sig} covers every other field and the cookie's hash. */
    private record Session(String user, String role, String csrf, int epoch, long expiresAtMs, String sig) {
        boolean signedBy(SessionSeal seal, String idHash) {
            return seal.verify(sig, idHash, user, role, csrf, epoch, expiresAtMs);
        }
    }

    private final Redis redis;
    private final SessionSeal seal;
    private final Accounts accounts;
    private final Duration ttl;
    private final boolean secureCookies;

    Sessions(Redis redis, SessionSeal seal, Accounts accounts, Duration ttl, boolean secureCookies) {
        this.redis = redis;
        this.seal = seal;
        this.accounts = accounts;
        this.ttl = ttl;
        this.secureCookies = secureCookies;
    }

    /**
     * The caller of a request with the session cookie, or null when it has none.
     *
     * @throws ApiException 401 for a session that ended, expired, is not signed, or whose user's
     *                      epoch moved on (or who is gone)
     */
    Principal caller(HttpExchange ex) {
        String sessionId = cookie(ex, COOKIE);
        if (sessionId == null) {
            return null;
        }
        String idHash = Passwords.sha256(sessionId);
        String json = redis.call(j -> j.get(RedisKeys.session(idHash)));
        if (json == null) {
            throw new ApiException(401, "your session has ended; log in again");
        }
        Session s = read(json);
        if (s == null || !s.signedBy(seal, idHash)) {
            // Written by someone who can write Redis but does not hold the key: never a login.
            redis.call(j -> j.del(RedisKeys.session(idHash)));
            LOG.warn("A session in Redis had no valid signature (from {}); it was deleted", Auth.address(ex));
            throw new ApiException(401, "your session has ended; log in again");
        }
        if (s.expiresAtMs() <= System.currentTimeMillis()) {
            throw new ApiException(401, "your session has ended; log in again");
        }
        Accounts.Account now;
        try {
            now = accounts.current(s.user());
        } catch (SQLException e) {
            // The database is away: the session's own (signed) role stands meanwhile.
            now = new Accounts.Account(Role.parse(s.role()), s.epoch(), 0);
        }
        if (now.role() == null || now.epoch() != s.epoch()) {
            redis.call(j -> j.del(RedisKeys.session(idHash)));
            throw new ApiException(401, now.role() == null ? "this account no longer exists"
                    : "your session was ended (password or role changed, or signed out everywhere); log in again");
        }
        return new Principal(s.user(), now.role(), "session", s.csrf());
    }

    private static Session read(String json) {
        try {
            return Json.GSON.fromJson(json, Session.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Starts a signed session for a checked user, at the user's current epoch, keeping the CSRF
     * token given; returns the cookie value and the principal with its CSRF token.
     */
    Map.Entry<String, Principal> start(Principal user, String csrf) throws SQLException {
        accounts.forget(user.user());
        Accounts.Account account = accounts.current(user.user());
        if (account.role() == null) {
            throw new ApiException(401, "this account no longer exists");
        }
        String id = Passwords.secret(32);
        String idHash = Passwords.sha256(id);
        long expiresAtMs = System.currentTimeMillis() + ttl.toMillis();
        String role = account.role().label();
        String sig = seal.sign(idHash, user.user(), role, csrf, account.epoch(), expiresAtMs);
        String json = Json.write(new Session(user.user(), role, csrf, account.epoch(), expiresAtMs, sig));
        redis.call(j -> j.psetex(RedisKeys.session(idHash), ttl.toMillis(), json));
        return Map.entry(id, new Principal(user.user(), account.role(), "session", csrf));
    }

    /** Ends the session the request's cookie names, if any. */
    void end(HttpExchange ex) {
        String id = cookie(ex, COOKIE);
        if (id != null) {
            redis.call(j -> j.del(RedisKeys.session(Passwords.sha256(id))));
        }
    }

    String setCookie(String id) {
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + ttl.toSeconds()
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
}
