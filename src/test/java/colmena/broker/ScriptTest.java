package colmena.broker;

import colmena.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lua scripts from the resources, on a real Redis: run by SHA, loaded again when the server forgot them. */
class ScriptTest {
    private static final Script NON_EMPTY = Script.load("non_empty");
    private Redis redis;

    @BeforeEach
    void start() {
        redis = TestRedis.fresh();
    }

    @AfterEach
    void stop() {
        redis.close();
    }

    private boolean known(Script script) {
        return redis.call(j -> j.scriptExists(script.sha()));
    }

    @Test
    void aScriptTheServerForgotIsSentAgainAndThenKnownBySha() {
        redis.call(j -> j.rpush(RedisKeys.nodeTasks("b"), "t"));
        List<String> keys = List.of(RedisKeys.nodeTasks("a"), RedisKeys.nodeTasks("b"));
        redis.call(j -> j.scriptFlush());
        assertFalse(known(NON_EMPTY));
        assertEquals(List.of(2L), NON_EMPTY.run(redis, keys, List.of()));
        assertTrue(known(NON_EMPTY), "loaded by the call that found it missing");
        redis.call(j -> j.scriptFlush()); // as a Redis restarted empty
        assertEquals(List.of(2L), NON_EMPTY.run(redis, keys, List.of()));
        assertTrue(known(NON_EMPTY));
    }

    @Test
    void aScriptMissingFromTheClassPathIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Script.load("no_such_script"));
        assertTrue(e.getMessage().contains("/lua/no_such_script.lua"), e.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRecoverySnapshotReadsTheSharedListsAndTheListsOfRegisteredNodesOnly() {
        redis.call(j -> j.rpush(RedisKeys.submitted(), "{\"id\":\"s1\",\"type\":\"sleep\"}", "not json, names no task"));
        redis.call(j -> j.rpush(RedisKeys.resultsQueue(), "{\"task\":{\"id\":\"r1\",\"type\":\"sleep\"},\"status\":\"DONE\"}"));
        redis.call(j -> j.sadd(RedisKeys.nodes(), "nodo1"));
        redis.call(j -> j.rpush(RedisKeys.nodeTasks("nodo1"), "{\"id\":\"q1\",\"params\":{\"id\":\"not this\"}}"));
        redis.call(j -> j.rpush(RedisKeys.nodeInflight("nodo1"), "{\"id\":\"i1\"}"));
        redis.call(j -> j.rpush(RedisKeys.nodeTasks("unregistered"), "{\"id\":\"u1\"}"));
        List<String> keys = List.of(RedisKeys.submitted(), RedisKeys.placing(), RedisKeys.resultsQueue(),
                RedisKeys.storing(), RedisKeys.nodes());
        List<String> nodeLists = new ArrayList<>(RedisKeys.around(RedisKeys::nodeTasks));
        nodeLists.addAll(RedisKeys.around(RedisKeys::nodeInflight));
        Set<String> ids = new HashSet<>((List<String>) Script.load("recovery_snapshot").run(redis, keys, nodeLists));
        assertEquals(Set.of("s1", "r1", "q1", "i1"), ids);
    }
}
