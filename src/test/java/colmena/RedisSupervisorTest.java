package colmena;

import colmena.bench.Launcher;
import colmena.broker.Redis;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code colmena redis} supervisor, as a real process with its real redis-server child. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisSupervisorTest {

    @Test
    void aRedisServerKilledUnderTheSupervisorIsBackWithinSecondsWithItsDataAndASecondSupervisorIsRefused() throws Exception {
        Path data = TempDirs.make("colmena-supervised");
        int port = TestRedis.freePort();
        Path log = Path.of("target", "process-logs", "redis-supervisor.log");
        Process supervisor = Launcher.start(log, List.of("-XX:+UseSerialGC", "-Xmx64m"), "redis", "--bundled",
                "--port", Integer.toString(port), "--data-dir", data.toString());
        try (Redis redis = Redis.connect("redis://127.0.0.1:" + port, 2)) {
            Eventually.within(Duration.ofSeconds(30), "redis answers", () -> answers(redis));
            redis.call(j -> j.set("kept", "across a crash"));
            Thread.sleep(300); // the append-only file gets the write (it is fsynced every second; a kill -9 keeps what was written)
            ProcessHandle child = supervisor.toHandle().children().findFirst().orElseThrow();
            child.destroyForcibly(); // SIGKILL
            child.onExit().get(10, TimeUnit.SECONDS);

            long killedAt = System.nanoTime();
            Eventually.within(Duration.ofSeconds(10), "redis back", () -> answers(redis));
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            assertEquals("across a crash", redis.call(j -> j.get("kept")), "its data is intact");
            long newChild = supervisor.toHandle().children().findFirst().orElseThrow().pid();
            assertNotEquals(child.pid(), newChild, "a new redis-server");
            assertTrue(supervisor.isAlive(), "the supervisor goes on");
            assertTrue(Files.readString(log).contains("redis-server exited unexpectedly"), "the restart is logged");
            System.out.printf("redis-server back %.1f s after kill -9%n", seconds);

            Path secondLog = Path.of("target", "process-logs", "redis-supervisor-2.log");
            Process second = Launcher.start(secondLog, List.of("-XX:+UseSerialGC", "-Xmx64m"), "redis", "--bundled",
                    "--port", Integer.toString(TestRedis.freePort()), "--data-dir", data.toString());
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), "a second supervisor on the same folder exits");
            assertEquals(1, second.exitValue());
            assertTrue(Files.readString(secondLog).contains("already supervises"), Files.readString(secondLog));

            ProcessHandle last = supervisor.toHandle().children().findFirst().orElseThrow();
            Launcher.stop(supervisor, 15);
            assertTrue(last.onExit().get(5, TimeUnit.SECONDS) != null && !last.isAlive(), "no redis-server left behind");
        } finally {
            Launcher.kill(supervisor);
        }
    }

    private static boolean answers(Redis redis) {
        try {
            redis.ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
