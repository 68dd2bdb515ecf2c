package colmena.api;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.install.Installation;
import colmena.install.InstallationStore;
import colmena.install.InstallationWatch;
import colmena.install.Stamp;
import colmena.store.ConnectionPool;
import com.google.gson.JsonElement;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/installation} and {@code POST /api/installation} (an admin renames it), and the
 * installation part of {@code /api/health}. While the database and Redis belong to different
 * installations, every other endpoint answers 503 with the reason ({@link #refusal()}).
 */
final class InstallationApi {
    private final InstallationWatch watch;
    private final ConnectionPool db;
    private final AuditTrail audit;
    private final Redis redis;

    InstallationApi(InstallationWatch watch, Redis redis, ConnectionPool db, AuditTrail audit) {
        this.redis = redis;
        this.watch = watch;
        this.db = db;
        this.audit = audit;
    }

    /** Why this API refuses to serve, or null. */
    String refusal() {
        return watch.state().problem();
    }

    /** {@code GET /api/installation}: id, name and namespace (id and name null while none is made). */
    Object get(Request r) {
        return describe();
    }

    Map<String, Object> describe() {
        InstallationWatch.State s = watch.state();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.installation() == null ? null : s.installation().id());
        out.put("name", s.installation() == null ? null : s.installation().name());
        out.put("namespace", RedisKeys.namespace());
        if (s.problem() != null) {
            out.put("problem", s.problem());
        }
        return out;
    }

    /** {@code POST /api/installation {"name": "..."}}: a new name, in the database and in Redis's stamp. */
    Object rename(Request r) throws Exception {
        JsonElement name = r.jsonBody().get("name");
        if (name == null || !name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()) {
            throw ApiException.badRequest("expected {\"name\": \"...\"}");
        }
        String wanted = name.getAsString();
        if (!Installation.isValidName(wanted)) {
            throw ApiException.badRequest(invalidName(wanted));
        }
        Installation renamed = db.inTransaction(c -> InstallationStore.rename(c, wanted));
        if (renamed == null) {
            throw new ApiException(409, "no installation yet: start a coordinator first, it makes one");
        }
        Stamp.rename(redis, renamed);
        audit.record(r, "installation_rename", renamed.id(), wanted);
        watch.check(true);
        return describe();
    }

    private static String invalidName(String wanted) {
        try {
            Installation.validName(wanted);
            return "invalid name";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
