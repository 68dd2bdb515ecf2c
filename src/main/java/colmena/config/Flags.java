package colmena.config;

import colmena.log.Durations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed flags of one subcommand: a flag on the command line wins, then its environment
 * variable, then its default. The same {@link Option} table parses and prints {@code --help}, so
 * the two cannot disagree.
 */
public final class Flags {
    private final String command;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private Flags(String command, List<Option> table) {
        this.command = command;
        for (Option option : table) {
            options.put(option.name(), option);
        }
    }

    /**
     * Parses {@code args} against {@code table}.
     *
     * @throws UsageException naming the flag that is unknown, lacks a value, or is repeated
     */
    public static Flags parse(String command, List<Option> table, String[] args, Map<String, String> env) {
        Flags flags = new Flags(command, table);
        for (int i = 0; i < args.length; i++) {
            i = flags.takeFlag(args, i);
        }
        flags.fillUnset(table, env);
        return flags;
    }

    /**
     * Takes the flag at {@code args[i]} and its value (the next argument, unless it is a switch or
     * the value follows {@code =}); returns the index of the last argument it used.
     */
    private int takeFlag(String[] args, int i) {
        String arg = args[i];
        if (!arg.startsWith("--") || arg.length() == 2) {
            throw new UsageException("unexpected argument \"" + arg + "\"; flags start with --");
        }
        String name = arg.substring(2);
        String inline = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
            inline = name.substring(eq + 1);
            name = name.substring(0, eq);
        }
        Option option = options.get(name);
        boolean fromFile = false;
        if (option == null) {
            option = secretReadFromFile(name);
            fromFile = option != null;
        }
        if (option == null) {
            throw new UsageException("unknown flag --" + name + " for \"" + command + "\"");
        }
        String value;
        if (option.isSwitch()) {
            value = inline == null ? "true" : inline;
        } else if (inline != null) {
            value = inline;
        } else if (i + 1 < args.length) {
            value = args[++i];
        } else {
            throw new UsageException("--" + name + ": expected a value (" + (fromFile ? "FILE" : option.valueName()) + ")");
        }
        add(option, "--" + name, fromFile ? readSecret("--" + name, value) : value);
        return i;
    }

    /** The secret option that {@code name} ({@code NAME-file}) reads from a file, or null when it names none. */
    private Option secretReadFromFile(String name) {
        if (!name.endsWith(FILE_SUFFIX)) {
            return null;
        }
        Option secret = options.get(name.substring(0, name.length() - FILE_SUFFIX.length()));
        return secret != null && SECRET.equals(secret.valueName()) ? secret : null;
    }

    /** Adds a value given on the command line as {@code given}, refusing a second one unless the option repeats. */
    private void add(Option option, String given, String value) {
        List<String> list = values.computeIfAbsent(option.name(), k -> new ArrayList<>());
        if (!list.isEmpty() && !option.repeatable()) {
            throw new UsageException(option.flag() + ": given more than once"
                    + (SECRET.equals(option.valueName()) ? " (as " + option.flag() + " or " + option.flag() + FILE_SUFFIX + ")" : ""));
        }
        list.add(value);
        sources.put(option.name(), given);
    }

    /** Gives each option not on the command line its environment variable's value (or its file's), else its default. */
    private void fillUnset(List<Option> table, Map<String, String> env) {
        for (Option option : table) {
            if (values.containsKey(option.name())) {
                continue;
            }
            String fromEnv = option.env() == null ? null : env.get(option.env());
            String envFile = option.env() == null ? null : env.get(option.env() + "_FILE");
            if (fromEnv != null && !fromEnv.isBlank()) {
                values.put(option.name(), List.of(fromEnv.trim()));
                sources.put(option.name(), option.env());
            } else if (envFile != null && !envFile.isBlank()) {
                values.put(option.name(), List.of(readSecret(option.env() + "_FILE", envFile.trim())));
                sources.put(option.name(), option.env() + "_FILE");
            } else if (option.defaultValue() != null) {
                values.put(option.name(), List.of(option.defaultValue()));
                sources.put(option.name(), option.flag());
            }
        }
    }

    /** The value name of options whose value is a secret: they may also be read from a file ({@code --NAME-file}). */
    public static final String SECRET = "SECRET";
    static final String FILE_SUFFIX = "-file";

    /**
     * A secret read from a file rather than given on the command line, where other local users
     * could read it in the process list: the file's text without surrounding white space.
     */
    static String readSecret(String source, String file) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException | InvalidPathException e) {
            throw new UsageException(source + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
        if (text.isEmpty()) {
            throw new UsageException(source + ": " + file + " is empty");
        }
        return text;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value, or null when the flag was not given and has no default. */
    public String string(String name) {
        List<String> list = values.get(checked(name));
        return list == null ? null : list.get(0);
    }

    public String required(String name) {
        String value = string(name);
        if (value == null || value.isBlank()) {
            throw new UsageException(options.get(name).flag() + " is required");
        }
        return value;
    }

    public List<String> all(String name) {
        return values.getOrDefault(checked(name), List.of());
    }

    public boolean bool(String name) {
        String value = string(name);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new UsageException(source(name) + ": expected true or false, got \"" + value + "\"");
        };
    }

    public int integer(String name, int min, int max) {
        return (int) number(name, min, max);
    }

    public long number(String name, long min, long max) {
        String value = string(name);
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below with the expected range
        }
        throw new UsageException(source(name) + ": expected a number from " + min + " to " + max
                + ", got \"" + value + "\"");
    }

    public double decimal(String name, double min, double max) {
        String value = string(name);
        try {
            double d = Double.parseDouble(value.trim());
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below with the expected range
        }
        throw new UsageException(source(name) + ": expected a number from " + min + " to " + max
                + ", got \"" + value + "\"");
    }

    /** A duration written as {@code 500ms}, {@code 2s}, {@code 1m} or a plain number of seconds. */
    public Duration duration(String name, Duration min, Duration max) {
        String value = string(name);
        Duration d = parseDuration(value);
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new UsageException(source(name) + ": expected a duration from " + Durations.format(min) + " to "
                    + Durations.format(max) + " (like 500ms, 2s, 1m), got \"" + value + "\"");
        }
        return d;
    }

    /** Where a value came from, for error messages: the flag or the environment variable. */
    public String source(String name) {
        return sources.getOrDefault(name, "--" + name);
    }

    static Duration parseDuration(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()) * 60);
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String checked(String name) {
        if (!options.containsKey(name)) {
            throw new IllegalArgumentException("flag --" + name + " is not declared for " + command);
        }
        return name;
    }

    /** The usage text for {@code command}, one line per option with its variable and default. */
    public static String usage(String command, String summary, List<Option> table) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java -jar dist/colmena.jar ").append(command).append(" [options]\n\n");
        sb.append(summary).append("\n\nOptions:\n");
        for (Option o : table) {
            String left = "  " + o.flag() + (o.isSwitch() ? "" : " " + o.valueName());
            sb.append(left);
            sb.append(" ".repeat(Math.max(2, 30 - left.length())));
            sb.append(o.help());
            List<String> extra = new ArrayList<>();
            if (o.env() != null) {
                extra.add("env " + o.env() + (SECRET.equals(o.valueName()) ? " or " + o.env() + "_FILE" : ""));
            }
            if (SECRET.equals(o.valueName())) {
                extra.add("or " + o.flag() + FILE_SUFFIX + " FILE");
            }
            if (o.defaultValue() != null) {
                extra.add("default " + o.defaultValue());
            }
            if (o.repeatable()) {
                extra.add("repeatable");
            }
            if (!extra.isEmpty()) {
                sb.append(" [").append(String.join(", ", extra)).append("]");
            }
            sb.append('\n');
        }
        sb.append("  --help                      this text\n");
        return sb.toString();
    }
}
