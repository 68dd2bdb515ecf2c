package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.TaskQueue;
import colmena.task.TaskIds;
import colmena.task.TaskMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The paper's coordinator made up its own work so a classroom sees activity at once: this submits
 * {@code rate} {@code operation-intensive} tasks a second, each on a random number from 1,000 to
 * 9,999 as in the paper.
 */
final class DemoLoad {
    static final String TYPE = "operation-intensive";
    private final TaskQueue queue;
    private final double ratePerSecond;
    private double owed;

    DemoLoad(TaskQueue queue, double ratePerSecond) {
        this.queue = queue;
        this.ratePerSecond = ratePerSecond;
    }

    /** Submits what is due after {@code elapsedMs} more milliseconds; returns how many. */
    int tick(long elapsedMs) {
        owed += ratePerSecond * elapsedMs / 1000.0;
        int n = (int) owed;
        if (n == 0) {
            return 0;
        }
        owed -= n;
        List<String> tasks = new ArrayList<>(n);
        long now = queue.now();
        for (int i = 0; i < n; i++) {
            long number = ThreadLocalRandom.current().nextLong(1_000, 10_000);
            tasks.add(Json.write(TaskMessage.submit(TaskIds.next(), TYPE,
                    Map.of("number", number), now, null)));
        }
        queue.submit(tasks);
        return n;
    }
}
