package colmena.task;

/**
 * The checks of the plain names every message carries (task ids, task types, node ids), written
 * out rather than as regular expressions: they run several times for every task the coordinator
 * places and stores, where matching a {@link java.util.regex.Pattern} cost more than the rest of
 * the message's checks.
 */
public final class Names {
    private Names() {
    }

    /**
     * Whether {@code s} has 1 to {@code max} characters, each an ASCII letter or digit or one of
     * {@code others}; with {@code letterOrDigitFirst}, the first must be a letter or digit.
     */
    public static boolean plain(String s, int max, String others, boolean letterOrDigitFirst) {
        if (s == null || s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!letterOrDigit(c) && (others.indexOf(c) < 0 || (i == 0 && letterOrDigitFirst))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is a UUID as {@link java.util.UUID#toString} writes it: 8-4-4-4-12 lowercase hex digits. */
    public static boolean lowercaseUuid(String s) {
        if (s == null || s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean letterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
