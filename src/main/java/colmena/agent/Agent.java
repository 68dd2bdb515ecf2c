package colmena.agent;

import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.install.Installation;
import colmena.install.InstallationWatch;
import colmena.log.Durations;
import colmena.log.Outage;
import colmena.metrics.NodeSampler;
import colmena.metrics.NodeStats;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One node: reports its metrics every interval and runs the tasks placed on it. Starts the
 * heartbeat, the task loop and the result sender; on stop (Ctrl+C, SIGTERM) stops taking work,
 * lets running tasks finish within the grace period, hands the rest back, and removes its stats
 * key so it shows offline at once.
 */
public final class Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /**
     * What the agent was asked to be.
     *
     * @param nodeId      a valid node id ({@link RedisKeys#isValidNodeId})
     * @param interval    how often it reports its metrics
     * @param workers     task threads
     * @param taskTimeout a task running longer FAILS
     * @param grace       on stop, how long running tasks may finish
     */
    public record Config(String nodeId, String redisUrl, Duration interval, int workers, Duration taskTimeout,
                         Duration grace) {
    }

    private final Config config;
    private final Redis redis;
    private final TaskQueue queue;
    private final Nodes nodes;
    private final Outage redisOutage;
    private Heartbeat heartbeat;
    private TaskLoop loop;
    private final List<Thread> threads = new ArrayList<>();
    private InstallationWatch installation;
    private volatile boolean stopped;
    /** Whether this run has shown the node online: only then does stopping take it offline. */
    private boolean joined;
    private volatile Runnable onLoginRefused = () -> { };

    public Agent(Config config, Redis redis) {
        this.config = config;
        this.redis = redis;
        // With its own credential an agent may touch only its node's keys (see NodeCredentials).
        this.queue = redis.user() != null ? TaskQueue.confined(redis, config.nodeId()) : new TaskQueue(redis);
        this.nodes = new Nodes(redis);
        this.redisOutage = new Outage(LOG, "Redis at " + redis.url());
    }

    public String nodeId() {
        return config.nodeId();
    }

    private volatile BiConsumer<String, Throwable> vitalDeath = (name, e) -> { };

    /**
     * What to do, beyond going offline, when the heartbeat, take or results thread dies (the
     * {@code agent} command exits the process, so it is seen offline and restarted).
     */
    public void onVitalThreadDeath(BiConsumer<String, Throwable> action) {
        this.vitalDeath = action;
    }

    /**
     * A node whose heartbeat, take or results thread is dead must not look alive: the heartbeat
     * stops (the stats key then expires, the coordinator takes its tasks back) and {@link #vitalDeath} runs.
     */
    private void onVitalThreadDeath(String thread, Throwable cause) {
        LOG.error("Agent '{}' cannot go on: its thread {} died ({}); it stops reporting so that it is seen offline",
                config.nodeId(), thread, cause.toString());
        if (heartbeat != null) {
            heartbeat.stop();
        }
        vitalDeath.accept(thread, cause);
    }

    /**
     * Starts reporting and working.
     *
     * @throws IllegalStateException when another live agent already uses this id
     */
    public synchronized void start() {
        if (stopped) {
            return; // stopped before it began: the process is exiting
        }
        waitForOldSelf();
        NodeSampler sampler = new NodeSampler(config.nodeId(), config.workers(), config.interval().toMillis(),
                Path.of("").toAbsolutePath());
        heartbeat = new Heartbeat(sampler, nodes, redis.clock(), () -> loop == null ? 0 : loop.longRunning(),
                () -> loop == null ? Map.of() : loop.progress(), config.interval().toMillis(), redisOutage,
                this::loginRefused);
        nodes.rejoin(config.nodeId());
        joined = true;
        heartbeat.beat();
        recoverInflight();
        loop = new TaskLoop(config.nodeId(), config.workers(), config.taskTimeout().toMillis(), queue, redisOutage,
                new Blobs(redis), redis.clock());
        threads.add(Threads.startVital("colmena-heartbeat", heartbeat, this::onVitalThreadDeath));
        threads.add(Threads.startVital("colmena-results", loop.sender(), this::onVitalThreadDeath));
        threads.add(Threads.startVital("colmena-take", loop, this::onVitalThreadDeath));
        LOG.info("Agent '{}' started: {} workers, {} CPUs, stats every {} to {}", config.nodeId(), config.workers(),
                sampler.cores(), Durations.format(config.interval()), redis.url());
        installation = new InstallationWatch("Agent '" + config.nodeId() + "'", redis);
        installation.start();
    }

    /** The installation whose Redis this agent works in, as last read (null while none has stamped it). */
    public Installation installation() {
        return installation == null ? null : installation.state().installation();
    }

    /**
     * A node id is one agent. If the stats key is there, wait for it to expire (an agent that just
     * died); if it keeps being refreshed, another agent is live under this id.
     */
    private void waitForOldSelf() {
        String key = RedisKeys.nodeStats(config.nodeId());
        String first = redis.call(j -> j.get(key));
        if (first == null) {
            return;
        }
        long waitMs = Nodes.statsTtlMs(config.interval().toMillis()) + config.interval().toMillis();
        LOG.info("Node '{}' was reported a moment ago; waiting up to {} ms to be sure it is gone", config.nodeId(), waitMs);
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Threads.sleep(100);
            String now = redis.call(j -> j.get(key));
            if (now == null) {
                return;
            }
            if (!now.equals(first)) {
                NodeStats other = parse(now);
                throw new IllegalStateException("node '" + config.nodeId() + "' is already online"
                        + (other == null ? "" : " (host " + other.host() + ")") + "; start this agent with another --id");
            }
        }
    }

    /**
     * Tasks left in this node's in-flight list by an earlier run that died go back to be placed
     * again, each with one more attempt, so a task that crashes its agent cannot loop forever. An
     * agent with its own credential cannot reach the submission queue: they go to the head of its
     * own queue instead.
     */
    private void recoverInflight() {
        String note = config.nodeId() + " restarted at " + clock() + " while holding it";
        String back = queue.isConfined() ? RedisKeys.nodeTasks(config.nodeId()) : RedisKeys.submitted();
        int moved = queue.requeueForPlacement(RedisKeys.nodeInflight(config.nodeId()), back, t -> t.movedAway(note));
        if (moved > 0) {
            LOG.info("{} tasks left from an earlier run of '{}' sent back to be placed again", moved, config.nodeId());
        }
    }

    /**
     * What to do when Redis refuses this node's credential while it runs (the teacher removed the
     * PC): the agent cannot work again without a new one, so the command ends the process.
     */
    public void onLoginRefused(Runnable action) {
        this.onLoginRefused = action;
    }

    private void loginRefused() {
        LOG.error("Redis refuses the login of node '{}' (WRONGPASS): its credential was removed ('colmena node remove {}') "
                + "or changed; stopping. Ask for a new line to join with ('colmena node add {}').",
                config.nodeId(), config.nodeId(), config.nodeId());
        onLoginRefused.run();
    }

    /**
     * Stops in order: no new work, running tasks finish within the grace period, the rest handed
     * back, the node offline. A stop asked for while {@link #start} runs waits for it to end; one
     * after a start refused (another agent online under this id) touches nothing of that agent's.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (!joined) {
            return;
        }
        LOG.info("Agent '{}' stopping: taking no more tasks", config.nodeId());
        if (installation != null) {
            installation.stop();
        }
        try {
            List<HeldTasks.Unfinished> back = loop == null ? List.of() : loop.stop(config.grace());
            if (loop != null) {
                loop.sender().stop();
            }
            joinAll(Duration.ofSeconds(5));
            if (!back.isEmpty()) {
                handBack(back);
            }
            if (loop != null && loop.sender().unsent() > 0) {
                LOG.warn("{} results could not be sent; their tasks stay in {} and will run again",
                        loop.sender().unsent(), RedisKeys.nodeInflight(config.nodeId()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leave(); // even when the stop was interrupted: a node that stops must not look online
        LOG.info("Agent '{}' stopped", config.nodeId());
    }

    /**
     * Goes offline at once: removes this node's stats key, trying again twice if Redis does not
     * answer in time (a loaded machine), since otherwise the node looks online until the key
     * expires.
     */
    private void leave() {
        for (int attempt = 1; ; attempt++) {
            try {
                nodes.leave(config.nodeId());
                return;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    LOG.warn("Could not remove {} ({}); it expires by itself", RedisKeys.nodeStats(config.nodeId()),
                            Outage.reason(e));
                    return;
                }
                Threads.sleep(200);
            }
        }
    }

    /** Hands the unfinished tasks back to this node's queue; where Redis fails, they stay in flight for the coordinator. */
    private void handBack(List<HeldTasks.Unfinished> back) {
        try {
            int n = queue.handBack(config.nodeId(), handBackMoves(back));
            long interrupted = back.stream().filter(HeldTasks.Unfinished::interrupted).count();
            LOG.info("Handed back {} tasks to {}{}", n, RedisKeys.nodeTasks(config.nodeId()),
                    interrupted == 0 ? "" : " (" + interrupted + " of them interrupted after the grace period)");
        } catch (RuntimeException e) {
            LOG.warn("Could not hand back {} tasks ({}); they stay in {} for the coordinator to move",
                    back.size(), Outage.reason(e), RedisKeys.nodeInflight(config.nodeId()));
        }
    }

    /**
     * The in-flight text of each unfinished task and what goes back to the queue in its place: the
     * same text for a task that never started, and for one stopped mid-run a note saying so.
     */
    private List<TaskQueue.Returned> handBackMoves(List<HeldTasks.Unfinished> back) {
        String note = config.nodeId() + " stopped at " + clock() + " while running it: interrupted after the "
                + Durations.format(config.grace()) + " grace period";
        List<TaskQueue.Returned> out = new ArrayList<>(back.size());
        for (HeldTasks.Unfinished u : back) {
            out.add(new TaskQueue.Returned(u.raw(), u.interrupted() ? Json.write(u.task().noted(note)) : u.raw()));
        }
        return out;
    }

    private void joinAll(Duration timeout) throws InterruptedException {
        if (heartbeat != null) {
            heartbeat.stop();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
            t.join(left);
        }
    }

    static String clock() {
        return LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"));
    }

    private static NodeStats parse(String json) {
        try {
            return Json.GSON.fromJson(json, NodeStats.class);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
