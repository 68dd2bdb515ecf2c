package colmena.coordinator;

import colmena.install.Installation;
import colmena.log.Outage;
import colmena.threads.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.function.BooleanSupplier;

/**
 * The coordinator's lease thread: each round renews (or takes) the leader lease for the
 * installation its database holds, refuses while the database or Redis belongs to another
 * installation, and says when leadership changes hands.
 */
final class LeaseLoop {
    /** Logs as the coordinator it is part of. */
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final LeaderLease lease;
    private final InstallationClaim claim;
    private final Outages outages;
    private final String redisUrl;
    /** Whether this coordinator led at the last round of the lease (the lease thread's own). */
    private boolean wasLeader;
    /** Who held the lease when this one last stood by, to say so once per holder (the lease thread's own). */
    private String lastHolder;

    LeaseLoop(LeaderLease lease, InstallationClaim claim, Outages outages, String redisUrl) {
        this.lease = lease;
        this.claim = claim;
        this.outages = outages;
        this.redisUrl = redisUrl;
    }

    /** Runs rounds while {@code running} says so. */
    void run(BooleanSupplier running) {
        while (running.getAsBoolean()) {
            long pauseMs;
            try {
                pauseMs = leaseOnce();
            } catch (SQLException e) {
                lease.resign();
                wasLeader = false;
                outages.dbFailed(e);
                continue;
            } catch (RuntimeException e) {
                wasLeader = false;
                outages.redisFailed(e);
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
            return Coordinator.LEASE_RENEW.toMillis();
        }
        LeaderLease.Renewal renewal = lease.renew(claim.asked());
        outages.redisAnswered();
        if (renewal.foreign()) {
            refuseForeign(renewal);
            wasLeader = false;
            return Coordinator.LEASE_RENEW.toMillis();
        }
        if (renewal.leader() && claim.confirmed() == null && !claim.record()) {
            giveUpLease(); // the database got another installation first; the next round refuses or follows it
            wasLeader = false;
            return 0;
        }
        claim.accepted();
        sayWhoLeads(renewal);
        return Coordinator.LEASE_RENEW.toMillis();
    }

    /** Redis bears another installation's stamp: refuses, unless it is this one's after all. */
    private void refuseForeign(LeaderLease.Renewal renewal) throws SQLException {
        // A standby of a new installation may find the leader's stamp before its record: read once more.
        Installation held = claim.confirmed() == null ? claim.reread() : claim.confirmed();
        if (held == null || !held.id().equals(renewal.stamp().id())) {
            claim.refuse(claim.foreign(renewal.stamp()));
        }
    }

    /** A line when this coordinator starts leading, stands by, or finds Redis emptied of its stamp. */
    private void sayWhoLeads(LeaderLease.Renewal renewal) {
        boolean leader = renewal.leader();
        if (leader && wasLeader && renewal.stamp() == null) {
            LOG.warn("Redis at {} had lost its installation stamp (emptied?): stamped it again with {}",
                    redisUrl, claim.confirmed().describe());
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
            LOG.debug("Could not release the lease ({}); it expires in {} ms", Outage.reason(e),
                    Coordinator.LEASE_TTL.toMillis());
        }
    }
}
