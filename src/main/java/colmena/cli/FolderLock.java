package colmena.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a folder for the life of this process ({@code supervisor.lock} in it, with
 * the holder's pid): the operating system releases it when the process ends, however it ends.
 */
final class FolderLock {
    static final String FILE = "supervisor.lock";
    /** Held until the process exits. */
    private static FileLock held;

    private FolderLock() {
    }

    /** @throws StartupException naming the holder when another process holds the folder */
    static synchronized void hold(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                String holder;
                try {
                    holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                } catch (IOException unreadable) { // Windows locks reading too
                    holder = "";
                }
                throw new StartupException("another `colmena redis`" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + " already supervises " + dir.toAbsolutePath() + "; not starting a second redis-server on its data");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            held = lock;
        } catch (IOException e) {
            throw new StartupException("cannot lock " + file.toAbsolutePath() + " (" + e.getMessage() + ")");
        }
    }
}
