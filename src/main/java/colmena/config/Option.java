package colmena.config;

/**
 * One command-line flag: its name, the environment variable that may set it instead,
 * its default (null when it has none) and the help line shown by {@code --help}.
 *
 * @param valueName what the value is, for the usage line ("URL", "N"); null for a switch
 * @param repeatable whether the flag may be given several times (e.g. {@code --param})
 */
public record Option(String name, String env, String defaultValue, String valueName, String help,
                     boolean repeatable) {

    public static Option value(String name, String env, String defaultValue, String valueName, String help) {
        return new Option(name, env, defaultValue, valueName, help, false);
    }

    public static Option repeated(String name, String valueName, String help) {
        return new Option(name, null, null, valueName, help, true);
    }

    public static Option flag(String name, String env, String help) {
        return new Option(name, env, null, null, help, false);
    }

    public boolean isSwitch() {
        return valueName == null;
    }

    public String flag() {
        return "--" + name;
    }
}
