package colmena.task;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parameters checked against a {@link TaskType}: every one present, whole, and within its bounds. */
public final class TaskParams {
    private final Map<String, Object> values;

    private TaskParams(Map<String, Object> values) {
        this.values = values;
    }

    /** A whole-number parameter's value. */
    public long get(String name) {
        if (!(declared(name) instanceof Long value)) {
            throw new IllegalArgumentException("parameter " + name + " is text, not a whole number");
        }
        return value;
    }

    /** A text parameter's value. */
    public String text(String name) {
        if (!(declared(name) instanceof String value)) {
            throw new IllegalArgumentException("parameter " + name + " is a whole number, not text");
        }
        return value;
    }

    private Object declared(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("parameter " + name + " is not declared");
        }
        return value;
    }

    public Map<String, Object> asMap() {
        return Map.copyOf(values);
    }

    /**
     * @throws InvalidTaskException naming the parameter and the bound it breaks
     */
    public static TaskParams check(TaskType type, Map<String, ?> given) throws InvalidTaskException {
        Map<String, ?> raw = given == null ? Map.of() : given;
        List<Param> declared = type.params();
        for (String name : raw.keySet()) {
            if (declared.stream().noneMatch(p -> p.name().equals(name))) {
                throw new InvalidTaskException(name, "unknown parameter \"" + name + "\" for " + type.name()
                        + "; known: " + names(declared), "param_unknown",
                        Map.of("type", type.name(), "param", name, "known", names(declared)));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param p : declared) {
            Object v = raw.get(p.name());
            if (p.isText()) {
                values.put(p.name(), text(type, p, v));
                continue;
            }
            long n = v == null ? p.defaultValue() : whole(type, p, v);
            if (n < p.min()) {
                throw new InvalidTaskException(p.name(), type.name() + ": " + p.name() + " must be at least " + p.min()
                        + ", got " + n, "param_min", Map.of("type", type.name(), "param", p.name(), "min", p.min(), "got", n));
            }
            if (n > p.max()) {
                throw new InvalidTaskException(p.name(), type.name() + ": " + p.name() + " must be at most " + p.max()
                        + ", got " + n, "param_max", Map.of("type", type.name(), "param", p.name(), "max", p.max(), "got", n));
            }
            values.put(p.name(), n);
        }
        return new TaskParams(values);
    }

    private static String text(TaskType type, Param p, Object v) throws InvalidTaskException {
        if (v == null) {
            throw new InvalidTaskException(p.name(), type.name() + ": " + p.name() + " is required (" + p.help() + ")",
                    "param_required", Map.of("type", type.name(), "param", p.name()));
        }
        if (!(v instanceof String s) || !s.matches(p.pattern())) {
            throw new InvalidTaskException(p.name(), type.name() + ": " + p.name() + " must be " + p.help() + ", got "
                    + shown(v), "param_pattern", Map.of("type", type.name(), "param", p.name(), "got", shown(v)));
        }
        return s;
    }

    private static long whole(TaskType type, Param p, Object v) throws InvalidTaskException {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number number) {
            double d = number.doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d)) {
                // Whole but beyond a long: clamped, so the bound check names the bound it breaks.
                return d >= Long.MAX_VALUE ? Long.MAX_VALUE : d <= Long.MIN_VALUE ? Long.MIN_VALUE : (long) d;
            }
        } else if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new InvalidTaskException(p.name(), type.name() + ": " + p.name() + " must be a whole number, got "
                + shown(v), "param_not_whole", Map.of("type", type.name(), "param", p.name(), "got", shown(v)));
    }

    /** A value as an error message shows it: short, and never the whole of a nested structure. */
    private static String shown(Object v) {
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof Collection) {
            return "a list";
        }
        String s = v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static String names(List<Param> declared) {
        if (declared.isEmpty()) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        for (Param p : declared) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(p.name());
        }
        return sb.toString();
    }
}
