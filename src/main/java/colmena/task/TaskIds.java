package colmena.task;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New task ids: UUIDs in the version 7 layout (RFC 9562), whose text sorts in the order they were
 * made. TaskHistory's unique index on TaskId then grows at its end, as the row ids do, instead of
 * at a random place for each task, which is what keeps storing tens of thousands of rows a second
 * cheap. The last characters are random; {@link TaskMessage#shortId()} shows those.
 */
public final class TaskIds {
    /** Mixed into every id, so two processes starting in the same millisecond differ anyway. */
    private static final long PROCESS_SEED = new SecureRandom().nextLong();
    /** Milliseconds in the top 48 bits and a sequence in the low 16: each id is above the last. */
    private static final AtomicLong LAST = new AtomicLong();

    private TaskIds() {
    }

    public static String next() {
        long now = System.currentTimeMillis() << 16;
        long stamp = LAST.updateAndGet(last -> Math.max(last + 1, now));
        long ms = stamp >>> 16;
        long seq = stamp & 0xFFFF;
        // 48 bits of time, the version (7), then the sequence's top 12 bits...
        long high = (ms << 16) | 0x7000L | (seq >>> 4);
        // ...the variant (binary 10), the sequence's last 4 bits and 58 random bits.
        long random = ThreadLocalRandom.current().nextLong() ^ PROCESS_SEED;
        long low = 0x8000_0000_0000_0000L | ((seq & 0xFL) << 58) | (random & 0x03FF_FFFF_FFFF_FFFFL);
        return new UUID(high, low).toString();
    }
}
