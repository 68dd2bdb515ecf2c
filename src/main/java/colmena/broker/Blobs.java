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
 * time to live from when it was last stored (the same bytes stored again are kept once, and
 * their time renewed); reading it does not renew it.
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
     * @throws IllegalArgumentException when empty ({@link BlobSource.BlobTooLargeException} when over {@link #MAX_BYTES})
     */
    @Override
    public String put(byte[] bytes) {
        return put(bytes, ttlSeconds);
    }

    /**
     * As {@link #put(byte[])}, kept {@code ttl} instead of this store's time to live: a photo's
     * strips, needed only until their tasks run, go sooner than the photo.
     */
    @Override
    public String put(byte[] bytes, Duration ttl) {
        return put(bytes, Math.max(1, ttl.toSeconds()));
    }

    private String put(byte[] bytes, long seconds) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty blob");
        }
        if (bytes.length > MAX_BYTES) {
            throw new BlobSource.BlobTooLargeException("blob of " + bytes.length + " bytes; the limit is " + MAX_BYTES);
        }
        String hash = sha256(bytes);
        byte[] key = RedisKeys.blob(hash).getBytes(StandardCharsets.UTF_8);
        redis.call(j -> {
            String set = j.set(key, bytes, new SetParams().nx().ex(seconds));
            if (set == null && j.ttl(key) < seconds) {
                j.expire(key, seconds);
            }
            return null;
        });
        return hash;
    }

    /**
     * The blob's bytes, checked against its name: whoever may write blob keys (an agent's
     * credential may) can make a blob unreadable, never make it read as other bytes.
     *
     * @throws BlobMissingException when no blob has that hash (never stored, or expired), or
     *                              what is stored under it is not what the hash names
     */
    @Override
    public byte[] get(String hash) throws BlobMissingException {
        if (!RedisKeys.isBlobHash(hash)) {
            throw new BlobMissingException("invalid blob hash \"" + hash + "\"");
        }
        byte[] key = RedisKeys.blob(hash).getBytes(StandardCharsets.UTF_8);
        byte[] bytes = redis.call(j -> j.get(key));
        if (bytes == null) {
            throw new BlobMissingException("blob " + hash.substring(0, 12) + "… is not in Redis: it expired or was never "
                    + "uploaded");
        }
        if (!sha256(bytes).equals(hash)) {
            throw new BlobMissingException("blob " + hash.substring(0, 12) + "… in Redis does not match its name "
                    + "(changed by hand or by another credential); it is not used");
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
