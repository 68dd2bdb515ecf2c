package colmena;

import colmena.bench.Launcher;
import colmena.process.BundledRedis;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.cli.Commands;
import colmena.support.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No part dies because another is still starting: a process that needs Redis waits for it, says
 * so, and comes up when it answers; it gives up after its deadline with one clear line; a wrong
 * password fails at once. Real processes, a real redis-server started late.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartOrderTest {

    @Test
    void anAgentStartedBeforeRedisWaitsSaysSoAndComesUpWhenRedisDoes() throws Exception {
        Path dir = TestDatabase.freshDir();
        Path log = dir.resolve("nodo1.log");
        Path pidFile = dir.resolve("run").resolve("nodo1.pid");
        int port = TestRedis.freePort();
        Process agent = Launcher.start(log, List.of("-Xmx128m"), "agent", "--id", "early", "--redis",
                "redis://127.0.0.1:" + port, "--wait-for-redis", "60s", "--pid-file", pidFile.toString());
        try {
            Eventually.within(Duration.ofSeconds(30), "the waiting line", () -> read(log).contains(
                    "Waiting for Redis at redis://127.0.0.1:" + port));
            Eventually.within(Duration.ofSeconds(10), "the pid file", () -> Files.exists(pidFile));
            assertEquals(Long.toString(agent.pid()), Files.readString(pidFile).strip(), "the pid file names the agent");
            Thread.sleep(2_000);
            assertTrue(agent.isAlive(), "still waiting, not dead: " + read(log));
            try (BundledRedis redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", null,
                    dir.resolve("redis"));
                 Redis client = Redis.connect(redis.url(), 2)) {
                Eventually.within(Duration.ofSeconds(30), "the agent online",
                        () -> (boolean) client.call(j -> j.exists(RedisKeys.nodeStats("early"))));
                assertTrue(read(log).contains("answered after"), read(log));
                Launcher.stop(agent, 20);
                assertEquals(0, agent.exitValue(), "a stop through its stop file is a clean exit: " + read(log));
                assertFalse(Files.exists(pidFile), "the pid file is removed on exit");
                assertFalse((boolean) client.call(j -> j.exists(RedisKeys.nodeStats("early"))),
                        "its shutdown ran: offline at once; its log: " + read(log));
            }
        } finally {
            Launcher.kill(agent);
        }
    }

    @Test
    void waitingForRedisEndsAfterTheDeadlineWithOneLineNamingTheAddress() {
        int port = TestRedis.freePort();
        long start = System.nanoTime();
        BadInputTest.Captured out = BadInputTest.capture(() -> Commands.run(new String[] {"agent", "--id", "late",
                "--redis", "redis://127.0.0.1:" + port, "--wait-for-redis", "2s"}));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, out.code(), out.err());
        assertTrue(out.err().contains("Waiting for Redis at redis://127.0.0.1:" + port), out.err());
        assertTrue(out.err().contains("cannot reach Redis at redis://127.0.0.1:" + port + " after waiting 2 s"), out.err());
        assertTrue(seconds >= 1.9 && seconds < 10, "gave up after about 2 s: " + seconds);
    }

    @Test
    void onAConsoleThatCannotShowTheSignsTheWaitingLineUsesAscii() throws Exception {
        Path log = TestDatabase.freshDir().resolve("cp850.log");
        int port = TestRedis.freePort();
        // What Java 17 is given on a Windows console on code page 850 (Java 19 and later: stdout.encoding).
        Process agent = Launcher.start(log, List.of("-Xmx64m", "-Dfile.encoding=IBM850", "-Dsun.stdout.encoding=IBM850",
                        "-Dsun.stderr.encoding=IBM850", "-Dstdout.encoding=IBM850", "-Dstderr.encoding=IBM850"),
                "agent", "--id", "cp850", "--redis", "redis://127.0.0.1:" + port, "--wait-for-redis", "1s");
        try {
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "gives up after 1 s");
            String out = read(log);
            assertTrue(out.contains("Waiting for Redis at redis://127.0.0.1:" + port), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("Waiting for Redis") && l.endsWith("...")), out);
            assertFalse(out.contains("…") || out.contains("?"), "no sign it cannot show: " + out);
        } finally {
            Launcher.kill(agent);
        }
    }

    @Test
    void aWrongPasswordFailsAtOnceNamingTheAuthenticationProblem() throws Exception {
        int port = TestRedis.freePort();
        try (BundledRedis redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", "right",
                TestDatabase.freshDir().resolve("redis"))) {
            long start = System.nanoTime();
            BadInputTest.Captured wrong = BadInputTest.capture(() -> Commands.run(new String[] {"agent", "--id", "x",
                    "--redis", "redis://:wrong@127.0.0.1:" + port, "--wait-for-redis", "60s"}));
            BadInputTest.Captured none = BadInputTest.capture(() -> Commands.run(new String[] {"submit", "--type", "sleep",
                    "--redis", "redis://127.0.0.1:" + port, "--wait-for-redis", "60s"}));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(1, wrong.code(), wrong.err());
            assertTrue(wrong.err().contains("refused the login") && wrong.err().contains("check the password"), wrong.err());
            assertEquals(4, none.code(), "submit's own code for an unusable Redis: " + none.err());
            assertTrue(none.err().contains("give its password in the URL"), none.err());
            assertTrue(seconds < 15, "no waiting on a refused login: " + seconds + " s");
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
