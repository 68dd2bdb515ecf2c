package colmena.task;

import colmena.broker.Json;

import java.util.List;
import java.util.Map;

/**
 * Writes tasks and results as {@link Json#write} does, character for character, without Gson's
 * reflection: an agent writes a result for every task it runs, and Gson's writing was 40-50 % of an
 * agent's processor time at full speed ({@code bench throughput} with {@code COLMENA_BENCH_JFR}).
 * Parameters other than whole numbers, text and true/false (a fraction, a null) are left to Gson,
 * as {@link MessageReader} leaves them when reading. {@code MessageWriterTest} checks the text is
 * Gson's on generated messages.
 */
public final class MessageWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MessageWriter() {
    }

    /** The result's text, as {@code Json.write(result)} gives it. */
    public static String result(TaskResult r) {
        if (r.task() != null && !plainParams(r.task().params())) {
            return Json.write(r);
        }
        StringBuilder sb = new StringBuilder(400);
        sb.append('{');
        boolean first = true;
        if (r.task() != null) {
            sb.append("\"task\":");
            task(sb, r.task());
            first = false;
        }
        first = text(sb, first, "node", r.node());
        first = text(sb, first, "status", r.status() == null ? null : r.status().name());
        first = text(sb, first, "result", r.result());
        first = text(sb, first, "error", r.error());
        first = number(sb, first, "startedAtMs", r.startedAtMs());
        first = number(sb, first, "finishedAtMs", r.finishedAtMs());
        number(sb, first, "durationMs", r.durationMs());
        return sb.append('}').toString();
    }

    /** The task's text, as {@code Json.write(task)} gives it. */
    public static String task(TaskMessage t) {
        if (!plainParams(t.params())) {
            return Json.write(t);
        }
        StringBuilder sb = new StringBuilder(256);
        task(sb, t);
        return sb.toString();
    }

    private static boolean plainParams(Map<String, Object> params) {
        if (params == null) {
            return true;
        }
        for (Object v : params.values()) {
            if (!(v instanceof String || v instanceof Long || v instanceof Integer || v instanceof Boolean)) {
                return false;
            }
        }
        return true;
    }

    private static void task(StringBuilder sb, TaskMessage t) {
        // Fields in the record's order, nulls left out, as Gson writes a record.
        sb.append('{');
        boolean first = text(sb, true, "id", t.id());
        first = text(sb, first, "type", t.type());
        if (t.params() != null) {
            first = name(sb, first, "params");
            sb.append('{');
            boolean firstParam = true;
            for (Map.Entry<String, Object> e : t.params().entrySet()) {
                if (!firstParam) {
                    sb.append(',');
                }
                firstParam = false;
                string(sb, e.getKey());
                sb.append(':');
                Object v = e.getValue();
                if (v instanceof String s) {
                    string(sb, s);
                } else {
                    sb.append(v); // a Long, an Integer or a Boolean: as Gson writes them
                }
            }
            sb.append('}');
        }
        first = number(sb, first, "attempt", t.attempt());
        first = number(sb, first, "submittedAtMs", t.submittedAtMs());
        first = text(sb, first, "node", t.node());
        first = text(sb, first, "reason", t.reason());
        List<String> moves = t.moves();
        if (moves != null) {
            first = name(sb, first, "moves");
            sb.append('[');
            for (int i = 0; i < moves.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                String m = moves.get(i);
                if (m == null) {
                    sb.append("null");
                } else {
                    string(sb, m);
                }
            }
            sb.append(']');
        }
        first = text(sb, first, "replyTo", t.replyTo());
        first = whole(sb, first, "retries", t.retries());
        first = whole(sb, first, "failures", t.failures());
        whole(sb, first, "priority", t.priority());
        sb.append('}');
    }

    private static boolean name(StringBuilder sb, boolean first, String name) {
        if (!first) {
            sb.append(',');
        }
        sb.append('"').append(name).append("\":");
        return false;
    }

    private static boolean text(StringBuilder sb, boolean first, String name, String value) {
        if (value == null) {
            return first;
        }
        name(sb, first, name);
        string(sb, value);
        return false;
    }

    private static boolean number(StringBuilder sb, boolean first, String name, long value) {
        name(sb, first, name);
        sb.append(value);
        return false;
    }

    private static boolean whole(StringBuilder sb, boolean first, String name, Integer value) {
        return value == null ? first : number(sb, first, name, value);
    }

    /** A JSON string as Gson writes it with HTML escaping off. */
    public static void string(StringBuilder sb, String s) {
        sb.append('"');
        int last = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String replacement;
            if (c < 0x20) {
                replacement = switch (c) {
                    case '\t' -> "\\t";
                    case '\b' -> "\\b";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\f' -> "\\f";
                    default -> null;
                };
            } else if (c == '"') {
                replacement = "\\\"";
            } else if (c == '\\') {
                replacement = "\\\\";
            } else if (c == '\u2028' || c == '\u2029') {
                replacement = null;
            } else {
                continue;
            }
            sb.append(s, last, i);
            if (replacement != null) {
                sb.append(replacement);
            } else {
                sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                        .append(HEX[c & 0xF]);
            }
            last = i + 1;
        }
        sb.append(s, last, n).append('"');
    }
}
