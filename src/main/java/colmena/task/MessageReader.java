package colmena.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the plain JSON that Colmena's own parts write for tasks and results, several times faster
 * than Gson's reflection and without its buffers: the coordinator reads every task once and every
 * result once, and this was a quarter of its CPU.
 *
 * <p>It reads strict JSON only, and only the shapes the messages' fields have (texts, whole numbers,
 * true and false, texts in a list, a flat object of parameters). For anything else it gives up and
 * returns null — a parameter with a fraction or a nested value, a null where Gson has a rule of its
 * own, a field given twice, a number where text is expected, anything Gson's lenient reader would
 * accept or refuse — and {@link MessageCheck#parse} then reads the text with Gson, as before. So
 * what it returns is what Gson would have returned (checked against Gson by {@code MessageReaderTest}
 * on generated and mutated messages), and every error message still comes from Gson.
 */
final class MessageReader {
    /** Whole numbers with at most this many digits fit a long whatever they are. */
    private static final int LONG_DIGITS = 18;
    /** ... and an int. */
    private static final int INT_DIGITS = 9;

    private final String s;
    private int i;

    private MessageReader(String s) {
        this.s = s;
    }

    /** The task in {@code raw}, or null when it is not in the plain form this reader takes. */
    static TaskMessage task(String raw) {
        MessageReader r = new MessageReader(raw);
        try {
            TaskMessage t = r.taskObject();
            return t != null && r.atEnd() ? t : null;
        } catch (GiveUp e) {
            return null;
        }
    }

    /** The result in {@code raw}, or null when it is not in the plain form this reader takes. */
    static TaskResult result(String raw) {
        MessageReader r = new MessageReader(raw);
        try {
            TaskResult t = r.resultObject();
            return t != null && r.atEnd() ? t : null;
        } catch (GiveUp e) {
            return null;
        }
    }

    /** Thrown where this reader gives the text up to Gson; no stack trace, it is not an error. */
    private static final class GiveUp extends RuntimeException {
        static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    private static GiveUp giveUp() {
        return GiveUp.INSTANCE;
    }

    private boolean atEnd() {
        skipSpace();
        return i == s.length();
    }

    private TaskResult resultObject() {
        expectObjectStart();
        TaskMessage task = null;
        String node = null;
        TaskStatus status = null;
        String result = null;
        String error = null;
        long started = 0;
        long finished = 0;
        long duration = 0;
        int seen = 0;
        if (!objectEndsNow()) {
            do {
                String key = key();
                int bit;
                switch (key) {
                    case "task" -> {
                        bit = 1;
                        task = nullOr() ? null : taskObject();
                    }
                    case "node" -> {
                        bit = 2;
                        node = textOrNull();
                    }
                    case "status" -> {
                        bit = 4;
                        status = nullOr() ? null : status(text());
                    }
                    case "result" -> {
                        bit = 8;
                        result = textOrNull();
                    }
                    case "error" -> {
                        bit = 16;
                        error = textOrNull();
                    }
                    case "startedAtMs" -> {
                        bit = 32;
                        started = whole(LONG_DIGITS);
                    }
                    case "finishedAtMs" -> {
                        bit = 64;
                        finished = whole(LONG_DIGITS);
                    }
                    case "durationMs" -> {
                        bit = 128;
                        duration = whole(LONG_DIGITS);
                    }
                    default -> {
                        bit = 0;
                        skipValue(0);
                    }
                }
                seen = once(seen, bit);
            } while (nextMember());
        }
        return new TaskResult(task, node, status, result, error, started, finished, duration);
    }

    private TaskMessage taskObject() {
        expectObjectStart();
        String id = null;
        String type = null;
        Map<String, Object> params = null;
        int attempt = 0;
        long submitted = 0;
        String node = null;
        String reason = null;
        List<String> moves = null;
        String replyTo = null;
        Integer retries = null;
        Integer failures = null;
        Integer priority = null;
        int seen = 0;
        if (!objectEndsNow()) {
            do {
                String key = key();
                int bit;
                switch (key) {
                    case "id" -> {
                        bit = 1;
                        id = textOrNull();
                    }
                    case "type" -> {
                        bit = 2;
                        type = textOrNull();
                    }
                    case "params" -> {
                        bit = 4;
                        params = nullOr() ? null : params();
                    }
                    case "attempt" -> {
                        bit = 8;
                        attempt = (int) whole(INT_DIGITS);
                    }
                    case "submittedAtMs" -> {
                        bit = 16;
                        submitted = whole(LONG_DIGITS);
                    }
                    case "node" -> {
                        bit = 32;
                        node = textOrNull();
                    }
                    case "reason" -> {
                        bit = 64;
                        reason = textOrNull();
                    }
                    case "moves" -> {
                        bit = 128;
                        moves = nullOr() ? null : texts();
                    }
                    case "replyTo" -> {
                        bit = 256;
                        replyTo = textOrNull();
                    }
                    case "retries" -> {
                        bit = 512;
                        retries = nullOr() ? null : (int) whole(INT_DIGITS);
                    }
                    case "failures" -> {
                        bit = 1024;
                        failures = nullOr() ? null : (int) whole(INT_DIGITS);
                    }
                    case "priority" -> {
                        bit = 2048;
                        priority = nullOr() ? null : (int) whole(INT_DIGITS);
                    }
                    default -> {
                        bit = 0;
                        skipValue(0);
                    }
                }
                seen = once(seen, bit);
            } while (nextMember());
        }
        return new TaskMessage(id, type, params, attempt, submitted, node, reason, moves, replyTo, retries, failures,
                priority);
    }

    /** A field given twice is left to Gson. */
    private static int once(int seen, int bit) {
        if ((seen & bit) != 0) {
            throw giveUp();
        }
        return seen | bit;
    }

    private static TaskStatus status(String name) {
        for (TaskStatus st : TaskStatus.values()) {
            if (st.name().equals(name)) {
                return st;
            }
        }
        throw giveUp(); // Gson's rule for a name it does not know
    }

    /** A flat object of texts, whole numbers (as Long, as Gson reads them here) and true or false. */
    private Map<String, Object> params() {
        expectObjectStart();
        Map<String, Object> out = new LinkedHashMap<>();
        if (objectEndsNow()) {
            return out;
        }
        do {
            String key = key();
            skipSpace();
            char c = peek();
            Object v;
            if (c == '"') {
                v = text();
            } else if (c == 't') {
                literal("true");
                v = Boolean.TRUE;
            } else if (c == 'f') {
                literal("false");
                v = Boolean.FALSE;
            } else {
                v = whole(LONG_DIGITS);
            }
            if (out.put(key, v) != null) {
                throw giveUp(); // Gson refuses a duplicate key, with its own message
            }
        } while (nextMember());
        return out;
    }

    private List<String> texts() {
        skipSpace();
        expect('[');
        List<String> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            i++;
            return out;
        }
        while (true) {
            out.add(text());
            skipSpace();
            char c = next();
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                throw giveUp();
            }
        }
    }

    /** Skips any JSON value, nested no deeper than a few levels. */
    private void skipValue(int depth) {
        if (depth > 8) {
            throw giveUp();
        }
        skipSpace();
        char c = peek();
        switch (c) {
            case '"' -> text();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            case '{' -> {
                i++;
                if (objectEndsNow()) {
                    return;
                }
                do {
                    key();
                    skipValue(depth + 1);
                } while (nextMember());
            }
            case '[' -> {
                i++;
                skipSpace();
                if (peek() == ']') {
                    i++;
                    return;
                }
                while (true) {
                    skipValue(depth + 1);
                    skipSpace();
                    char d = next();
                    if (d == ']') {
                        return;
                    }
                    if (d != ',') {
                        throw giveUp();
                    }
                }
            }
            default -> whole(LONG_DIGITS); // fractions and exponents are left to Gson
        }
    }

    private void expectObjectStart() {
        skipSpace();
        expect('{');
    }

    /** After '{': true (and past it) when the object is empty. */
    private boolean objectEndsNow() {
        skipSpace();
        if (peek() == '}') {
            i++;
            return true;
        }
        return false;
    }

    /** A member's name and the ':' after it. */
    private String key() {
        skipSpace();
        String k = text();
        skipSpace();
        expect(':');
        return k;
    }

    /** After a member: true (past the ',') if another follows, false (past the '}') at the end. */
    private boolean nextMember() {
        skipSpace();
        char c = next();
        if (c == ',') {
            return true;
        }
        if (c == '}') {
            return false;
        }
        throw giveUp();
    }

    /** True (and past it) when the value is null. */
    private boolean nullOr() {
        skipSpace();
        if (peek() == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    private String textOrNull() {
        return nullOr() ? null : text();
    }

    /** A JSON string; a number or anything else where text is expected is left to Gson. */
    private String text() {
        skipSpace();
        expect('"');
        int start = i;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                return s.substring(start, i++);
            }
            if (c == '\\') {
                return escapedText(start);
            }
            if (c < 0x20) {
                throw giveUp();
            }
            i++;
        }
        throw giveUp();
    }

    /** The rest of a string that has escapes, from {@code start} (just past its opening quote). */
    private String escapedText(int start) {
        StringBuilder sb = new StringBuilder(i - start + 16).append(s, start, i);
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw giveUp();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > n) {
                        throw giveUp();
                    }
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = hex(s.charAt(i++));
                        v = v * 16 + d;
                    }
                    sb.append((char) v);
                }
                default -> throw giveUp();
            }
        }
        throw giveUp();
    }

    /** An ASCII hexadecimal digit's value, as Gson reads {@code \\u} escapes (Character.digit takes other scripts' digits too). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw giveUp();
    }

    /**
     * A whole number written plainly (no sign '+', no leading zero, no fraction or exponent) of at
     * most {@code digits} digits; anything else is left to Gson, which has rules of its own for it.
     */
    private long whole(int digits) {
        skipSpace();
        int n = s.length();
        boolean negative = i < n && s.charAt(i) == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long v = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            i++;
        }
        int count = i - start;
        if (count == 0 || count > digits || (count > 1 && s.charAt(start) == '0')) {
            throw giveUp();
        }
        if (i < n) {
            char c = s.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                throw giveUp();
            }
        }
        return negative ? -v : v;
    }

    private void literal(String word) {
        if (!s.startsWith(word, i)) {
            throw giveUp();
        }
        i += word.length();
        if (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
            throw giveUp();
        }
    }

    private void skipSpace() {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw giveUp();
        }
        return s.charAt(i);
    }

    private char next() {
        if (i >= s.length()) {
            throw giveUp();
        }
        return s.charAt(i++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw giveUp();
        }
    }
}
