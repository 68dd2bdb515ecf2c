package colmena.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;

/**
 * Files and folders only their owner may read: {@code rwx------} / {@code rw-------} where the file
 * system is POSIX, an access list naming the owner alone on Windows (NTFS). Elsewhere it does
 * nothing and says so with {@link #restrict}'s answer.
 */
public final class OwnerOnly {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
    private OwnerOnly() {
    }

    /** Creates {@code dir} (and its parents) if missing and makes it owner-only; returns whether it could. */
    public static boolean directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        return restrict(dir);
    }

    /** Writes {@code text} to {@code file}, owner-only from before the secret is in it. */
    public static void writeSecret(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            restrict(tmp);
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a secret file: its text without surrounding white space (an editor's final newline). */
    public static String readSecret(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    /**
     * Makes an existing file or folder owner-only; false (with a warning) when this file system
     * has no way to say so or refuses (a folder of another user, a FAT drive): best effort, since
     * the folder may still be the user's own.
     */
    public static boolean restrict(Path path) {
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            if (posix != null) {
                posix.setPermissions(PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwx------" : "rw-------"));
                return true;
            }
            AclFileAttributeView acl = Files.getFileAttributeView(path, AclFileAttributeView.class);
            if (acl != null) {
                UserPrincipal owner = acl.getOwner();
                acl.setAcl(List.of(AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(owner)
                        .setPermissions(EnumSet.allOf(AclEntryPermission.class)).build()));
                return true;
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Could not make {} readable by its owner only ({}); other local users may read it", path, e.toString());
            return false;
        }
        LOG.warn("This file system cannot make {} readable by its owner only; other local users may read it", path);
        return false;
    }
}
