package colmena.store;

import colmena.auth.OwnerOnly;
import colmena.auth.Passwords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the shared H2 database to this machine. The process that opens it first serves it to the
 * others ({@code AUTO_SERVER}) on a TCP port, which H2 binds to every address unless told
 * otherwise: here it listens on 127.0.0.1 only ({@code h2.bindAddress}), and its {@code sa} user
 * has a generated password kept beside the database file, readable by its owner only. A database
 * whose {@code sa} has an empty password is given the generated one when it is opened.
 */
public final class H2Local {
    private static final Logger LOG = LoggerFactory.getLogger(H2Local.class);
    /** H2's code for a wrong user name or password. */
    static final int H2_WRONG_USER_OR_PASSWORD = 28000;
    private static final String BIND_PROPERTY = "h2.bindAddress";

    private H2Local() {
    }

    /**
     * Has H2 listen on loopback only, unless the user chose an address with
     * {@code -Dh2.bindAddress}. H2 reads it once, when its first class loads: call this first.
     */
    public static void bindToLoopback() {
        if (System.getProperty(BIND_PROPERTY) == null) {
            System.setProperty(BIND_PROPERTY, "127.0.0.1");
        }
    }

    /** The file of an H2 file URL ({@code jdbc:h2:file:/x/data/colmena;...}), or null for any other database. */
    static Path databaseFile(String url) {
        if (!url.startsWith("jdbc:h2:file:")) {
            return null;
        }
        String rest = url.substring("jdbc:h2:file:".length());
        int semi = rest.indexOf(';');
        return Path.of(semi < 0 ? rest : rest.substring(0, semi));
    }

    /**
     * The file whose lock the processes that open the database at {@code file} take in turn to
     * bring its schema up to date ({@link Schema}): H2 fails, and may leave a half-made copy of the
     * table, when two connections alter one table at the same time.
     */
    static Path upgradeLockFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".upgrade.lock");
    }

    /** Where the password of the database at {@code file} is kept. */
    public static Path passwordFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".db-password");
    }

    /**
     * The password of {@code sa} for this H2 file database: read from its password file, or made
     * (and written, owner-only) when there is none yet. The folder is made owner-only too.
     */
    static String password(Path file) throws SQLException {
        Path secret = passwordFile(file);
        try {
            Path dir = secret.toAbsolutePath().getParent();
            OwnerOnly.directory(dir);
            for (int i = 0; i < 50; i++) {
                if (Files.exists(secret)) {
                    String pw = OwnerOnly.readSecret(secret);
                    if (!pw.isEmpty()) {
                        return pw;
                    }
                    Thread.sleep(20); // another process is writing it this very moment
                    continue;
                }
                try {
                    return create(secret);
                } catch (FileAlreadyExistsException e) {
                    // another process made it first: read theirs
                }
            }
            throw new SQLException(secret + " stays empty; delete it to make a new password");
        } catch (IOException e) {
            throw new SQLException("cannot read or write the database password file " + secret + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reading " + secret, e);
        }
    }

    private static String create(Path secret) throws IOException {
        String pw = Passwords.secret(24);
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean posix = secret.getFileSystem().supportedFileAttributeViews().contains("posix");
        try (SeekableByteChannel ch = posix
                ? Files.newByteChannel(secret, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.newByteChannel(secret, options)) {
            if (!posix) {
                OwnerOnly.restrict(secret);
            }
            ch.write(java.nio.ByteBuffer.wrap(pw.getBytes(StandardCharsets.UTF_8)));
        }
        LOG.info("Made a password for the H2 database in {} (readable by this user only)", secret);
        return pw;
    }

    /** A connection attempt, as {@link java.sql.DriverManager#getConnection} makes it. */
    interface Connect {
        Connection get() throws SQLException;
    }

    /** Threads of this JVM take their turn by a lock per lock file; processes by a lock on the file itself. */
    private static final Map<Path, ReentrantLock> TURNS_IN_THIS_JVM = new ConcurrentHashMap<>();

    /**
     * Whether an H2 URL shares its file with other processes ({@code AUTO_SERVER=TRUE}): the first
     * to open it serves it to the rest. Null for any other URL.
     */
    static Path sharedFile(String url) {
        Path file = databaseFile(url);
        return file != null && url.toUpperCase(java.util.Locale.ROOT).contains(";AUTO_SERVER=TRUE")
                ? file.toAbsolutePath().normalize() : null;
    }

    /** The file processes lock, in turn, to open the shared database at {@code file}. */
    static Path turnFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".open.lock");
    }

    /**
     * Connects to the shared database at {@code file} in turn with every other process of this
     * machine. When two processes open it at the same moment (start-all
     * starts the API and the coordinator together) the second finds H2's lock file before the
     * first has written its server's address there; H2 then waits for that lock file to age and
     * rewrites it, 4 to 5 s in all, before it connects to the first as a client. Taken in turn, the
     * second opens the file only once the first serves it, and becomes its client at once. Waits
     * at most {@code waitMs} in all for the turn, then connects without it, as it would without a
     * turn (so does a folder where no turn can be taken). Every connection takes the turn, not
     * only a process's first: H2 closes the file when its last connection closes (right after
     * {@link Database#open} checks the schema, say) and the next connection opens it again,
     * racing as at the start. A turn costs a file lock; a connection made while the file is
     * served is quick, so the turn is short.
     */
    static Connection connectInTurn(Path file, long waitMs, Connect connect) throws SQLException {
        return inTurn(turnFile(file), waitMs, null, turn -> connect.get());
    }

    /** How a turn at a lock file went. */
    enum Turn {
        /** Held until the work ends: no other process of this machine, nor thread of this JVM, holds it. */
        TAKEN,
        /** Not taken: the lock file cannot be made or locked in its folder. */
        UNLOCKABLE,
        /** Not taken: others held it for the whole wait. */
        TIMED_OUT
    }

    /** Work done at a turn, told how the turn went. */
    interface TurnWork<T> {
        T run(Turn turn) throws SQLException;
    }

    /**
     * Runs {@code work} holding the lock of {@code lockFile}, in turn with every other process of
     * this machine and thread of this JVM: waits at most {@code waitMs} for it, and runs it without
     * the turn after that, or at once where no turn can be taken, telling it which. While it waits
     * it says so after 1 s and every 10 s ({@code Waiting for <waitingFor> (10 s so far)}), unless
     * {@code waitingFor} is null: a turn of a moment, as at most starts, goes unsaid.
     */
    static <T> T inTurn(Path lockFile, long waitMs, String waitingFor, TurnWork<T> work) throws SQLException {
        long started = System.nanoTime();
        ReentrantLock inThisJvm = TURNS_IN_THIS_JVM.computeIfAbsent(lockFile.toAbsolutePath().normalize(),
                f -> new ReentrantLock());
        boolean ours;
        try {
            ours = inThisJvm.tryLock(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the turn at " + lockFile);
        }
        if (!ours) {
            return work.run(Turn.TIMED_OUT);
        }
        try {
            FileChannel channel;
            try {
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                LOG.debug("Without taking turns at {} ({})", lockFile, e.toString());
                return work.run(Turn.UNLOCKABLE);
            }
            try {
                return work.run(await(channel, started, started + waitMs * 1_000_000L, lockFile, waitingFor));
            } finally {
                try {
                    channel.close(); // gives the turn up
                } catch (IOException e) {
                    LOG.debug("Closing {}: {}", lockFile, e.toString());
                }
            }
        } finally {
            inThisJvm.unlock();
        }
    }

    /**
     * Takes the lock on {@code channel}, held until it closes, once no other process holds it;
     * gives up at {@code deadline}, or at once when this file system cannot lock.
     */
    private static Turn await(FileChannel channel, long started, long deadline, Path lockFile, String waitingFor)
            throws SQLException {
        long said = 0;
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException e) {
                LOG.debug("Without taking turns at {} ({})", lockFile, e.toString());
                return Turn.UNLOCKABLE;
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // this JVM holds it under another name for the same file: wait as for a process
            }
            long now = System.nanoTime();
            if (lock != null) {
                return Turn.TAKEN;
            } else if (now > deadline) {
                return Turn.TIMED_OUT;
            }
            if (waitingFor != null && (said == 0 ? now - started >= 1_000_000_000L : now - said >= 10_000_000_000L)) {
                LOG.info("Waiting for {} ({} s so far)", waitingFor, (now - started) / 1_000_000_000);
                said = now;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the turn at " + lockFile);
            }
        }
    }

    /** Gives {@code sa} the generated password, on a connection made with the old, empty one. */
    static void setPassword(Connection c, String url, String password) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(H2Dialect.INSTANCE.setSaPassword(password));
        }
        LOG.info("The H2 database's sa user had no password; it now has the one in {}", passwordFile(databaseFile(url)));
    }
}
