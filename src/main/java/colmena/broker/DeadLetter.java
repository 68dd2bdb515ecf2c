package colmena.broker;

/**
 * A message that could not be used, as kept on the {@code deadletter} list.
 *
 * @param source the key it was found in
 * @param reason what was wrong with it
 * @param raw    its text, cut to {@link TaskQueue#DEAD_LETTER_RAW_CHARS}
 */
public record DeadLetter(String source, String reason, String raw, long atMs) {
}
