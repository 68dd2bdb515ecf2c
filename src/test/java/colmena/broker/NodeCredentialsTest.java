package colmena.broker;

import colmena.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.URI;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * What a node's own credential can and cannot do, asked of a real redis-server: every command a
 * student's PC could use to take over the teacher's machine or wipe the queues is refused by
 * Redis itself, as are other nodes' keys and the dashboard's sessions.
 */
class NodeCredentialsTest {
    private Redis control;
    private NodeCredentials credentials;
    private Jedis student;

    @BeforeEach
    void setUp() {
        assumeFalse(TestRedis.underWine(), "Redis 5.0 has no ACL users");
        control = TestRedis.fresh();
        credentials = new NodeCredentials(control);
        for (String n : credentials.nodes()) {
            credentials.remove(n);
        }
        NodeCredentials.Credential pc = credentials.add("pc1");
        URI uri = URI.create(TestRedis.url());
        student = new Jedis(uri.getHost(), uri.getPort());
        student.auth(pc.nodeId(), pc.password());
    }

    @AfterEach
    void tearDown() {
        if (student != null) {
            student.close();
        }
        if (credentials != null) {
            for (String n : credentials.nodes()) {
                credentials.remove(n);
            }
            control.close();
        }
    }

    static Stream<List<String>> forbiddenCommands() {
        return Stream.of(
                List.of("CONFIG", "SET", "dir", "/tmp"), List.of("CONFIG", "GET", "dir"),
                List.of("MODULE", "LOAD", "/tmp/evil.so"), List.of("DEBUG", "SLEEP", "0"),
                List.of("REPLICAOF", "10.0.0.66", "6379"), List.of("SLAVEOF", "10.0.0.66", "6379"),
                List.of("SAVE"), List.of("BGSAVE"), List.of("BGREWRITEAOF"), List.of("SHUTDOWN", "NOSAVE"),
                List.of("FLUSHALL"), List.of("FLUSHDB"), List.of("KEYS", "*"), List.of("SCAN", "0"),
                List.of("ACL", "SETUSER", "pc1", "+@all", "~*"), List.of("ACL", "LIST"),
                List.of("CLIENT", "KILL", "TYPE", "normal"), List.of("MIGRATE", "10.0.0.66", "6379", "x", "0", "1000"),
                List.of("SCRIPT", "FLUSH"), List.of("PUBLISH", "c", "x"), List.of("SUBSCRIBE", "c"),
                List.of("MONITOR"), List.of("SWAPDB", "0", "1"), List.of("SELECT", "1"));
    }

    @ParameterizedTest
    @MethodSource("forbiddenCommands")
    void aNodeCredentialIsRefusedEveryDangerousCommand(List<String> command) {
        JedisDataException e = assertThrows(JedisDataException.class, () -> send(command));
        assertTrue(e.getMessage().startsWith("NOPERM"), command + " answered " + e.getMessage());
    }

    @Test
    void aNodeCredentialReachesItsOwnKeysAndNoOtherNodes() {
        student.psetex(RedisKeys.nodeStats("pc1"), 5_000, "{}");
        student.rpush(RedisKeys.nodeResults("pc1"), "r");
        assertEquals("{}", student.get(RedisKeys.nodeStats("pc1")));

        for (String other : RedisKeys.nodeKeys("pc2")) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> student.set(other, "x"), other);
            assertTrue(e.getMessage().startsWith("NOPERM"), e.getMessage());
            assertThrows(JedisDataException.class, () -> student.get(other), other);
        }
        for (String shared : List.of(RedisKeys.resultsQueue(), RedisKeys.submitted(), RedisKeys.deadLetter(), RedisKeys.nodes(),
                RedisKeys.drained(), RedisKeys.leader(), RedisKeys.epoch(), RedisKeys.placing(), RedisKeys.storing())) {
            assertThrows(JedisDataException.class, () -> student.del(shared), shared);
            assertThrows(JedisDataException.class, () -> student.rpush(shared, "x"), shared);
        }
        assertTrue(control.call(j -> j.keys("*")).stream().noneMatch(k -> k.contains("pc2")), "nothing written for pc2");
    }

    @Test
    void aNodeCredentialCanNeitherReadNorWriteSessions() {
        String session = RedisKeys.session("a".repeat(64));
        control.call(j -> j.set(session, "{\"user\":\"admin\",\"role\":\"ADMIN\"}"));
        assertThrows(JedisDataException.class, () -> student.get(session));
        assertThrows(JedisDataException.class, () -> student.set(RedisKeys.session("b".repeat(64)), "{\"role\":\"ADMIN\"}"));
        assertNull(control.call(j -> j.get(RedisKeys.session("b".repeat(64)))));
    }

    @Test
    void aNodeCredentialRunsNoScriptsAtAll() {
        control.call(j -> j.rpush(RedisKeys.submitted(), "t"));
        for (List<String> command : List.of(List.of("EVAL", "return redis.call('DEL', KEYS[1])", "1", RedisKeys.submitted()),
                List.of("EVAL", "return 1", "0"), List.of("EVALSHA", "0".repeat(40), "0"), List.of("SCRIPT", "LOAD", "return 1"))) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> send(command));
            assertTrue(e.getMessage().startsWith("NOPERM"), command + " answered " + e.getMessage());
        }
        assertEquals(1L, (long) control.call(j -> j.llen(RedisKeys.submitted())), "the submission queue is untouched");
    }

    @Test
    void aBlobChangedWithANodeCredentialIsRefusedNotReadAsOtherBytes() throws Exception {
        Blobs blobs = new Blobs(control);
        String hash = blobs.put("the teacher's photo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("the teacher's photo", new String(blobs.get(hash), java.nio.charset.StandardCharsets.UTF_8));
        student.set(RedisKeys.blob(hash), "a forged photo"); // an agent may read blobs, and Redis 6.2 cannot make that read-only
        colmena.task.BlobSource.BlobMissingException e = assertThrows(colmena.task.BlobSource.BlobMissingException.class,
                () -> blobs.get(hash));
        assertTrue(e.getMessage().contains("does not match its name"), e.getMessage());
    }

    @Test
    void removingANodeCutsItsConnectionsAndItCannotLogInAgain() {
        assertTrue(credentials.remove("pc1"));
        assertThrows(RuntimeException.class, () -> student.get(RedisKeys.nodeStats("pc1")));
        URI uri = URI.create(TestRedis.url());
        try (Jedis again = new Jedis(uri.getHost(), uri.getPort())) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> again.auth("pc1", "anything"));
            assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
        }
        assertFalse(credentials.nodes().contains("pc1"));
        student = null;
    }

    @Test
    void addRefusesATakenNameRedisOwnUserAndAnInvalidId() {
        assertThrows(IllegalArgumentException.class, () -> credentials.add("pc1"));
        assertThrows(IllegalArgumentException.class, () -> credentials.add("default"));
        assertThrows(IllegalArgumentException.class, () -> credentials.add("pc 2"));
        assertThrows(IllegalArgumentException.class, () -> credentials.add("*"));
        assertEquals(List.of("pc1"), credentials.nodes());
        assertTrue((boolean) control.call(j -> j.sismember(RedisKeys.nodes(), "pc1")), "the node is registered as it is added");
    }

    private Object send(List<String> command) {
        return student.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode(command.get(0)),
                command.subList(1, command.size()).toArray(String[]::new));
    }
}
