package colmena.coordinator;

import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.Script;
import colmena.broker.TaskQueue;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts back what Redis lost. A Redis that comes back empty (restarted without its data, or
 * replaced) no longer holds the tasks in flight; TaskHistory still knows them as PENDING or
 * RUNNING. Colmena marks its Redis with an epoch key: when the key is missing, every unfinished
 * task of TaskHistory that no list holds is placed again, with a note saying why.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    /** Unfinished rows read per query. */
    static final int BATCH = 10_000;

    /** Every task id in every list a task can be in, in one step; its contract: lua/recovery_snapshot.lua. */
    private static final Script SNAPSHOT = Script.load("recovery_snapshot");

    /** The note on a task Redis lost before any coordinator placed it (TaskHistory had it from its submitter). */
    static final String NOT_PLACED = "recovered from TaskHistory: Redis lost it before it was placed";

    private final Redis redis;
    private final TaskQueue queue;
    private final TaskHistoryStore store;
    private final DbSession db;
    private final String holder;
    private final PendingRows pending;

    Recovery(Redis redis, TaskQueue queue, TaskHistoryStore store, DbSession db, String holder, PendingRows pending) {
        this.pending = pending;
        this.redis = redis;
        this.queue = queue;
        this.store = store;
        this.db = db;
        this.holder = holder;
    }

    /**
     * Checks the epoch key and, if Redis has lost it, places again what TaskHistory holds as
     * unfinished and no list holds; the key is set only once that has worked.
     *
     * @return how many tasks were put back (0 when Redis has its data)
     * @throws SQLException when TaskHistory cannot be read; tried again on the next check
     */
    int checkOnce() throws SQLException {
        if (redis.call(j -> j.exists(RedisKeys.epoch()))) {
            return 0;
        }
        redis.forgetServer();
        String note = "Redis lost it at " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
                + " (it came back without its data)";
        Set<String> again = new HashSet<>();
        Restored fromHistory = fromHistory(note, again);
        int restored = fromHistory.count() + placedNotWritten(fromHistory.present(), again, note);
        if (restored > 0) {
            LOG.warn("Redis came back without Colmena's data: {} unfinished tasks from TaskHistory put back to be placed "
                    + "({} of them submitted and not yet placed; {} wait out the rest of their retry's back-off in {})",
                    restored, fromHistory.neverPlaced(), fromHistory.waiting(), RedisKeys.delayed());
        } else {
            LOG.info("Redis holds no Colmena data yet (new, or emptied): TaskHistory has no unfinished task it lacks");
        }
        redis.call(j -> j.set(RedisKeys.epoch(), holder + " " + System.currentTimeMillis()));
        return restored;
    }

    /**
     * What {@link #fromHistory} put back: how many, how many of them were never placed, and the
     * task ids Redis's lists held (null when TaskHistory had nothing unfinished, so none were read).
     */
    private record Restored(Set<String> present, int count, int neverPlaced, int waiting) {
    }

    /**
     * Submits again, a page at a time, each task TaskHistory holds as unfinished that no list in
     * Redis holds, but for a retry still waiting out its back-off: that one goes to
     * tasks:delayed until its back-off ends ({@link RetryPolicy#dueOfWaitingRetry}). {@code again}
     * gains the ids put back.
     */
    private Restored fromHistory(String note, Set<String> again) throws SQLException {
        Set<String> present = null;
        int restored = 0;
        int neverPlaced = 0;
        int waiting = 0;
        long[] after = {0};
        while (true) {
            long from = after[0];
            List<TaskHistoryStore.Unfinished> page = db.inTransaction(c -> store.unfinishedRows(c, from, BATCH, after));
            if (page.isEmpty()) {
                break;
            }
            if (present == null) {
                present = present();
            }
            long now = queue.now();
            List<String> lost = new ArrayList<>();
            List<TaskMessage> delayed = new ArrayList<>();
            List<Long> due = new ArrayList<>();
            for (TaskHistoryStore.Unfinished row : page) {
                TaskMessage t = row.task();
                if (!present.contains(t.id()) && again.add(t.id())) {
                    // A retry still waiting out its back-off waits the rest of it, as it would have in tasks:delayed.
                    long dueMs;
                    try {
                        // Placed again since, its placement not yet written: its back-off is over.
                        dueMs = pending.nodeOf(t.id()) != null ? -1
                                : RetryPolicy.dueOfWaitingRetry(t, row.status(), row.reason(), row.changedAtMs(), now);
                    } catch (RuntimeException e) { // a row edited by hand: put back at once, as any other
                        dueMs = -1;
                    }
                    if (dueMs > now) {
                        delayed.add(t.requeued(note));
                        due.add(dueMs);
                    } else {
                        lost.add(Json.write(t.node() == null ? t.requeued(NOT_PLACED) : t.requeued(note)));
                        neverPlaced += t.node() == null ? 1 : 0;
                    }
                }
            }
            queue.submit(lost);
            if (!delayed.isEmpty()) {
                queue.delay(delayed, due);
            }
            restored += lost.size() + delayed.size();
            waiting += delayed.size();
            if (page.size() < BATCH) {
                break;
            }
        }
        return new Restored(present, restored, neverPlaced, waiting);
    }

    /** Placements this coordinator has not yet written to TaskHistory ({@link PendingRows}) that Redis lost too. */
    private int placedNotWritten(Set<String> present, Set<String> again, String note) {
        List<TaskMessage> placed = pending.all();
        if (placed.isEmpty()) {
            return 0;
        }
        Set<String> there = present == null ? present() : present;
        List<String> lost = new ArrayList<>();
        int restored = 0;
        for (TaskMessage t : placed) {
            if (!there.contains(t.id()) && again.add(t.id())) {
                lost.add(Json.write(t.requeued(note)));
            }
            if (lost.size() == BATCH) { // a page at a time: there may be a hundred thousand
                queue.submit(lost);
                restored += lost.size();
                lost.clear();
            }
        }
        queue.submit(lost);
        return restored + lost.size();
    }

    @SuppressWarnings("unchecked")
    private Set<String> present() {
        List<String> keys = new ArrayList<>(RedisKeys.submittedInOrder());
        keys.addAll(List.of(RedisKeys.placing(), RedisKeys.resultsQueue(), RedisKeys.storing(), RedisKeys.delayed(),
                RedisKeys.nodes()));
        List<String> nodeLists = new ArrayList<>(RedisKeys.around(RedisKeys::nodeTasks));
        nodeLists.addAll(RedisKeys.around(RedisKeys::nodeInflight));
        List<String> ids = (List<String>) SNAPSHOT.run(redis, keys, nodeLists);
        return new HashSet<>(ids);
    }
}
