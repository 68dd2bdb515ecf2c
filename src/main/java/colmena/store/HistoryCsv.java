package colmena.store;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * TaskHistory rows as CSV lines, the same for the API's export and for retention's files: the
 * table's columns in order, every text quoted, CRLF line ends.
 */
public final class HistoryCsv {
    public static final List<String> HEADER = List.of("ID", "TaskId", "NodeID", "TaskType", "Params", "Status",
            "Result", "Error", "Reason", "Moves", "Attempts", "SubmittedAt", "StartedAt", "FinishedAt", "DurationMs",
            "Timestamp", "Priority", "Retries", "Failures");

    private HistoryCsv() {
    }

    public static void writeHeader(Writer w, char separator) throws IOException {
        w.write(String.join(String.valueOf(separator), HEADER) + "\r\n");
    }

    /** @param time how a time is written (an ISO instant by default: {@code Function.identity()}) */
    public static void writeRow(Writer w, TaskRecord t, char separator, Function<Instant, Object> time) throws IOException {
        Object[] cells = {t.rowId(), t.id(), t.node(), t.type(), t.params(), t.status(), t.result(), t.error(),
                t.reason(), String.join(" | ", t.moves()), t.attempts(), time.apply(t.submittedAt()),
                time.apply(t.startedAt()), time.apply(t.finishedAt()), t.durationMs(), time.apply(t.timestamp()),
                t.priority(), t.retries(), t.failures()};
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                w.write(separator);
            }
            w.write(cell(cells[i]));
        }
        w.write("\r\n");
    }

    /**
     * One CSV cell. Every text is quoted (spreadsheets set to another list separator, such as
     * Spanish Excel's {@code ;}, then cannot split it), and a text a spreadsheet would run as a
     * formula (results come from other machines) starts with an apostrophe.
     */
    public static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Number) {
            return value.toString();
        }
        String s = value.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
