package colmena.coordinator;

import colmena.broker.RedisKeys;
import colmena.broker.NodeCredentials;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.install.Installation;
import colmena.log.Outage;
import colmena.store.Database;
import colmena.store.DbSession;
import colmena.store.Durability;
import colmena.store.Retention;
import colmena.store.TaskHistoryStore;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The coordinator process: holds the leader lease (or stands by), watches the nodes, places
 * submitted tasks, stores results, and optionally makes demo work. Each part is a loop on its
 * own named thread that repeats one step; a failure of Redis or the database is logged once and
 * retried, and never loses a task.
 *
 * <p>This class wires the parts together and starts and stops their threads; the lease's rounds
 * are {@link LeaseLoop}'s, the other loops {@link CoordinatorLoops}', and how they report Redis and
 * the database {@link Outages}'.
 */
public final class Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
    /** A standby takes over within LEASE_TTL + LEASE_RENEW of the leader's death (2.5 s). */
    static final Duration LEASE_TTL = Duration.ofSeconds(2);
    static final Duration LEASE_RENEW = Duration.ofMillis(500);
    static final Duration MONITOR_EVERY = Duration.ofMillis(250);
    /** Blocking takes return this often when idle, so loops notice a lost lease or a stop. */
    static final Duration TAKE_WAIT = Duration.ofMillis(500);

    /** Between two folds of TaskCounts' rows of changes. */
    static final Duration FOLD_EVERY = Duration.ofSeconds(5);
    /** Rows retention deletes per transaction: short enough not to hold the placer and the collector up. */
    public static final int RETENTION_BATCH_ROWS = 1_000;
    /** Between two batches of one retention pass. */
    static final Duration RETENTION_PAUSE = Duration.ofMillis(100);
    /** Between two retention passes (the first comes one {@link #RETENTION_FIRST} after taking the lead). */
    static final Duration RETENTION_EVERY = Duration.ofMinutes(10);
    static final Duration RETENTION_FIRST = Duration.ofSeconds(30);
    /**
     * How many placed tasks may wait for their TaskHistory rows before placement holds back, by
     * default: about 14 MB of placements of small tasks ({@link PendingRows#BUDGET_BYTES}).
     */
    public static final int HOLD_BACK_AT = 20_000;
    static final Retention.Policy KEEP_ALL = new Retention.Policy(0, 0, RETENTION_BATCH_ROWS, null);

    /**
     * @param retention what TaskHistory keeps ({@link Retention.Policy#enabled()} false: everything)
     * @param holdBackAt how many placed tasks may wait for their rows before placement holds back
     *                   ({@link #HOLD_BACK_AT} by default)
     */
    public record Config(String redisUrl, String dbUrl, String dbUser, String dbPassword, Placement policy,
                         double demoRate, int maxAttempts, Retention.Policy retention, int holdBackAt) {
        public Config {
            if (holdBackAt < 1) {
                throw new IllegalArgumentException("holdBackAt must be at least 1, not " + holdBackAt);
            }
        }

        public Config(String redisUrl, String dbUrl, String dbUser, String dbPassword, Placement policy,
                      double demoRate, int maxAttempts, Retention.Policy retention) {
            this(redisUrl, dbUrl, dbUser, dbPassword, policy, demoRate, maxAttempts, retention, HOLD_BACK_AT);
        }

        /** With the history kept whole. */
        public Config(String redisUrl, String dbUrl, String dbUser, String dbPassword, Placement policy,
                      double demoRate, int maxAttempts) {
            this(redisUrl, dbUrl, dbUser, dbPassword, policy, demoRate, maxAttempts, KEEP_ALL);
        }

        public Config withHoldBackAt(int tasks) {
            return new Config(redisUrl, dbUrl, dbUser, dbPassword, policy, demoRate, maxAttempts, retention, tasks);
        }
    }

    private final Config config;
    private final Redis redis;
    private final Database database;
    private final TaskQueue queue;
    private final LeaderLease lease;
    private final InstallationClaim claim;
    private final NodeMonitor monitor;
    private final Outages outages;
    private final CoordinatorStats stats;
    private final DbWrites dbWrites = new DbWrites();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private final CoordinatorLoops loops;
    private Durability durability;
    private ResultCollector collector;

    public Coordinator(Config config, Redis redis, Database database) {
        this.config = config;
        this.redis = redis;
        this.database = database;
        this.lease = new LeaderLease(redis, instanceName(), LEASE_TTL);
        this.claim = new InstallationClaim(database, redis);
        // Every take, move and reply checks, in its script, that this coordinator still leads its installation.
        this.queue = new TaskQueue(redis).fencedBy(() -> new TaskQueue.Fence(lease.holder(), claim.confirmedId()));
        this.monitor = new NodeMonitor(new Nodes(redis), queue);
        this.outages = new Outages(LOG, redis, database, dbWrites);
        this.stats = new CoordinatorStats(config.policy().name(), lease.holder());
        this.loops = new CoordinatorLoops(() -> running, this::isLeader, outages, stats, redis, monitor);
    }

    public void start() {
        TaskHistoryStore store = new TaskHistoryStore(redis.clock()::now);
        PendingRows pending = new PendingRows();
        NodeOutbox outbox = new NodeOutbox(queue, new Nodes(redis), new NodeCredentials(redis), store,
                new DbSession(database), pending);
        Placer placer = new Placer(queue, monitor, new TimedPlacement(config.policy(), stats), store, new DbSession(database), config.maxAttempts(),
                stats.waitedToPlace(), pending, outbox::confined, config.holdBackAt());
        durability = Durability.of(database);
        collector = new ResultCollector(queue, store, new DbSession(database), durability, stats.storeDelay(), pending);
        claim.start();
        LeaseLoop leaseLoop = new LeaseLoop(lease, claim, outages, redis.url());
        threads.add(Threads.start("colmena-lease", () -> leaseLoop.run(() -> running)));
        Recovery recovery = new Recovery(redis, queue, store, new DbSession(database), lease.holder(), pending);
        Rebalancer rebalancer = config.policy().movesQueuedTasks() ? new Rebalancer(queue, monitor, pending) : null;
        WriteProbe probe = new WriteProbe(new DbSession(database), durability);
        Canceller canceller = new Canceller(queue, monitor, store, new DbSession(database));
        stats.attach(dbWrites, collector::duplicateRuns, collector::placementsWritten);
        threads.add(Threads.start("colmena-monitor", () -> loops.monitorLoop(recovery, rebalancer, probe, canceller)));
        threads.add(Threads.start("colmena-placer", () -> loops.workLoop(() -> loops.placeTimed(placer), placer::recoverNext)));
        threads.add(Threads.start("colmena-results", () -> loops.workLoop(() -> collector.drainOnce(TAKE_WAIT), collector::recoverNext)));
        threads.add(Threads.start("colmena-outbox", () -> loops.workLoop(() -> loops.gatherOutbox(outbox), () -> { })));
        if (config.retention().enabled()) {
            Retention retention = new Retention(config.retention(), redis.clock()::now);
            DbSession session = new DbSession(database);
            threads.add(Threads.start("colmena-retention", () -> loops.retentionLoop(retention, session)));
        }
        DbSession folds = new DbSession(database);
        threads.add(Threads.start("colmena-counts", () -> loops.foldLoop(folds)));
        if (config.demoRate() > 0) {
            DemoLoad demo = new DemoLoad(queue, config.demoRate());
            threads.add(Threads.start("colmena-demo", () -> loops.demoLoop(demo)));
        }
        LOG.info("Coordinator started: policy {}, Redis {}, TaskHistory in {} ({}){}", config.policy().name(), redis.url(),
                database.describe(), config.retention().describe(),
                config.demoRate() > 0 ? ", demo load " + config.demoRate() + " tasks/s" : "");
    }

    /** Whether this coordinator holds the lease for the installation its database holds. */
    public boolean isLeader() {
        return lease.isLeader() && claim.confirmed() != null;
    }

    /** The installation this coordinator works for, or null while it is not known (or refused). */
    public Installation installation() {
        return claim.refusal() == null ? claim.confirmed() : null;
    }

    /** Why this coordinator refuses to lead, or null. */
    public String refusal() {
        return claim.refusal();
    }

    /** Stops the loops, lets their current step end, and gives up the lease so a standby takes over at once. */
    public void stop() {
        running = false;
        claim.stop();
        for (Thread t : threads) {
            try {
                t.join(TAKE_WAIT.toMillis() * 4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (collector != null) {
            collector.close();
        }
        if (collector != null && isLeader() && threads.stream().noneMatch(Thread::isAlive)) {
            try {
                // What was stored leaves results:storing now, rather than being stored again by the next coordinator.
                collector.dropDurable();
            } catch (SQLException | RuntimeException e) {
                LOG.info("Stored results stay in {} for the next coordinator ({})", RedisKeys.storing(), e.getMessage());
            }
        }
        try {
            lease.release();
        } catch (RuntimeException e) {
            LOG.warn("Could not release the lease ({}); it expires in {} ms", Outage.reason(e), LEASE_TTL.toMillis());
        }
        LOG.info("Coordinator stopped");
    }

    static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "host";
        }
        String pid = Long.toString(ManagementFactory.getRuntimeMXBean().getPid());
        return host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
}
