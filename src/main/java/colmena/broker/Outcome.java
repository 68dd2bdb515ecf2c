package colmena.broker;

/**
 * What becomes of one message a caller took, named for what it does, for
 * {@link TaskQueue#moveFromHead}: the raw text leaves its list and, only if it was still there,
 * goes on as the outcome says. The coordinator decides which outcome; the broker builds and runs
 * the step ({@link Move}, lua/move.lua), so every way a task can leave a list is in this package.
 */
public sealed interface Outcome permits Move {

    /** Whether this outcome puts a task in a node's queue ({@link #placeOn}). */
    boolean placesOnNode();

    /** Into node {@code nodeId}'s queue by priority as {@code placedText}, only while that node reports. */
    static Outcome placeOn(String raw, String nodeId, String placedText) {
        return Move.toNode(raw, nodeId, placedText);
    }

    /** A task that will not run is answered at once: {@code resultJson} (FAILED, saying why) joins {@code results:queue}. */
    static Outcome failAtOnce(String raw, String resultJson) {
        return Move.append(raw, RedisKeys.resultsQueue(), resultJson);
    }

    /** A node's result, checked, joins {@code results:queue} as it is, to be stored. */
    static Outcome passOn(String raw) {
        return Move.append(raw, RedisKeys.resultsQueue(), raw);
    }

    /** The same, at the head of {@code results:queue}, to be stored before those waiting (a task of a higher priority). */
    static Outcome passOnAhead(String raw) {
        return Move.prepend(raw, RedisKeys.resultsQueue(), raw);
    }

    /** A result stored in TaskHistory (durably) is done with: it leaves {@code results:storing}, nothing more. */
    static Outcome dropStored(String raw) {
        return Move.drop(raw);
    }

    /**
     * Onto the dead-letter list, as the entry {@link TaskQueue#deadLetterEntry} makes of it.
     *
     * @param source the list to name as where it came from
     * @param why    why it could not go on
     */
    static Outcome deadLetter(String raw, String source, String why) {
        return Move.deadLetter(raw, DeadLetters.entry(source, raw, why));
    }
}
