package colmena.agent;

import colmena.broker.TaskQueue;
import colmena.log.Outage;
import colmena.task.MessageWriter;
import colmena.task.TaskResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends finished tasks to {@code results:queue} in batches. While Redis is away the results wait
 * here, up to {@link #CAPACITY}; past that, workers wait too, so the agent stops taking work
 * rather than lose any.
 */
final class ResultSender implements Runnable {
    static final int CAPACITY = 100_000;
    private static final int BATCH = 500;

    private final String nodeId;
    private final TaskQueue queue;
    private final Outage redisOutage;
    private final HeldTasks held;
    private final BlockingQueue<TaskQueue.Report> waiting = new LinkedBlockingQueue<>(CAPACITY);
    private final List<TaskQueue.Report> batch = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param held asked for the RUNNING notices due on every pass, and told of each batch once it
     *             is in Redis (its finished tasks have left the in-flight list)
     */
    ResultSender(String nodeId, TaskQueue queue, Outage redisOutage, HeldTasks held) {
        this.nodeId = nodeId;
        this.queue = queue;
        this.redisOutage = redisOutage;
        this.held = held;
    }

    /** Queues a result for sending; blocks while {@link #CAPACITY} results already wait. */
    void send(String rawTask, TaskResult result) throws InterruptedException {
        waiting.put(TaskQueue.Report.result(result.id(), rawTask, MessageWriter.result(result),
                result.task().priorityOrDefault()));
    }

    @Override
    public void run() {
        while (running || !waiting.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    TaskQueue.Report first = waiting.poll(50, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        batch.add(first);
                        waiting.drainTo(batch, BATCH - 1);
                    }
                    batch.addAll(held.runningNotices());
                }
                if (batch.isEmpty()) {
                    continue;
                }
                int finals = 0;
                for (TaskQueue.Report r : batch) {
                    if (r.isFinal()) {
                        finals++;
                    }
                }
                queue.finish(nodeId, batch, finals);
                held.onSent(List.copyOf(batch));
                batch.clear();
                redisOutage.ok();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The batch is kept and sent again once Redis answers.
                redisOutage.failed(e);
                if (!running && redisOutage.isDown()) {
                    return;
                }
            }
        }
    }

    /** Results not yet sent (after a stop while Redis was away). */
    int unsent() {
        return waiting.size() + batch.size();
    }

    void stop() {
        running = false;
    }
}
