package colmena.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * How clients log in to a {@link BundledRedis}: from Redis 6 the control plane's user in an ACL
 * file beside the data (node users kept), on Redis 5 {@code requirepass} with the dangerous
 * commands renamed; and the owner-only permissions of what holds the users' hashes.
 */
final class RedisLogin {
    private RedisLogin() {
    }

    /**
     * {@link BundledRedis#COMMANDS_OFF} that every Redis 5 build has (the Windows one started without
     * persistence lacks SYNC, PSYNC, BGSAVE and BGREWRITEAOF, and refuses to rename what it lacks).
     */
    static final List<String> REDIS5_RENAMED = List.of("config", "module", "debug", "replicaof", "slaveof",
            "shutdown", "monitor", "flushall", "flushdb", "save", "migrate", "restore");

    /**
     * Adds to {@code cmd} how clients log in: from Redis 6 an ACL file beside the data, with the
     * default user's password; on Redis 5 {@code requirepass}, and the dangerous commands renamed.
     */
    static void addTo(List<String> cmd, Path dir, String password, int[] version) throws IOException {
        if (version[0] >= 6) {
            // Users (the control plane's default one and a user per node) live in a file next to
            // the data, so node credentials outlive a restart; the password is not on the command line.
            Path acl = dir.resolve("users.acl");
            writeDefaultUser(acl, password, version);
            cmd.addAll(List.of("--aclfile", acl.toAbsolutePath().toString()));
            if (password != null) {
                cmd.addAll(List.of("--protected-mode", "no"));
            }
        } else if (password != null) {
            cmd.addAll(List.of("--requirepass", password, "--protected-mode", "no"));
            // Redis 5 has no ACL: the commands get a random name nobody learns (an empty name, the
            // usual way, does not survive a Windows command line).
            SecureRandom random = new SecureRandom();
            for (String c : REDIS5_RENAMED) {
                byte[] name = new byte[16];
                random.nextBytes(name);
                cmd.addAll(List.of("--rename-command", c, "x" + HexFormat.of().formatHex(name)));
            }
        }
    }

    /**
     * Writes the control plane's user into the ACL file, keeping the node users already there:
     * its password (as a SHA-256, never in clear), and, when there is a password, every command
     * but {@link BundledRedis#COMMANDS_OFF}. The file, and its folder, are its owner's only.
     */
    static void writeDefaultUser(Path acl, String password, int[] version) throws IOException {
        List<String> kept = new ArrayList<>();
        if (Files.exists(acl)) {
            for (String line : Files.readAllLines(acl)) {
                if (!line.startsWith("user default ") && !line.isBlank()) {
                    kept.add(line);
                }
            }
        }
        StringBuilder user = new StringBuilder("user default on ");
        user.append(password == null ? "nopass" : "#" + sha256(password));
        user.append(version[0] > 6 || version[1] >= 2 ? " ~* &* +@all" : " ~* +@all");
        if (password != null) {
            for (String c : BundledRedis.COMMANDS_OFF) {
                user.append(" -").append(c);
            }
        }
        kept.add(0, user.toString());
        Files.write(acl, kept);
        ownerOnly(acl, "rw-------"); // ACL SAVE later writes a new file, in the owner-only folder
    }

    static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // Windows: files take their folder's permissions (under the user's profile)
        }
    }

    private static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
