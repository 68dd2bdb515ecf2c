package colmena.task;

import java.util.regex.Pattern;

/**
 * One parameter of a task type: a whole number with its bounds and default, or, when
 * {@code pattern} is given, a text that must match it whole (a photo's content hash, say) and has
 * no default.
 */
public record Param(String name, long min, long max, long defaultValue, String help, String pattern) {

    /** A whole-number parameter. */
    public Param(String name, long min, long max, long defaultValue, String help) {
        this(name, min, max, defaultValue, help, null);
    }

    /** A text parameter that must be given and match {@code regex} whole. */
    public static Param text(String name, String regex, String help) {
        Pattern.compile(regex); // a bad pattern is the type's bug, found when the type is made
        return new Param(name, 0, 0, 0, help, regex);
    }

    public boolean isText() {
        return pattern != null;
    }
}
