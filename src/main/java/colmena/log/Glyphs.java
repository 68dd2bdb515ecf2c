package colmena.log;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;

/**
 * The few non-ASCII signs Colmena prints (✓ ✗ → …), or ASCII stand-ins when standard output
 * cannot show them: a Windows console on its old code page (850, 1252) prints them as "?", a
 * UTF-8 one (after {@code chcp 65001}, as start-all.bat does) shows them.
 */
public final class Glyphs {
    private static final boolean UNICODE = canEncode(outputCharset(), "✓✗→…");

    private Glyphs() {
    }

    public static String check() {
        return UNICODE ? "✓" : "OK";
    }

    public static String cross() {
        return UNICODE ? "✗" : "X";
    }

    public static String arrow() {
        return UNICODE ? "→" : "->";
    }

    public static String ellipsis() {
        return UNICODE ? "…" : "...";
    }

    /**
     * The charset System.out writes in: Java 17 takes {@code sun.stdout.encoding} (set for a
     * console), Java 19 and later {@code stdout.encoding}; otherwise {@code file.encoding}.
     */
    static Charset outputCharset() {
        for (String key : new String[] {"stdout.encoding", "sun.stdout.encoding", "file.encoding"}) {
            String name = System.getProperty(key);
            if (name != null && !name.isBlank()) {
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException e) {
                    // An unknown name: try the next property.
                }
            }
        }
        return Charset.defaultCharset();
    }

    static boolean canEncode(Charset charset, String text) {
        if (!charset.canEncode()) {
            return false;
        }
        CharsetEncoder encoder = charset.newEncoder();
        return encoder.canEncode(text);
    }
}
