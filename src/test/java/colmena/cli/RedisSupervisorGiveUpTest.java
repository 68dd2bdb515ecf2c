package colmena.cli;

import colmena.process.BundledRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The supervisor gives up, non-zero, on a redis-server that will not stay up. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisSupervisorGiveUpTest {

    @Test
    void aServerThatKeepsFailingToStartEndsTheSupervisionWithExitCode1AfterTheRestartsAllowed() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        Path dir = Path.of("target", "no-redis");
        RedisSupervisor supervisor = new RedisSupervisor(() -> {
            tries.incrementAndGet();
            throw new IOException("redis-server exited with code 1: Address already in use");
        }, BundledRedis.exited(6399, dir), 1);
        assertEquals(1, supervisor.run());
        assertEquals(RedisSupervisor.MAX_RESTARTS, tries.get(), "it tried as often as allowed, then stopped");
    }
}
