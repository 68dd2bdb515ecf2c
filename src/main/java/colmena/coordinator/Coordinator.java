package colmena.coordinator;

import colmena.broker.RedisKeys;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.install.Installation;
import colmena.log.Outage;
import colmena.store.Database;
import colmena.store.DbErrors;
import colmena.store.DbSession;
import colmena.store.Durability;
import colmena.store.Retention;
import colmena.store.TaskHistoryStore;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

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
 */
public final class Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
    /** A standby takes over within LEASE_TTL + LEASE_RENEW of the leader's death (2.5 s). */
    static final Duration LEASE_TTL = Duration.ofSeconds(2);
    static final Duration LEASE_RENEW = Duration.ofMillis(500);
    static final Duration MONITOR_EVERY = Duration.ofMillis(250);
    /** Blocking takes return this often when idle, so loops notice a lost lease or a stop. */
    static final Duration TAKE_WAIT = Duration.ofMillis(500);

    /** Rows retention deletes per transaction: short enough not to hold the placer and the collector up. */
    public static final int RETENTION_BATCH_ROWS = 1_000;
    /** Between two batches of one retention pass. */
    static final Duration RETENTION_PAUSE = Duration.ofMillis(100);
    /** Between two retention passes (the first comes one {@link #RETENTION_FIRST} after taking the lead). */
    static final Duration RETENTION_EVERY = Duration.ofMinutes(10);
    static final Duration RETENTION_FIRST = Duration.ofSeconds(30);
    static final Retention.Policy KEEP_ALL = new Retention.Policy(0, 0, RETENTION_BATCH_ROWS, null);

    /** @param retention what TaskHistory keeps ({@link Retention.Policy#enabled()} false: everything) */
    public record Config(String redisUrl, String dbUrl, String dbUser, String dbPassword, Placement policy,
                         double demoRate, int maxAttempts, Retention.Policy retention) {
        /** With the history kept whole. */
        public Config(String redisUrl, String dbUrl, String dbUser, String dbPassword, Placement policy,
                      double demoRate, int maxAttempts) {
            this(redisUrl, dbUrl, dbUser, dbPassword, policy, demoRate, maxAttempts, KEEP_ALL);
        }
    }

    private final Config config;
    private final Redis redis;
    private final Database database;
    private final TaskQueue queue;
    private final LeaderLease lease;
    private final InstallationClaim claim;
    private final NodeMonitor monitor;
    private final Outage redisOutage;
    private final RedisPresence presence;
    private final Outage dbOutage;
    private final CoordinatorStats stats;
    private final DbWrites dbWrites = new DbWrites();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
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
        this.redisOutage = new Outage(LOG, "Redis at " + redis.url());
        this.presence = new RedisPresence(redis);
        this.dbOutage = new Outage(LOG, "Database " + database.describe(), DbErrors::describe);
        this.stats = new CoordinatorStats(config.policy().name(), lease.holder());
    }

    public void start() {
        TaskHistoryStore store = new TaskHistoryStore(redis.clock()::now);
        PendingRows pending = new PendingRows();
        NodeOutbox outbox = new NodeOutbox(queue, store, new DbSession(database), pending);
        Placer placer = new Placer(queue, monitor, new TimedPlacement(config.policy(), stats), store, new DbSession(database), config.maxAttempts(),
                stats.waitedToPlace(), pending, outbox::confined);
        durability = Durability.of(database);
        collector = new ResultCollector(queue, store, new DbSession(database), durability, stats.storeDelay(), pending);
        claim.start();
        threads.add(Threads.start("colmena-lease", this::leaseLoop));
        Recovery recovery = new Recovery(redis, queue, store, new DbSession(database), lease.holder(), pending);
        Rebalancer rebalancer = config.policy().movesQueuedTasks() ? new Rebalancer(queue, monitor, pending) : null;
        WriteProbe probe = new WriteProbe(new DbSession(database), durability);
        Canceller canceller = new Canceller(queue, monitor, store, new DbSession(database));
        stats.attach(dbWrites, collector::duplicateRuns, collector::placementsWritten);
        threads.add(Threads.start("colmena-monitor", () -> monitorLoop(recovery, rebalancer, probe, canceller)));
        threads.add(Threads.start("colmena-placer", () -> workLoop(() -> placeTimed(placer), placer::recoverNext)));
        threads.add(Threads.start("colmena-results", () -> workLoop(() -> collector.drainOnce(TAKE_WAIT), collector::recoverNext)));
        threads.add(Threads.start("colmena-outbox", () -> workLoop(() -> gatherOutbox(outbox), () -> { })));
        if (config.retention().enabled()) {
            Retention retention = new Retention(config.retention(), redis.clock()::now);
            DbSession session = new DbSession(database);
            threads.add(Threads.start("colmena-retention", () -> retentionLoop(retention, session)));
        }
        if (config.demoRate() > 0) {
            DemoLoad demo = new DemoLoad(queue, config.demoRate());
            threads.add(Threads.start("colmena-demo", () -> demoLoop(demo)));
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

    /** Whether this coordinator led at the last round of the lease (the lease thread's own). */
    private boolean wasLeader;
    /** Who held the lease when this one last stood by, to say so once per holder (the lease thread's own). */
    private String lastHolder;

    private void leaseLoop() {
        while (running) {
            long pauseMs;
            try {
                pauseMs = leaseOnce();
            } catch (SQLException e) {
                lease.resign();
                wasLeader = false;
                dbFailed(e);
                continue;
            } catch (RuntimeException e) {
                wasLeader = false;
                redisFailed(e);
                continue;
            }
            if (pauseMs > 0) {
                Threads.sleep(pauseMs);
            }
        }
    }

    /**
     * One round of the lease: refuses while this coordinator's database or Redis belongs to another
     * installation, else renews (or takes) the lease and says when leadership changes hands.
     *
     * @return how long to wait before the next round, in milliseconds (0: at once)
     */
    private long leaseOnce() throws SQLException {
        if (!claim.ready()) { // the database not read yet: which installation is unknown
            return 100;
        }
        String local = claim.localProblem();
        if (local != null) {
            giveUpLease();
            claim.refuse(local);
            wasLeader = false;
            return LEASE_RENEW.toMillis();
        }
        LeaderLease.Renewal renewal = lease.renew(claim.asked());
        redisOutage.ok();
        if (renewal.foreign()) {
            // A standby of a new installation may find the leader's stamp before its record: read once more.
            Installation held = claim.confirmed() == null ? claim.reread() : claim.confirmed();
            if (held == null || !held.id().equals(renewal.stamp().id())) {
                claim.refuse(claim.foreign(renewal.stamp()));
            }
            wasLeader = false;
            return LEASE_RENEW.toMillis();
        }
        if (renewal.leader() && claim.confirmed() == null && !claim.record()) {
            giveUpLease(); // the database got another installation first; the next round refuses or follows it
            wasLeader = false;
            return 0;
        }
        claim.accepted();
        sayWhoLeads(renewal);
        return LEASE_RENEW.toMillis();
    }

    /** A line when this coordinator starts leading, stands by, or finds Redis emptied of its stamp. */
    private void sayWhoLeads(LeaderLease.Renewal renewal) {
        boolean leader = renewal.leader();
        if (leader && wasLeader && renewal.stamp() == null) {
            LOG.warn("Redis at {} had lost its installation stamp (emptied?): stamped it again with {}",
                    redis.url(), claim.confirmed().describe());
            claim.rereadSoon();
        }
        if (leader && !wasLeader) {
            LOG.info("This coordinator ({}) is the leader: placing tasks and storing results", lease.holder());
        } else if (!leader) {
            String holder = lease.currentHolder();
            if (wasLeader || (holder != null && !holder.equals(lastHolder))) {
                LOG.info("Standing by: {} holds the lease", holder);
            }
            lastHolder = holder;
        }
        wasLeader = leader;
    }

    /** Stops leading at once and frees the lease for a coordinator that may lead (best effort: it expires anyway). */
    private void giveUpLease() {
        lease.resign();
        try {
            lease.release();
        } catch (RuntimeException e) {
            LOG.debug("Could not release the lease ({}); it expires in {} ms", Outage.reason(e), LEASE_TTL.toMillis());
        }
    }

    /** @param rebalancer null when the policy leaves queued tasks where they were placed */
    private void monitorLoop(Recovery recovery, Rebalancer rebalancer, WriteProbe probe, Canceller canceller) {
        while (running) {
            if (isLeader()) {
                try {
                    stats.publishIfDue(redis, monitor.liveNodes().size(), System.currentTimeMillis());
                    if (dbWrites.failing() && probe.due()) {
                        probe.write();
                        dbWritten();
                    }
                    recovery.checkOnce();
                    boolean steady = presence.steady();
                    long t0 = System.nanoTime();
                    monitor.check(steady);
                    stats.onNodesRead(System.nanoTime() - t0);
                    if (rebalancer != null) {
                        rebalancer.rebalanceOnce();
                    }
                    canceller.cancelOnce();
                } catch (SQLException e) {
                    dbFailed(e);
                    continue;
                } catch (TaskQueue.FencedException e) {
                    LOG.debug("Monitor step refused: {}", e.getMessage());
                } catch (RuntimeException e) {
                    redisFailed(e);
                    continue;
                }
            }
            Threads.sleep(MONITOR_EVERY.toMillis());
        }
    }

    /** A write to the database worked: logged once if it had been failing. */
    private void dbWritten() {
        dbWrites.committed();
        dbOutage.ok();
    }

    /** A database step failed: published for health, logged once in words, and backed off. */
    private void dbFailed(SQLException e) {
        dbWrites.failed(e);
        dbOutage.failed(e);
    }

    /** One pass of the placer; its decisions make one batch in the stats. */
    private int placeTimed(Placer placer) throws SQLException {
        try {
            return placer.placeOnce(TAKE_WAIT);
        } finally {
            stats.endBatch();
        }
    }

    /** How often the results of nodes with their own credential are looked for, while there are such nodes. */
    static final long OUTBOX_POLL_MS = 20;
    /** ... and while there are none (what a removed node sent last is still moved on). */
    static final long OUTBOX_IDLE_POLL_MS = 500;

    /** One pass over the nodes' own result lists; returns 0, as it writes nothing to the database. */
    private int gatherOutbox(NodeOutbox outbox) throws SQLException {
        if (outbox.gatherOnce() == 0) {
            Threads.sleep(outbox.hasCredentialedNodes() ? OUTBOX_POLL_MS : OUTBOX_IDLE_POLL_MS);
        }
        return 0;
    }

    private interface Step {
        int run() throws SQLException;
    }

    private void workLoop(Step step, Runnable afterFailure) {
        while (running) {
            if (!isLeader()) {
                afterFailure.run(); // on taking the lease (again), start from what the lists hold then
                Threads.sleep(200);
                continue;
            }
            try {
                int n = step.run();
                if (n > 0) { // only a step that wrote says the database takes writes
                    dbWritten();
                } else if (monitor.liveNodes().isEmpty()) {
                    Threads.sleep(200);
                }
            } catch (SQLException e) {
                afterFailure.run();
                dbFailed(e);
            } catch (TaskQueue.FencedException e) {
                // The lease or the installation changed between the check and the step: nothing moved.
                afterFailure.run();
                LOG.debug("Step refused: {}", e.getMessage());
                Threads.sleep(200);
            } catch (RuntimeException e) {
                afterFailure.run();
                if (isRedisFailure(e)) {
                    redisFailed(e);
                } else {
                    LOG.error("Unexpected failure; retrying", e);
                    Threads.sleep(1_000);
                }
            }
        }
    }

    /**
     * Deletes old TaskHistory rows while this coordinator leads: a pass {@link #RETENTION_FIRST}
     * after it takes the lead, then every {@link #RETENTION_EVERY}. A failure is logged and
     * tried again at the next pass; the loops that place and store report the database's state.
     */
    private void retentionLoop(Retention retention, DbSession session) {
        long nextMs = 0;
        while (running) {
            Threads.sleep(1_000);
            if (!isLeader()) {
                nextMs = 0;
                continue;
            }
            long now = System.currentTimeMillis();
            if (nextMs == 0) {
                nextMs = now + RETENTION_FIRST.toMillis();
            }
            if (now < nextMs) {
                continue;
            }
            nextMs = now + RETENTION_EVERY.toMillis();
            try {
                retention.pass(session, () -> running && isLeader(), RETENTION_PAUSE.toMillis());
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Retention pass failed ({}); next try in {} min", Outage.reason(e), RETENTION_EVERY.toMinutes());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void demoLoop(DemoLoad demo) {
        long last = System.nanoTime();
        while (running) {
            Threads.sleep(100);
            long now = System.nanoTime();
            long elapsedMs = (now - last) / 1_000_000L;
            last = now;
            if (!isLeader()) {
                continue;
            }
            try {
                demo.tick(elapsedMs);
            } catch (RuntimeException e) {
                redisFailed(e);
            }
        }
    }

    /** Notes that Redis did not answer (so missing stats keys are not taken as dead nodes for a while), and backs off. */
    private void redisFailed(RuntimeException e) {
        presence.failed();
        redisOutage.failed(e);
    }

    static boolean isRedisFailure(Throwable e) {
        return e instanceof JedisException;
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
