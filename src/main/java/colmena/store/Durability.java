package colmena.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When committed rows are safely in the database's file, so that their copies in Redis may go.
 *
 * <p>SQL Server makes a transaction durable when it commits. The embedded H2 database does not:
 * it keeps commits in memory and writes them to its file every {@code WRITE_DELAY} ms, or, with
 * WRITE_DELAY=0, rewrites its changed pages on every commit, which at hundreds of small commits a
 * second cost most of a core and tens of kilobytes of file per task. Here H2 commits stay in
 * memory, and the collector writes them out with {@code CHECKPOINT} at most every
 * {@link #H2_INTERVAL_MS}, on the very connection that committed them: a connection pinned to the
 * H2 process that holds those commits (with AUTO_SERVER that may be another process), so a
 * checkpoint that succeeds covers them, and one that fails (that process gone) fails the
 * collector's step, which then stores again whatever is still in Redis. Like H2's own writes it
 * is not forced to the disk: it survives the process being killed, not a power cut.
 *
 * <p>One narrow window is known (H2 2.3 to 2.5, read in its source): a checkpoint stores only
 * what is not yet being stored, so should H2's own background writer have taken these commits a
 * moment before, the checkpoint returns while that write still waits in H2's queue, and a kill
 * within its few milliseconds loses them. No SQL command waits for that queue.
 */
public final class Durability {
    private static final Logger LOG = LoggerFactory.getLogger(Durability.class);
    /** How often the collector writes H2's commits to the file, at most, while it has any to write. */
    public static final long H2_INTERVAL_MS = 50;
    private static final Pattern WRITE_DELAY = Pattern.compile("(?i);WRITE_DELAY=(\\d+)");
    /** H2's own default for WRITE_DELAY. */
    private static final long H2_DEFAULT_WRITE_DELAY_MS = 500;

    private final boolean commitIsDurable;
    private final long writeDelayMs;
    private final SqlDialect dialect;
    /** Set once the user turns out not to be allowed to CHECKPOINT: then H2's own writer is waited out. */
    private volatile boolean waitForWriter;

    private Durability(boolean commitIsDurable, long writeDelayMs, SqlDialect dialect) {
        this.commitIsDurable = commitIsDurable;
        this.dialect = dialect;
        this.writeDelayMs = writeDelayMs;
    }

    public static Durability of(Database db) {
        if (!db.isH2()) {
            return new Durability(true, 0, db.dialect());
        }
        Matcher m = WRITE_DELAY.matcher(db.url());
        long delay = m.find() ? Long.parseLong(m.group(1)) : H2_DEFAULT_WRITE_DELAY_MS;
        return new Durability(delay == 0, delay, db.dialect());
    }

    /** True when a commit is durable as it returns (SQL Server; H2 with WRITE_DELAY=0). */
    public boolean commitIsDurable() {
        return commitIsDurable;
    }

    /**
     * Makes what was committed on {@code session}'s connection durable, as far as it can now.
     *
     * @return the commit time (epoch ms) up to which everything committed on that connection is
     *         durable: all of it ({@link Long#MAX_VALUE}) after a checkpoint; for a user not allowed
     *         to CHECKPOINT, what H2's own writer has had time to write (the connection is checked
     *         to be alive, so the process holding those commits is still the one that wrote them)
     * @throws SQLException when the checkpoint or the check fails; nothing committed on that
     *         connection may then be taken as durable
     */
    public long durableUpTo(DbSession session) throws SQLException {
        if (commitIsDurable) {
            return Long.MAX_VALUE;
        }
        if (!waitForWriter) {
            try {
                session.execute(dialect.checkpoint());
                return Long.MAX_VALUE;
            } catch (SQLException e) {
                if (e.getErrorCode() != Database.H2_NOT_ENOUGH_RIGHTS) {
                    throw e;
                }
                waitForWriter = true;
                LOG.warn("The database user may not run CHECKPOINT ({}); stored results stay in Redis until H2 "
                        + "has written them itself ({} ms after each commit, and a second more)", e.getMessage(), writeDelayMs);
            }
        }
        session.execute(dialect.alive());
        return System.currentTimeMillis() - writeDelayMs - 1_000;
    }
}
