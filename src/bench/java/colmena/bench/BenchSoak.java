package colmena.bench;

import colmena.bench.BenchSql.Rows;

import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.coordinator.Coordinator;
import colmena.coordinator.Placement;
import colmena.log.Durations;
import colmena.store.ConnectionPool;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskIds;
import colmena.task.TaskMessage;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code colmena bench soak}: thousands of small tasks while agent processes are killed
 * (SIGKILL) or stopped (SIGTERM) and restarted at random, every agent is restarted one at a time
 * once (a rolling restart, at 40 % of the submissions), and Redis is emptied while the coordinator
 * is down (at 70 %); tasks are submitted as the API does (recorded in TaskHistory first). At the
 * end the counts must agree: every submitted task is in TaskHistory exactly once, DONE or FAILED,
 * and no list holds anything.
 */
final class BenchSoak {
    static final List<Option> OPTIONS = List.of(
            Option.value("tasks", null, "20000", "N", "tasks to submit"),
            Option.value("agents", null, "3", "N", "agent processes"),
            Option.value("rate", null, "500", "R", "tasks submitted a second"),
            Option.value("chaos-every", null, "3s", "DURATION", "how often an agent is killed or stopped"),
            Option.value("timeout", null, "10m", "DURATION", "give up if not everything is final by then"),
            Option.value("seed", null, "1", "N", "random seed for the chaos"));

    private BenchSoak() {
    }

    static int run(Flags flags) throws Exception {
        int total = flags.integer("tasks", 1, 10_000_000);
        int agents = flags.integer("agents", 1, 50);
        int rate = flags.integer("rate", 1, 100_000);
        Duration chaosEvery = flags.duration("chaos-every", Duration.ofMillis(200), Duration.ofHours(1));
        Duration timeout = flags.duration("timeout", Duration.ofSeconds(10), Duration.ofDays(1));
        Random random = new Random(flags.number("seed", 0, Long.MAX_VALUE));

        try (Lab lab = Lab.start("soak"); ConnectionPool pool = new ConnectionPool(lab.db, 1)) {
            Coordinator coordinator = coordinator(lab);
            Process[] procs = new Process[agents];
            for (int i = 0; i < agents; i++) {
                procs[i] = agent(lab, i);
            }
            try {
                long t0 = System.nanoTime();
                long deadline = t0 + timeout.toNanos();
                Submitter submitter = new Submitter(new TaskQueue(lab.redis), pool, total, rate, random);
                int kills = 0;
                int stops = 0;
                boolean rolled = false;
                boolean wiped = false;
                long nextChaos = t0 + chaosEvery.toNanos();
                System.out.printf("Soak: %d tasks at %d/s on %d agents, one killed or stopped every %s; a rolling restart "
                        + "of every agent at 40%%, Redis emptied with the coordinator down at 70%%%n",
                        total, rate, agents, Durations.format(chaosEvery));
                while (System.nanoTime() < deadline) {
                    submitter.submitDue();
                    int submitted = submitter.submitted;
                    if (!rolled && submitted >= total * 0.4) {
                        rollingRestart(lab, procs, submitter);
                        rolled = true;
                        nextChaos = System.nanoTime() + chaosEvery.toNanos();
                    } else if (!wiped && submitted >= total * 0.7) {
                        coordinator = wipeWithCoordinatorDown(lab, coordinator, submitter);
                        wiped = true;
                        nextChaos = System.nanoTime() + chaosEvery.toNanos();
                    } else if (System.nanoTime() > nextChaos && submitted < total) {
                        int victim = random.nextInt(agents);
                        if (random.nextBoolean()) {
                            Launcher.kill(procs[victim]);
                            kills++;
                        } else {
                            Launcher.stop(procs[victim], 20);
                            stops++;
                        }
                        Thread.sleep(500 + random.nextInt(1_500));
                        procs[victim] = agent(lab, victim);
                        nextChaos = System.nanoTime() + chaosEvery.toNanos();
                    }
                    if (submitter.submitted == total && finalRows(lab) >= total) {
                        break;
                    }
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(1_000);
                System.out.printf("Rolling restart of all %d agents: %s; Redis emptied with the coordinator down: %s%n", agents,
                        rolled ? "done" : "not reached", wiped ? "done" : "not reached");
                return report(lab, total, submitter.submitted, kills, stops, seconds);
            } finally {
                for (Process p : procs) {
                    if (p != null) {
                        Launcher.stop(p, 20);
                    }
                }
                coordinator.stop();
            }
        }
    }

    private static Coordinator coordinator(Lab lab) {
        Coordinator c = new Coordinator(new Coordinator.Config(lab.redisUrl(), lab.dbUrl, null, null,
                Placement.named("least-loaded"), 0, 10), lab.redis, lab.db);
        c.start();
        return c;
    }

    /** Submits at the set rate, each batch recorded in TaskHistory before it goes to Redis, as the API does. */
    private static final class Submitter {
        private final TaskQueue queue;
        private final ConnectionPool db;
        private final TaskHistoryStore store = new TaskHistoryStore();
        private final int total;
        private final int rate;
        private final Random random;
        private final long t0 = System.nanoTime();
        int submitted;

        Submitter(TaskQueue queue, ConnectionPool db, int total, int rate, Random random) {
            this.queue = queue;
            this.db = db;
            this.total = total;
            this.rate = rate;
            this.random = random;
        }

        void submitDue() throws SQLException {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            int due = (int) Math.min(total, Math.round(elapsed * rate));
            if (due > submitted) {
                List<TaskMessage> batch = tasks(due - submitted, random);
                db.inTransaction(c -> {
                    store.recordSubmitted(c, batch);
                    return null;
                });
                queue.submitTasks(batch);
                submitted = due;
            }
        }

        /** Keeps submitting for {@code ms}. */
        void submitFor(long ms) throws Exception {
            long end = System.nanoTime() + ms * 1_000_000L;
            while (System.nanoTime() < end) {
                submitDue();
                Thread.sleep(50);
            }
        }
    }

    /** Stops (SIGTERM) and starts again every agent, one at a time, each back online before the next. */
    private static void rollingRestart(Lab lab, Process[] procs, Submitter submitter) throws Exception {
        for (int i = 0; i < procs.length; i++) {
            Launcher.stop(procs[i], 20);
            procs[i] = agent(lab, i);
            String stats = RedisKeys.nodeStats("soak" + (i + 1));
            long end = System.nanoTime() + 30_000_000_000L;
            while (!lab.redis.call(j -> j.exists(stats)) && System.nanoTime() < end) {
                submitter.submitFor(100);
            }
        }
    }

    /** Stops the coordinator, empties Redis while tasks keep coming, and starts a new coordinator. */
    private static Coordinator wipeWithCoordinatorDown(Lab lab, Coordinator coordinator, Submitter submitter) throws Exception {
        coordinator.stop();
        submitter.submitFor(1_500);
        lab.redis.call(j -> j.flushAll());
        submitter.submitFor(1_000);
        return coordinator(lab);
    }

    private static List<TaskMessage> tasks(int n, Random random) {
        List<TaskMessage> out = new ArrayList<>(n);
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(3);
            TaskMessage t = switch (kind) {
                case 0 -> TaskMessage.submit(TaskIds.next(), "sleep", Map.of("ms", random.nextInt(20)), now, null);
                case 1 -> TaskMessage.submit(TaskIds.next(), "primes", Map.of("n", 1_000 + random.nextInt(20_000)), now, null);
                default -> TaskMessage.submit(TaskIds.next(), "sha256-chain", Map.of("rounds", 1 + random.nextInt(2_000)), now, null);
            };
            out.add(t);
        }
        return out;
    }

    private static Process agent(Lab lab, int i) throws Exception {
        String id = "soak" + (i + 1);
        return Launcher.start(lab.log(id), List.of("-XX:+UseSerialGC", "-Xmx128m"), "agent", "--id", id, "--redis",
                lab.redisUrl(), "--interval", "500ms", "--workers", "2", "--grace", "2s");
    }

    private static long finalRows(Lab lab) throws Exception {
        return lab.rows(Rows.FINISHED);
    }

    private static int report(Lab lab, int total, int submitted, int kills, int stops, double seconds) throws Exception {
        long rows = lab.rows(Rows.ALL);
        long distinct = lab.count(lab.sql.countDistinctTaskIds());
        long done = lab.rows(Rows.DONE);
        long failed = lab.rows(Rows.FAILED);
        long moved = lab.rows(Rows.RETRIED);
        long handedBack = lab.rows(Rows.HANDED_BACK);
        long recovered = lab.rows(Rows.RECOVERED_FROM_REDIS_LOSS);
        Map<String, Long> left = new HashMap<>();
        for (String key : lab.redis.call(j -> j.keys("*"))) {
            if (key.equals(RedisKeys.deadLetter()) || key.startsWith(RedisKeys.prefix() + "node:") && (key.endsWith(":tasks") || key.endsWith(":inflight"))
                    || key.equals(RedisKeys.submitted()) || key.equals(RedisKeys.placing()) || key.equals(RedisKeys.resultsQueue())
                    || key.equals(RedisKeys.storing())) {
                long n = lab.redis.call(j -> j.llen(key));
                if (n > 0) {
                    left.put(key, n);
                }
            }
        }
        System.out.printf(Locale.ROOT, "Ran %.1f s: %d agents killed (SIGKILL), %d stopped (SIGTERM), each restarted%n",
                seconds, kills, stops);
        System.out.printf("submitted %d, rows %d (distinct task ids %d), DONE %d, FAILED %d, attempts spent by a death %d, "
                + "handed back by a graceful stop %d, recovered from TaskHistory after Redis lost them %d%n",
                submitted, rows, distinct, done, failed, moved, handedBack, recovered);
        System.out.println("left in Redis lists: " + (left.isEmpty() ? "nothing" : left));
        boolean ok = submitted == total && rows == submitted && distinct == rows && done + failed == submitted && left.isEmpty();
        System.out.println(ok ? "OK: submitted = DONE + FAILED, no duplicates, nothing left in any queue"
                : "FAILED: the counts do not agree");
        return ok ? 0 : 1;
    }
}
