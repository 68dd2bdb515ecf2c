package colmena.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link TaskQueue}'s verbs for an agent: a node's queue ({@code node:<id>:tasks}) and its
 * in-flight list ({@code node:<id>:inflight}). Each verb's contract is on {@link TaskQueue}.
 */
final class NodeQueue {
    /**
     * An agent's finished tasks: out of its in-flight list and onto the results list, in one step.
     * Its contract: lua/finish.lua.
     */
    private static final Script FINISH = Script.load("checks", "finish");

    private final QueueScripts scripts;

    NodeQueue(QueueScripts scripts) {
        this.scripts = scripts;
    }

    /** {@link TaskQueue#take(String, int, Duration)}. */
    List<String> take(String nodeId, int max, Duration wait) {
        return scripts.take(RedisKeys.nodeTasks(nodeId), RedisKeys.nodeInflight(nodeId), max, wait);
    }

    /** {@link TaskQueue#finish}. */
    void finish(String nodeId, List<TaskQueue.Report> results, int finishedCount) {
        if (results.isEmpty()) {
            return;
        }
        if (scripts.plain()) {
            scripts.redis.call(j -> {
                PlainMoves.finish(j, RedisKeys.nodeInflight(nodeId), scripts.resultsKey, RedisKeys.nodeDone(nodeId),
                        results, finishedCount);
                return null;
            });
            return;
        }
        List<String> args = new ArrayList<>(2 + results.size() * 2);
        args.add(Integer.toString(finishedCount));
        // Ahead only into results:queue: a node's own results list is read from its head by the
        // coordinator (NodeOutbox), which puts those of a higher priority ahead itself.
        boolean shared = !scripts.isConfined();
        args.add(Long.toString(shared ? results.stream().filter(TaskQueue.Report::ahead).count() : 0));
        for (boolean ahead : new boolean[] {true, false}) { // those that go ahead first, as finish.lua wants them
            for (TaskQueue.Report r : results) {
                if ((shared && r.ahead()) == ahead) {
                    args.add(r.isFinal() ? r.rawTask() : "");
                    args.add(r.resultJson());
                }
            }
        }
        List<String> keys = List.of(RedisKeys.nodeInflight(nodeId), scripts.resultsKey, RedisKeys.nodeDone(nodeId));
        scripts.redis.call(j -> FINISH.run(j, keys, args));
    }

    /** {@link TaskQueue#handBack}. */
    int handBack(String nodeId, List<TaskQueue.Returned> tasks) {
        List<Move> moves = new ArrayList<>();
        String queue = RedisKeys.nodeTasks(nodeId);
        for (int i = tasks.size() - 1; i >= 0; i--) {
            moves.add(Move.prepend(tasks.get(i).raw(), queue, tasks.get(i).payload()));
        }
        return scripts.moveFromAnywhere(RedisKeys.nodeInflight(nodeId), moves);
    }

    /** {@link TaskQueue#dropInflight}. */
    void dropInflight(String nodeId, String raw) {
        scripts.moveFromAnywhere(RedisKeys.nodeInflight(nodeId), List.of(Move.drop(raw)));
    }
}
