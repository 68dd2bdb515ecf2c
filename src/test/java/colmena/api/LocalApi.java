package colmena.api;

import colmena.TestDatabase;
import colmena.TestHttp;
import colmena.TestRedis;
import colmena.broker.Redis;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An API without login on a fresh Redis and a fresh database, for a test class
 * ({@code @RegisterExtension static final LocalApi api = new LocalApi()}): started before the
 * class's own {@code @BeforeAll}, stopped after the class.
 */
final class LocalApi implements BeforeAllCallback, AfterAllCallback {
    private Redis redis;
    private ApiServer server;
    private final TestHttp http = new TestHttp(() -> server.port());

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        redis = TestRedis.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0), redis, TestDatabase.fresh());
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Requests to this API. */
    TestHttp http() {
        return http;
    }

    /** The API's Redis. */
    Redis redis() {
        return redis;
    }
}
