package colmena.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The garbage collector's pauses of the benchmark's processes, on the wall clock, so a benchmark can
 * tell how much of its slowest tail a pause explains. A started process logs its pauses with
 * {@link #logOption(Path)}; this JVM's own are noted as they end ({@link #watchThisJvm()}).
 */
final class GcPauses {
    /** One pause: which process, and its start and end in epoch milliseconds. */
    record Pause(String process, long startMs, long endMs) {
        boolean overlaps(long fromMs, long toMs) {
            return startMs <= toMs && endMs >= fromMs;
        }

        long ms() {
            return endMs - startMs;
        }
    }

    /** {@code [2026-12-03T04:01:02.067+0000] GC(3) Pause Young (Allocation Failure) 100M->12M(981M) 18.612ms} */
    private static final Pattern LINE = Pattern.compile("^\\[([^\\]]+)\\].*\\bGC\\(\\d+\\) Pause .* ([0-9.]+)ms$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx");

    private GcPauses() {
    }

    /**
     * The Java option that makes a started JVM write each pause, with the wall-clock time it ended,
     * to {@code file} (quoted: a Windows path has a colon, which {@code -Xlog} would split on).
     */
    static String logOption(Path file) {
        return "-Xlog:gc:file=\"" + file.toAbsolutePath() + "\":time";
    }

    /** The pauses a JVM started with {@link #logOption(Path)} has written to {@code file}; none if there is no file. */
    static List<Pause> read(String process, Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Pause> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            try {
                long end = OffsetDateTime.parse(m.group(1), TIME).toInstant().toEpochMilli();
                long length = Math.round(Double.parseDouble(m.group(2)));
                out.add(new Pause(process, end - length, end));
            } catch (DateTimeParseException | NumberFormatException e) {
                // a line of another shape: not a pause
            }
        }
        return out;
    }

    /** Starts noting this JVM's pauses; the list grows as they end. */
    static List<Pause> watchThisJvm() {
        List<Pause> pauses = Collections.synchronizedList(new ArrayList<>());
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    var done = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    if (done.getGcAction().contains("concurrent")) {
                        return; // a cycle beside the program, not a pause
                    }
                    var info = done.getGcInfo();
                    pauses.add(new Pause("bench", jvmStart + info.getStartTime(), jvmStart + info.getEndTime()));
                }, null, null);
            }
        }
        return pauses;
    }
}
