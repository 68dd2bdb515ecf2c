package colmena.broker;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script from the resources under {@code lua/}, run by its SHA (EVALSHA). A server that does
 * not know the script (new, or restarted empty) answers NOSCRIPT; the script is then sent in full
 * once (EVAL), which also loads it for the calls after. A script runs atomically: that is what
 * lets a task move between lists in one step.
 */
public final class Script {
    private final String source;
    private final String sha;

    private Script(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /**
     * The script made of {@code lua/<name>.lua} for each name, in order (a shared part first).
     *
     * @throws IllegalStateException when a part is missing from the jar
     */
    public static Script load(String... names) {
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            String path = "/lua/" + name + ".lua";
            try (InputStream in = Script.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("Lua script " + path + " is missing from the class path");
                }
                text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Lua script " + path, e);
            }
        }
        return new Script(text.toString());
    }

    /** The SHA-1 of the script's text, by which the server knows it. */
    String sha() {
        return sha;
    }

    /** Runs the script on one connection. */
    public Object run(Jedis jedis, List<String> keys, List<String> args) {
        try {
            return jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return jedis.eval(source, keys, args);
        }
    }

    /** Runs the script on a connection from {@code redis}. */
    public Object run(Redis redis, List<String> keys, List<String> args) {
        return redis.call(j -> run(j, keys, args));
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
