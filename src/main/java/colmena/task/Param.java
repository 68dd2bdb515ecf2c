package colmena.task;

/** One whole-number parameter of a task type, with its bounds and default. */
public record Param(String name, long min, long max, long defaultValue, String help) {
}
