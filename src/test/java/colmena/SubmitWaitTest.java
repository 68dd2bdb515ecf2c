package colmena;

import colmena.process.BundledRedis;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.cli.Commands;
import colmena.support.Eventually;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code submit --wait}, the README's first example: on the suite's Redis (the Windows build, 5.0,
 * when run under wine, which refuses a fractional BLPOP timeout), and through Redis going away and
 * coming back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubmitWaitTest {

    @Test
    void submitWaitPrintsEveryResultAndExitsZero() {
        try (Cluster cluster = new Cluster()) {
            cluster.startCoordinator("least-loaded");
            cluster.startAgent("nodo1", 2);
            BadInputTest.Captured out = BadInputTest.capture(() -> Commands.run(new String[] {"submit", "--redis",
                    cluster.redisUrl, "--type", "primes", "--param", "n=1000", "--count", "3", "--wait", "--timeout", "60s"}));
            assertEquals(0, out.code(), out.err());
            assertEquals(3, out.out().lines().filter(l -> l.matches("(✓|OK) \\S+ on nodo1 in \\d+ ms (→|->) 168")).count(),
                    out.out());
            assertFalse(out.err().contains("Exception"), out.err());
        }
    }

    @Test
    void submitWaitKeepsWaitingWhileRedisIsDownAndPrintsTheResultsWhenItIsBack() throws Exception {
        int port = TestRedis.freePort();
        Path dir = TestDatabase.freshDir().resolve("redis");
        BundledRedis redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", null, dir);
        String url = redis.url();
        try {
            CompletableFuture<BadInputTest.Captured> submit = CompletableFuture.supplyAsync(() -> BadInputTest.capture(
                    () -> Commands.run(new String[] {"submit", "--redis", url, "--type", "sleep", "--count", "2",
                            "--wait", "--timeout", "60s"})));
            List<String> raw;
            try (Redis client = Redis.connect(url, 2)) {
                Eventually.within(Duration.ofSeconds(30), "2 submitted", () -> client.call(j -> j.llen(RedisKeys.submitted())) == 2);
                raw = client.call(j -> j.lrange(RedisKeys.submitted(), 0, -1));
            }
            redis.stop(); // its append-only file keeps the two submissions
            Thread.sleep(3_000);
            assertFalse(submit.isDone(), "still waiting while Redis is down");
            redis = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", null, dir);
            try (Redis client = Redis.connect(url, 2)) {
                for (String r : raw) {
                    TaskMessage t = TaskMessage.read(r);
                    client.call(j -> j.rpush(t.replyTo(), Json.write(TaskResult.done(t, "nodo9", "0", 1, 2, 1))));
                }
            }
            BadInputTest.Captured out = submit.get(60, TimeUnit.SECONDS);
            assertEquals(0, out.code(), out.err());
            assertEquals(2, out.out().lines().filter(l -> l.contains(" on nodo9 in 1 ms ")).count(), out.out());
            assertEquals(1, out.err().lines().filter(l -> l.contains("unreachable")).count(), "said once: " + out.err());
            assertTrue(out.err().contains("Redis back after"), out.err());
            assertFalse(out.err().contains("Exception") || out.err().contains("\tat "), "no stack trace: " + out.err());
        } finally {
            redis.kill();
        }
    }

    @Test
    void submitWithoutARedisExitsWithItsOwnCode() {
        int port = TestRedis.freePort();
        BadInputTest.Captured out = BadInputTest.capture(() -> Commands.run(new String[] {"submit", "--redis",
                "redis://127.0.0.1:" + port, "--type", "sleep", "--wait", "--wait-for-redis", "0"}));
        assertEquals(4, out.code(), out.err());
        assertTrue(out.err().contains("cannot reach Redis at redis://127.0.0.1:" + port), out.err());
        assertTrue(submitHelpListsExitCodes(), "--help lists the exit codes");
    }

    private static boolean submitHelpListsExitCodes() {
        BadInputTest.Captured help = BadInputTest.capture(() -> Commands.run(new String[] {"submit", "--help"}));
        return help.out().contains("Exit codes: 0") && help.out().contains("4 Redis could not be reached");
    }

}
