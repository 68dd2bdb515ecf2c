package colmena.bench;

import colmena.agent.TaskRunner;
import colmena.broker.Json;
import colmena.broker.MalformedMessageException;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.Script;
import colmena.broker.TaskQueue;
import colmena.metrics.NodeStats;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.threads.Threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many lightweight agents in one process, for {@code bench scale}. Each node writes its stats
 * every interval through {@link Nodes#beat} (the real heartbeat's own call: same JSON, same TTL,
 * same registration), its beats spread over the interval as independent machines' would be. The
 * tasks placed on a node are taken and finished with the real {@link TaskQueue} scripts and run by
 * the real {@link TaskRunner}, on a small shared pool: one look at which nodes have tasks queued
 * every {@link #POLL_MS} (a script, where a real agent waits on its own queue), then a take and a
 * finish for each node with work.
 */
final class SimulatedNodes implements AutoCloseable {
    static final long POLL_MS = 50;
    private static final int TAKE_MAX = 200;
    private static final int WORKERS = 3;
    private static final long GIB = 1L << 30;
    /** One node in this many is kept hot (CPU above 90 %): it raises alerts and the coordinator should avoid it. */
    static final int HOT_EVERY = 50;

    /** One simulated node's changing figures. */
    private static final class Node {
        final String id;
        final Random random;
        final int cores;
        final long memTotal;
        final long diskTotal;
        final boolean hot;
        final AtomicBoolean working = new AtomicBoolean();
        double cpu;
        double memUsed;
        double diskUsed;
        long uptimeSeconds;
        long lastBeatNanos;

        Node(String id, int index) {
            this.id = id;
            this.random = new Random(index);
            this.cores = new int[]{2, 4, 4, 8}[index % 4];
            this.memTotal = new long[]{8, 16, 16, 32}[index % 4] * GIB;
            this.diskTotal = (256L << (index % 2)) * GIB;
            this.hot = index % HOT_EVERY == HOT_EVERY - 1;
            this.cpu = hot ? 95 : 5 + random.nextDouble() * 40;
            this.memUsed = memTotal * (0.2 + random.nextDouble() * 0.5);
            this.diskUsed = diskTotal * (0.3 + random.nextDouble() * 0.4);
            this.uptimeSeconds = 3_600 + random.nextInt(1_000_000);
        }

        /** The next sample: figures that wander a little each interval, as a lab machine's do. */
        synchronized NodeStats sample(long intervalMs) {
            cpu = hot ? 91 + random.nextDouble() * 8 : clamp(cpu + random.nextGaussian() * 4, 2, 85);
            memUsed = clamp(memUsed + random.nextGaussian() * 0.01 * memTotal, 0.1 * memTotal, 0.85 * memTotal);
            diskUsed = Math.min(0.9 * diskTotal, diskUsed + random.nextInt(1 << 20));
            uptimeSeconds += intervalMs / 1000;
            return new NodeStats(id, id + ".lab.local", "Linux 6.1 (simulated)", cores, Math.round(cpu * 10) / 10.0,
                    (long) memUsed, memTotal, (long) diskUsed, diskTotal, random.nextInt(2_000_000),
                    random.nextInt(500_000), uptimeSeconds, cores, intervalMs, System.currentTimeMillis());
        }

        private static double clamp(double v, double min, double max) {
            return Math.max(min, Math.min(max, v));
        }
    }

    private final Redis redis;
    private final Nodes nodes;
    private final TaskQueue queue;
    private final long intervalMs;
    private final List<Node> all = new ArrayList<>();
    private final ScheduledExecutorService beats = Executors.newScheduledThreadPool(2, Threads.named("sim-beat", true));
    private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, Threads.named("sim-task", true));
    private final LongAdder beatCount = new LongAdder();
    private final LongAdder beatFailures = new LongAdder();
    private final LongAdder finished = new LongAdder();
    private final LongAdder unreadable = new LongAdder();
    private final AtomicLong worstGapNanos = new AtomicLong();
    private volatile boolean running = true;
    private Thread poller;

    SimulatedNodes(String redisUrl, int count, long intervalMs) {
        this.redis = Redis.connect(redisUrl, 12);
        this.nodes = new Nodes(redis);
        this.queue = new TaskQueue(redis);
        this.intervalMs = intervalMs;
        for (int i = 1; i <= count; i++) {
            all.add(new Node(id(i), i));
        }
    }

    /** How many of {@code count} simulated nodes are kept hot. */
    static int hotCount(int count) {
        return (count + 1) / HOT_EVERY;
    }

    /** The ids of {@code count} simulated nodes. */
    static List<String> ids(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            ids.add(id(i));
        }
        return ids;
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "sim%04d", i);
    }

    /** Every node reports once now, then every interval, each at its own moment; the task poller starts. */
    void start() {
        for (Node n : all) {
            beat(n);
        }
        for (int i = 0; i < all.size(); i++) {
            Node n = all.get(i);
            long offsetMs = intervalMs * i / all.size();
            beats.scheduleAtFixedRate(() -> beat(n), offsetMs + 1, intervalMs, TimeUnit.MILLISECONDS);
        }
        poller = Threads.start("sim-poll", this::poll);
    }

    private void beat(Node n) {
        try {
            nodes.beat(n.sample(intervalMs));
            long now = System.nanoTime();
            synchronized (n) {
                if (n.lastBeatNanos != 0) {
                    long gap = now - n.lastBeatNanos;
                    worstGapNanos.accumulateAndGet(gap, Math::max);
                }
                n.lastBeatNanos = now;
            }
            beatCount.increment();
        } catch (RuntimeException e) {
            beatFailures.increment();
        }
    }

    /** Which of KEYS are non-empty lists; its contract: lua/non_empty.lua. */
    private static final Script NON_EMPTY = Script.load("non_empty");

    /** Asks which nodes have tasks queued, in one round trip, and hands those nodes to the pool. */
    @SuppressWarnings("unchecked")
    private void poll() {
        List<String> queues = all.stream().map(n -> RedisKeys.nodeTasks(n.id)).toList();
        while (running) {
            try {
                List<Long> withWork = (List<Long>) NON_EMPTY.run(redis, queues, List.of());
                for (long i : withWork) {
                    Node n = all.get((int) i - 1);
                    if (n.working.compareAndSet(false, true)) {
                        workers.execute(() -> work(n));
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
            }
            Threads.sleep(POLL_MS);
        }
    }

    /** Takes what is queued on one node, runs it, and finishes it, until its queue is empty. */
    private void work(Node n) {
        try {
            while (running) {
                List<String> taken = queue.take(n.id, TAKE_MAX, Duration.ZERO);
                if (taken.isEmpty()) {
                    return;
                }
                List<TaskQueue.Report> results = new ArrayList<>(taken.size());
                for (String raw : taken) {
                    TaskMessage task;
                    try {
                        task = TaskMessage.read(raw);
                    } catch (MalformedMessageException e) {
                        unreadable.increment();
                        queue.deadLetter(RedisKeys.nodeInflight(n.id), RedisKeys.nodeTasks(n.id), raw, e.getMessage());
                        continue;
                    }
                    TaskResult result = TaskRunner.run(task, n.id, 10_000);
                    results.add(new TaskQueue.Report(task.id(), raw, Json.write(result)));
                }
                queue.finish(n.id, results, results.size());
                finished.add(results.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // What was taken stays in the node's in-flight list; the final check reports it.
        } finally {
            n.working.set(false);
        }
    }

    long beats() {
        return beatCount.sum();
    }

    long beatFailures() {
        return beatFailures.sum();
    }

    long finished() {
        return finished.sum();
    }

    long unreadable() {
        return unreadable.sum();
    }

    /** The longest time between two beats of one node so far. */
    Duration worstGap() {
        return Duration.ofNanos(worstGapNanos.get());
    }

    /** Stops beating and working; the nodes' stats keys then expire as a crashed agent's would. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        beats.shutdownNow();
        if (poller != null) {
            poller.join(2_000);
        }
        workers.shutdown();
        workers.awaitTermination(5, TimeUnit.SECONDS);
        redis.close();
    }
}
