package colmena.task;

/**
 * How far a running task says it has got, as its agent publishes it: a percentage (0–100) and a
 * short text, or none.
 *
 * @param text at most {@link TaskContext.Progress#MAX_TEXT} characters, or null
 */
public record TaskProgress(int percent, String text) {
}
