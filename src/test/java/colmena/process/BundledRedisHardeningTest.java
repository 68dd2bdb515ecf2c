package colmena.process;

import colmena.TestRedis;
import colmena.broker.NodeCredentials;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis {@code colmena redis} starts for a classroom (with a password): bounded memory that
 * refuses rather than evicts, the commands that take over a machine refused even to the control
 * plane, and node credentials kept across a restart in an owner-only file.
 */
class BundledRedisHardeningTest {

    @Test
    void aPasswordProtectedRedisRefusesServerCommandsKeepsNodesAcrossARestartAndBoundsItsMemory(@TempDir Path dir)
            throws Exception {
        int port = TestRedis.freePort();
        String password;
        try (BundledRedis server = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", "teacher", dir, "64mb");
             Redis control = Redis.connect("redis://:teacher@127.0.0.1:" + port, 2);
             Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.auth("teacher");
            java.util.Map<String, String[]> calls = java.util.Map.ofEntries(
                    java.util.Map.entry("config", new String[] {"SET", "dir", "/tmp"}),
                    java.util.Map.entry("module", new String[] {"LOAD", "/tmp/evil.so"}),
                    java.util.Map.entry("debug", new String[] {"SLEEP", "0"}),
                    java.util.Map.entry("replicaof", new String[] {"10.0.0.66", "6379"}),
                    java.util.Map.entry("slaveof", new String[] {"10.0.0.66", "6379"}),
                    java.util.Map.entry("sync", new String[] {}), java.util.Map.entry("psync", new String[] {"?", "-1"}),
                    java.util.Map.entry("shutdown", new String[] {"NOSAVE"}), java.util.Map.entry("monitor", new String[] {}),
                    java.util.Map.entry("flushall", new String[] {}), java.util.Map.entry("flushdb", new String[] {}),
                    java.util.Map.entry("save", new String[] {}), java.util.Map.entry("bgsave", new String[] {}),
                    java.util.Map.entry("bgrewriteaof", new String[] {}),
                    java.util.Map.entry("migrate", new String[] {"10.0.0.66", "6379", "k", "0", "1000"}),
                    java.util.Map.entry("restore", new String[] {"k", "0", "x"}));
            assertEquals(new java.util.TreeSet<>(BundledRedis.COMMANDS_OFF), new java.util.TreeSet<>(calls.keySet()));
            calls.forEach((c, args) -> {
                JedisDataException e = assertThrows(JedisDataException.class,
                        () -> jedis.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode(c), args), c);
                assertTrue(e.getMessage().startsWith("NOPERM"), c + ": " + e.getMessage());
            });
            String memory = jedis.info("memory");
            assertTrue(memory.contains("maxmemory:" + 64 * 1024 * 1024), memory);
            assertTrue(memory.contains("maxmemory_policy:noeviction"), memory);
            assertFalse(server.pidCommandLine().contains("teacher"), "the password is not on the command line");
            password = new NodeCredentials(control).add("pc1").password();
        }
        Path acl = dir.resolve("users.acl");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), "an owner-only folder");
        assertFalse(Files.readString(acl).contains("teacher"), "only hashes in the file");

        try (BundledRedis again = BundledRedis.start(BundledRedis.Source.BUNDLED, port, "127.0.0.1", "teacher2", dir, "64mb");
             Jedis pc = new Jedis("127.0.0.1", port);
             Jedis old = new Jedis("127.0.0.1", port)) {
            pc.auth("pc1", password);
            pc.psetex(RedisKeys.nodeStats("pc1"), 1_000, "{}");
            JedisDataException e = assertThrows(JedisDataException.class, () -> old.auth("teacher"));
            assertTrue(e.getMessage().contains("WRONGPASS"), "the control plane's new password replaces the old one");
        }
    }
}
