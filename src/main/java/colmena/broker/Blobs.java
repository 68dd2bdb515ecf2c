package colmena.broker;

import colmena.task.BlobSource;
import redis.clients.jedis.params.SetParams;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Content-addressed blobs in Redis ({@code blob:<sha256>}): photos, their tiles and cascade files
 * travel this way, so an agent on another machine needs no shared disk. Each blob lives for a
 * time to live, renewed when the same bytes are stored again (they are stored once) and when a
 * task reads them.
 */
public final class Blobs implements BlobSource {
    /** The largest blob: a 25 MB photo fits, with room. */
    public static final int MAX_BYTES = 32 * 1024 * 1024;
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);

    private final Redis redis;
    private final long ttlSeconds;

    public Blobs(Redis redis, Duration ttl) {
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("a blob's time to live must be at least 1 s, got " + ttl);
        }
        this.redis = redis;
        this.ttlSeconds = ttl.toSeconds();
    }

    public Blobs(Redis redis) {
        this(redis, DEFAULT_TTL);
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    /**
     * Stores {@code bytes} (once: the same bytes stored again only renew their time to live).
     *
     * @return the SHA-256 of the bytes, lower-case hex: the blob's name
     * @throws IllegalArgumentException when empty or over {@link #MAX_BYTES}
     */
    @Override
    public String put(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty blob");
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("blob of " + bytes.length + " bytes; the limit is " + MAX_BYTES);
        }
        String hash = sha256(bytes);
        byte[] key = RedisKeys.blob(hash).getBytes(StandardCharsets.UTF_8);
        redis.call(j -> {
            String set = j.set(key, bytes, new SetParams().nx().ex(ttlSeconds));
            if (set == null) {
                j.expire(key, ttlSeconds);
            }
            return null;
        });
        return hash;
    }

    /**
     * @throws BlobMissingException when no blob has that hash: never stored, or expired
     */
    @Override
    public byte[] get(String hash) throws BlobMissingException {
        if (!RedisKeys.isBlobHash(hash)) {
            throw new BlobMissingException("invalid blob hash \"" + hash + "\"");
        }
        byte[] key = RedisKeys.blob(hash).getBytes(StandardCharsets.UTF_8);
        byte[] bytes = redis.call(j -> {
            byte[] b = j.get(key);
            if (b != null) {
                j.expire(key, ttlSeconds);
            }
            return b;
        });
        if (bytes == null) {
            throw new BlobMissingException("blob " + hash.substring(0, 12) + "… is not in Redis: it expired (blobs live "
                    + Duration.ofSeconds(ttlSeconds).toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                    + " after their last use) or was never uploaded");
        }
        return bytes;
    }

    /** Whether a blob is there, without reading it. */
    public boolean exists(String hash) {
        return RedisKeys.isBlobHash(hash) && redis.call(j -> j.exists(RedisKeys.blob(hash)));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
