package colmena.log;

import java.time.Duration;

/**
 * A duration as people read it in log lines, messages and {@code --help}: {@code 500ms}, {@code 2s},
 * {@code 1m}, {@code 1h}, in the largest unit that states it exactly. Duration flags read the same text back.
 */
public final class Durations {
    private Durations() {
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
