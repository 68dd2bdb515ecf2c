package colmena.broker;

import colmena.TestRedis;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which Redis the suite runs against, so a run under wine cannot quietly use the Linux build. */
class RedisVersionTest {
    @Test
    void theSuiteRunsAgainstTheRedisItWasAskedFor() {
        try (Redis redis = TestRedis.fresh()) {
            String info = redis.call(j -> j.info("server"));
            if (TestRedis.underWine()) {
                assertTrue(info.contains("redis_version:5.0.14"), info);
                assertTrue(info.contains("os:Windows"), "the Windows build: " + info);
                assertEquals(false, redis.hasBlmove(), "Redis 5.0 has no BLMOVE: the polling fallback is used");
            } else {
                assertTrue(Redis.versionAtLeast(info, 6, 2), info);
            }
        }
    }
}
