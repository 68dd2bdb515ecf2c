package colmena.coordinator;

import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.log.Outage;
import colmena.store.DbSession;
import colmena.store.HistoryCounts;
import colmena.store.Retention;
import colmena.store.SqlDialect;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.function.BooleanSupplier;

/**
 * The coordinator's loops that work while it leads: the monitor, the work loops (placing,
 * storing results, gathering the outbox), retention and the demo load. Each repeats one step
 * while {@code running}; a failure of Redis or the database is reported to {@link Outages} and
 * the step tried again.
 */
final class CoordinatorLoops {
    /** Logs as the coordinator it is part of. */
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
    /** How often the results of nodes with their own credential are looked for, while there are such nodes. */
    static final long OUTBOX_POLL_MS = 20;
    /** ... and while there are none (what a removed node sent last is still moved on). */
    static final long OUTBOX_IDLE_POLL_MS = 500;

    private final BooleanSupplier running;
    private final BooleanSupplier isLeader;
    private final Outages outages;
    private final CoordinatorStats stats;
    private final Redis redis;
    private final NodeMonitor monitor;

    CoordinatorLoops(BooleanSupplier running, BooleanSupplier isLeader, Outages outages, CoordinatorStats stats,
                     Redis redis, NodeMonitor monitor) {
        this.running = running;
        this.isLeader = isLeader;
        this.outages = outages;
        this.stats = stats;
        this.redis = redis;
        this.monitor = monitor;
    }

    /** @param rebalancer null when the policy leaves queued tasks where they were placed */
    void monitorLoop(Recovery recovery, Rebalancer rebalancer, WriteProbe probe, Canceller canceller) {
        while (running.getAsBoolean()) {
            if (isLeader.getAsBoolean()) {
                try {
                    monitorOnce(recovery, rebalancer, probe, canceller);
                } catch (SQLException e) {
                    outages.dbFailed(e);
                    continue;
                } catch (TaskQueue.FencedException e) {
                    LOG.debug("Monitor step refused: {}", e.getMessage());
                } catch (RuntimeException e) {
                    outages.redisFailed(e);
                    continue;
                }
            }
            Threads.sleep(Coordinator.MONITOR_EVERY.toMillis());
        }
    }

    private void monitorOnce(Recovery recovery, Rebalancer rebalancer, WriteProbe probe, Canceller canceller)
            throws SQLException {
        stats.publishIfDue(redis, monitor.liveNodes().size(), System.currentTimeMillis());
        if (outages.dbFailing() && probe.due()) {
            probe.write();
            outages.dbWritten();
        }
        recovery.checkOnce();
        boolean steady = outages.redisSteady();
        long t0 = System.nanoTime();
        monitor.check(steady);
        stats.onNodesRead(System.nanoTime() - t0);
        if (rebalancer != null) {
            rebalancer.rebalanceOnce();
        }
        canceller.cancelOnce();
    }

    /** One pass of the placer; its decisions make one batch in the stats. */
    int placeTimed(Placer placer) throws SQLException {
        try {
            return placer.placeOnce(Coordinator.TAKE_WAIT);
        } finally {
            stats.endBatch();
        }
    }

    /** One pass over the nodes' own result lists; returns 0, as it writes nothing to the database. */
    int gatherOutbox(NodeOutbox outbox) throws SQLException {
        if (outbox.gatherOnce() == 0) {
            Threads.sleep(outbox.hasCredentialedNodes() ? OUTBOX_POLL_MS : OUTBOX_IDLE_POLL_MS);
        }
        return 0;
    }

    /** A work loop's step: returns how many rows it wrote. */
    interface Step {
        int run() throws SQLException;
    }

    void workLoop(Step step, Runnable afterFailure) {
        while (running.getAsBoolean()) {
            if (!isLeader.getAsBoolean()) {
                afterFailure.run(); // on taking the lease (again), start from what the lists hold then
                Threads.sleep(200);
                continue;
            }
            try {
                int n = step.run();
                if (n > 0) { // only a step that wrote says the database takes writes
                    outages.dbWritten();
                } else if (monitor.liveNodes().isEmpty()) {
                    Threads.sleep(200);
                }
            } catch (SQLException e) {
                afterFailure.run();
                outages.dbFailed(e);
            } catch (TaskQueue.FencedException e) {
                // The lease or the installation changed between the check and the step: nothing moved.
                afterFailure.run();
                LOG.debug("Step refused: {}", e.getMessage());
                Threads.sleep(200);
            } catch (RuntimeException e) {
                afterFailure.run();
                if (Outages.isRedisFailure(e)) {
                    outages.redisFailed(e);
                } else {
                    LOG.error("Unexpected failure; retrying", e);
                    Threads.sleep(1_000);
                }
            }
        }
    }

    /**
     * Deletes old TaskHistory rows while this coordinator leads: a pass {@link Coordinator#RETENTION_FIRST}
     * after it takes the lead, then every {@link Coordinator#RETENTION_EVERY}. A failure is logged and
     * tried again at the next pass; the loops that place and store report the database's state.
     */
    void retentionLoop(Retention retention, DbSession session) {
        long nextMs = 0;
        while (running.getAsBoolean()) {
            Threads.sleep(1_000);
            if (!isLeader.getAsBoolean()) {
                nextMs = 0;
                continue;
            }
            long now = System.currentTimeMillis();
            if (nextMs == 0) {
                nextMs = now + Coordinator.RETENTION_FIRST.toMillis();
            }
            if (now < nextMs) {
                continue;
            }
            nextMs = now + Coordinator.RETENTION_EVERY.toMillis();
            try {
                retention.pass(session, () -> running.getAsBoolean() && isLeader.getAsBoolean(),
                        Coordinator.RETENTION_PAUSE.toMillis());
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Retention pass failed ({}); next try in {} min", Outage.reason(e),
                        Coordinator.RETENTION_EVERY.toMinutes());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Folds TaskCounts' rows of changes into one per node, type and status every
     * {@link Coordinator#FOLD_EVERY} while this coordinator leads, so that the task list's totals
     * sum a few rows. A failure is logged once until a fold works again.
     */
    void foldLoop(DbSession session) {
        boolean failing = false;
        while (running.getAsBoolean()) {
            Threads.sleep(Coordinator.FOLD_EVERY.toMillis());
            if (!isLeader.getAsBoolean()) {
                continue;
            }
            try {
                session.inTransaction(c -> HistoryCounts.fold(c, SqlDialect.of(c)));
                failing = false;
            } catch (SQLException | RuntimeException e) {
                if (!failing) {
                    LOG.warn("Could not fold TaskCounts ({}); the task list's totals stay right, only slower to sum; "
                            + "trying again every {} s", Outage.reason(e), Coordinator.FOLD_EVERY.toSeconds());
                }
                failing = true;
            }
        }
    }

    void demoLoop(DemoLoad demo) {
        long last = System.nanoTime();
        while (running.getAsBoolean()) {
            Threads.sleep(100);
            long now = System.nanoTime();
            long elapsedMs = (now - last) / 1_000_000L;
            last = now;
            if (!isLeader.getAsBoolean()) {
                continue;
            }
            try {
                demo.tick(elapsedMs);
            } catch (RuntimeException e) {
                outages.redisFailed(e);
            }
        }
    }
}
