package colmena.api;

import colmena.broker.Redis;
import colmena.store.ConnectionPool;
import com.sun.net.httpserver.HttpExchange;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/health}: whether Redis and the database answer; 503 when either does not. */
final class HealthHandler extends ApiHandler {
    private final Redis redis;
    private final ConnectionPool db;

    HealthHandler(Redis redis, ConnectionPool db) {
        this.redis = redis;
        this.db = db;
    }

    @Override
    Object get(HttpExchange ex, String rest) {
        if (!rest.isEmpty()) {
            throw ApiException.notFound("no such endpoint: " + ex.getRequestURI().getPath());
        }
        boolean redisUp;
        try {
            redis.ping();
            redisUp = true;
        } catch (RuntimeException e) {
            redisUp = false;
        }
        boolean dbUp = db.ping();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", redisUp && dbUp ? "ok" : "degraded");
        body.put("redis", redisUp ? "up" : "down");
        body.put("database", dbUp ? "up" : "down");
        if (!redisUp || !dbUp) {
            throw new ApiException(503, (redisUp ? "the database" : dbUp ? "Redis" : "Redis and the database")
                    + " unreachable", body);
        }
        return body;
    }
}
