package colmena.install;

import java.io.IOException;
import java.net.InetAddress;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One Colmena: a TaskHistory database and a Redis namespace that belong together. The id is made
 * once, at the first coordinator's start, and kept in both places; the name is for people (the
 * dashboard header, log lines) and an admin may change it.
 *
 * @param namespace the Redis namespace it lives in, "" for the default one
 */
public record Installation(String id, String name, String namespace) {
    /** What a name may be: printable, one line, short enough for a header. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._'()-]{0,63}");

    /** A fresh installation named after this host. */
    public static Installation fresh(String namespace) {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new Installation(id, defaultName(), namespace);
    }

    /** How it is named in messages: {@code 3f2a9c01b7d4 "aula-7"}. */
    public String describe() {
        return id + " \"" + name + "\"" + (namespace.isEmpty() ? "" : " in namespace \"" + namespace + "\"");
    }

    /** The text kept in Redis: {@code <id> <name>}. */
    public String stamp() {
        return id + " " + name;
    }

    /** This host's name, made into a valid installation name. */
    static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "colmena";
        }
        String cleaned = host.replaceAll("[^\\p{L}\\p{N} ._'()-]", "-");
        cleaned = cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
        return isValidName(cleaned) ? cleaned : "colmena";
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** @throws IllegalArgumentException saying what a name may hold */
    public static String validName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid installation name \"" + name
                    + "\": use 1 to 64 letters, digits, spaces or . _ ' ( ) -, starting with a letter or digit");
        }
        return name;
    }
}
