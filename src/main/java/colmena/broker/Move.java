package colmena.broker;

/**
 * One step of a task's journey, as lua/move.lua reads it: take {@code raw} out of the source list
 * and, only if it was still there, send {@code payload} on. Private to the broker: callers outside
 * it name an {@link Outcome}, and each verb of {@link TaskQueue} builds its own moves.
 *
 * @param raw     the exact text found in the source list
 * @param op      where the payload goes
 * @param dest    the destination key (ignored for {@link Op#DROP} and {@link Op#DEAD_LETTER})
 * @param payload the text to push
 * @param guard   a key that must exist for the move to happen (and for any after it), or null
 */
record Move(String raw, Op op, String dest, String payload, String guard) implements Outcome {

    enum Op {
        /** RPUSH to dest: join the back of a queue. */
        APPEND("R"),
        /**
         * Into a node's queue by priority: behind every task of the same or a higher priority,
         * ahead of every lower one (the back of the queue when nothing lower waits).
         */
        ENQUEUE("Q"),
        /** LPUSH to dest: go ahead of everything waiting there. */
        PREPEND("L"),
        /** onto the dead-letter list, which is kept bounded. */
        DEAD_LETTER("D"),
        /** nothing further: the message is done with. */
        DROP("N");

        final String code;

        Op(String code) {
            this.code = code;
        }
    }

    @Override
    public boolean placesOnNode() {
        return op == Op.ENQUEUE;
    }

    static Move append(String raw, String dest, String payload) {
        return new Move(raw, Op.APPEND, dest, payload, null);
    }

    /** Into a node's queue by priority, only while that node's stats key says it is alive. */
    static Move toNode(String raw, String nodeId, String payload) {
        return new Move(raw, Op.ENQUEUE, RedisKeys.nodeTasks(nodeId), payload, RedisKeys.nodeStats(nodeId));
    }

    static Move prepend(String raw, String dest, String payload) {
        return new Move(raw, Op.PREPEND, dest, payload, null);
    }

    static Move drop(String raw) {
        return new Move(raw, Op.DROP, "", "", null);
    }

    static Move deadLetter(String raw, String entry) {
        return new Move(raw, Op.DEAD_LETTER, "", entry, null);
    }
}
