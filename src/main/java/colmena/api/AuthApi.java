package colmena.api;

import colmena.auth.Passwords;
import colmena.auth.Principal;
import colmena.auth.Role;
import colmena.auth.UserStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Logging in and out, who am I, and (for admins) users, API tokens and the audit log. */
final class AuthApi {
    private final Auth auth;
    private final UserStore users;
    private final AuditTrail audit;

    private final Path firstPasswordFile;

    AuthApi(Auth auth, UserStore users, AuditTrail audit, Path firstPasswordFile) {
        this.auth = auth;
        this.users = users;
        this.audit = audit;
        this.firstPasswordFile = firstPasswordFile;
    }

    /** {@code POST /api/login} {"user", "password"}: sets the session cookie. */
    Object login(Request r) throws Exception {
        JsonObject body = r.jsonBody();
        String user = text(body, "user");
        String password = text(body, "password");
        Principal checked = auth.check(user, password, r.address(), "dashboard");
        Map.Entry<String, Principal> session = auth.startSession(checked);
        r.exchange().getResponseHeaders().add("Set-Cookie", auth.setCookie(session.getKey()));
        audit.record(new Request(r.exchange(), Map.of(), checked), "login", checked.user(), null);
        if (checked.user().equals("admin")) {
            forgetFirstPassword();
        }
        return me(session.getValue());
    }

    /** The first-start password file has served once the admin has logged in: it goes (best effort, logged). */
    private void forgetFirstPassword() {
        try {
            if (firstPasswordFile != null && Files.deleteIfExists(firstPasswordFile)) {
                LoggerFactory.getLogger(AuthApi.class).info("The admin has logged in: {} deleted", firstPasswordFile);
            }
        } catch (IOException e) {
            LoggerFactory.getLogger(AuthApi.class).warn("Could not delete {} ({}); delete it by hand",
                    firstPasswordFile, e.getMessage());
        }
    }

    /** {@code POST /api/logout} */
    Object logout(Request r) {
        auth.endSession(r.exchange());
        r.exchange().getResponseHeaders().add("Set-Cookie", auth.clearCookie());
        audit.record(r, "logout", r.principal().user(), null);
        return Map.of("loggedOut", true);
    }

    /** {@code POST /api/logout/everywhere}: ends every session of the caller's user, this one too. */
    Object logoutEverywhere(Request r) throws Exception {
        Principal p = r.principal();
        if (!p.bySession() && !"basic".equals(p.via())) {
            throw ApiException.badRequest("signing out everywhere is for a user (a dashboard session or user:password), not "
                    + ("open".equals(p.via()) ? "a server without login" : "an API token; revoke the token instead"));
        }
        auth.endSessions(p.user());
        auth.endSession(r.exchange());
        r.exchange().getResponseHeaders().add("Set-Cookie", auth.clearCookie());
        audit.record(r, "logout_everywhere", p.user(), null);
        return Map.of("loggedOut", true, "everywhere", true);
    }

    /** {@code POST /api/users/{name}/logout}: an admin ends every session of a user. */
    Object endUserSessions(Request r) throws Exception {
        String name = UserStore.canonical(r.path("name"));
        if (!auth.endSessions(name)) {
            throw ApiException.notFound("no user \"" + name + "\"");
        }
        audit.record(r, "sessions_ended", name, null);
        return Map.of("user", name, "sessionsEnded", true);
    }

    /** {@code GET /api/me} */
    Object whoAmI(Request r) {
        return me(r.principal());
    }

    private Map<String, Object> me(Principal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", p.user());
        m.put("role", p.role().label());
        m.put("via", p.via());
        m.put("csrf", p.csrf());
        m.put("auth", auth.isOpen() ? "off" : "on");
        return m;
    }

    // ---- tokens ------------------------------------------------------------------------------

    /** {@code GET /api/tokens} */
    Object tokens(Request r) throws Exception {
        return Map.of("tokens", users.tokens());
    }

    /** {@code POST /api/tokens} {"name", "role"}: the token is in this answer and nowhere else. */
    Object createToken(Request r) throws Exception {
        JsonObject body = r.jsonBody();
        String name = text(body, "name");
        if (name.isBlank() || name.length() > 100) {
            throw field("name must be 1 to 100 characters", "name");
        }
        Role role = role(body);
        Instant expiresAt = expiry(body);
        String token = "colmena_" + Passwords.secret(32);
        long id = users.addToken(name, r.principal().user(), role, Passwords.sha256(token), expiresAt);
        audit.record(r, "token_created", name, "role " + role.label() + ", id " + id
                + (expiresAt == null ? "" : ", expires " + expiresAt));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("name", name);
        out.put("role", role.label());
        out.put("token", token);
        out.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
        return Response.json(201, out);
    }

    /** Longest life a token may be given, in days. */
    static final int MAX_TOKEN_DAYS = 3_650;

    /** {@code "expiresInDays": N} (optional; absent or null: the token lasts until revoked). */
    private static Instant expiry(JsonObject body) {
        JsonElement e = body.get("expiresInDays");
        if (e == null || e.isJsonNull()) {
            return null;
        }
        double days;
        try {
            days = e.getAsDouble();
        } catch (RuntimeException bad) {
            throw field("expiresInDays must be a number of days, got " + e, "expiresInDays");
        }
        if (!(days * 86_400 >= 1 && days <= MAX_TOKEN_DAYS)) {
            throw field("expiresInDays must be a number of days from 1 second (0.0000116) to " + MAX_TOKEN_DAYS + ", got " + e,
                    "expiresInDays");
        }
        return Instant.now().plusMillis((long) (days * 86_400_000L));
    }

    /** {@code DELETE /api/tokens/{id}} */
    Object revokeToken(Request r) throws Exception {
        long id;
        try {
            id = Long.parseLong(r.path("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("token id must be a number, got \"" + r.path("id") + "\"");
        }
        if (!users.revoke(id)) {
            throw ApiException.notFound("no live token " + id);
        }
        audit.record(r, "token_revoked", Long.toString(id), null);
        return Map.of("id", id, "revoked", true);
    }

    // ---- users -------------------------------------------------------------------------------

    /** {@code GET /api/users} */
    Object users(Request r) throws Exception {
        return Map.of("users", users.users());
    }

    /** {@code POST /api/users} {"user", "password", "role"}: creates a user, or sets a user's password and role. */
    Object putUser(Request r) throws Exception {
        JsonObject body = r.jsonBody();
        String name = UserStore.canonical(text(body, "user"));
        if (!UserStore.USER_NAME.matcher(name).matches()) {
            throw field("user must be 1 to 64 letters, digits, '.', '_', '@' or '-'", "user");
        }
        String password = text(body, "password");
        if (password.length() < UserStore.MIN_PASSWORD) {
            throw field("password must be at least " + UserStore.MIN_PASSWORD + " characters", "password");
        }
        Role role = role(body);
        boolean existed = users.exists(name);
        if (existed && role != Role.ADMIN && isLastAdmin(name)) {
            throw new ApiException(409, name + " is the last admin; make another admin first");
        }
        boolean sessionsEnded = users.put(name, role, password);
        auth.forgetCached();
        if (sessionsEnded && r.principal().bySession() && name.equals(UserStore.canonical(r.principal().user()))) {
            // An admin who changed their own password keeps this session; only the others end.
            Map.Entry<String, Principal> fresh = auth.startSession(r.principal(), r.principal().csrf());
            auth.endSession(r.exchange());
            r.exchange().getResponseHeaders().add("Set-Cookie", auth.setCookie(fresh.getKey()));
        }
        audit.record(r, existed ? "user_changed" : "user_created", name, "role " + role.label()
                + (sessionsEnded ? "; sessions ended" : ""));
        return Response.json(existed ? 200 : 201, Map.of("user", name, "role", role.label()));
    }

    /** {@code DELETE /api/users/{name}} */
    Object deleteUser(Request r) throws Exception {
        String name = UserStore.canonical(r.path("name"));
        if (name.equals(UserStore.canonical(r.principal().user()))) {
            throw new ApiException(409, "you cannot delete yourself");
        }
        if (isLastAdmin(name)) {
            throw new ApiException(409, name + " is the last admin");
        }
        if (!users.delete(name)) {
            throw ApiException.notFound("no user \"" + name + "\"");
        }
        auth.forgetCached();
        audit.record(r, "user_deleted", name, null);
        return Map.of("user", name, "deleted", true);
    }

    private boolean isLastAdmin(String name) throws Exception {
        var stored = users.credentials(name);
        return stored != null && stored.getValue() == Role.ADMIN && users.adminCount() <= 1;
    }

    /** {@code GET /api/audit?limit=} */
    Object audit(Request r) throws Exception {
        int limit = (int) Request.wholeNumber(r.query(), "limit", 100, 1, 1_000);
        return Map.of("entries", users.audit(limit).stream().map(AuditPhrases::entry).toList());
    }

    private static Role role(JsonObject body) {
        try {
            return Role.parse(text(body, "role"));
        } catch (IllegalArgumentException e) {
            throw field(e.getMessage(), "role");
        }
    }

    private static String text(JsonObject body, String name) {
        JsonElement e = body.get(name);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw field(name + " is required (text)", name);
        }
        return e.getAsString();
    }

    private static ApiException field(String message, String field) {
        return new ApiException(400, message, Map.of("field", field));
    }

}
