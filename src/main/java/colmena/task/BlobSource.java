package colmena.task;

import java.time.Duration;

/**
 * Where a running task reads the bytes it works on (a photo, a tile, a cascade file), by the
 * SHA-256 of those bytes. The agent gives its tasks one backed by Redis.
 */
public interface BlobSource {
    /**
     * How long a photo's strips (and a filter's output strips) are kept: they are needed only
     * until their tasks run and the photo is put back together, and a face strip can hold most of
     * its photo's rows, so they go sooner than the photo.
     */
    Duration STRIP_TTL = Duration.ofHours(2);

    /** For tasks that read no blobs (and for tests of those). */
    BlobSource NONE = hash -> {
        throw new BlobMissingException("no blob store here (blob " + hash + ")");
    };

    /**
     * @throws BlobMissingException when no blob has that hash (never stored, or expired)
     */
    byte[] get(String sha256Hex) throws BlobMissingException;

    /**
     * Stores bytes a task produced (a filtered tile) and returns their hash.
     *
     * @throws UnsupportedOperationException where tasks may only read
     * @throws BlobTooLargeException         when the bytes pass the store's limit
     */
    default String put(byte[] bytes) {
        throw new UnsupportedOperationException("this blob store is read-only");
    }

    /** As {@link #put(byte[])}, kept {@code ttl} instead of the store's own time to live. */
    default String put(byte[] bytes, Duration ttl) {
        return put(bytes);
    }

    /** Bytes past the store's limit for one blob (a strip of a very large photo). */
    final class BlobTooLargeException extends IllegalArgumentException {
        public BlobTooLargeException(String message) {
            super(message);
        }
    }

    /** A blob that is not there: it expired before its task ran, or was never uploaded. */
    final class BlobMissingException extends Exception {
        public BlobMissingException(String message) {
            super(message);
        }
    }
}
