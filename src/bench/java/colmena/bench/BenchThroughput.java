package colmena.bench;

import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.store.Database;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskIds;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code colmena bench throughput}: what Colmena costs per task. Tasks that do nothing
 * ({@code sleep ms=0}) go through submission, placement, two agents, results and their
 * TaskHistory rows; tasks per second are counted from the first submission to the last row stored
 * DONE, with the Redis commands issued per task.
 */
final class BenchThroughput {
    static final List<Option> OPTIONS = List.of(
            Option.value("tasks", null, "100000", "N", "tasks to measure"),
            Option.value("warmup", null, "20000", "N", "tasks run first, cold, and not measured: their rate is the cold rate"),
            Option.value("settle", null, "1000000", "N", "then at most this many more, in batches of 50,000, until the JIT "
                    + "compilers take under 5 % of the coordinator's and agents' processor time (0: none)"),
            Option.value("agents", null, "2", "N", "agent processes"));
    static final double TARGET_PER_SECOND = 20_000;
    /** Tasks in each batch of the settling runs. */
    static final int SETTLE_BATCH = 50_000;

    /** The coordinator's batch size for both writes. */
    static final int BATCH = 1_000;

    private BenchThroughput() {
    }

    /**
     * What the database allows, measured after the run on a fresh file beside the benchmark's: the
     * coordinator's own statements (TaskHistoryStore) for {@code n} tasks that end before their
     * placement is written, each batch's rows written once, whole, in one commit, as the collector
     * does; by {@code threads} threads at once, each on a connection of its own, taking batches in
     * turn (the collector is one: {@link #run} shows what a second would give).
     */
    static double databaseAlone(Lab lab, String dir, int warmup, int n, int threads) throws Exception {
        Database db = Database.open(Database.defaultUrl(lab.dir.resolve(dir)), null, null);
        writeResults(db, warmup, 1);
        long t0 = System.nanoTime();
        writeResults(db, n, threads);
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static void writeResults(Database db, int n, int threads) throws Exception {
        TaskHistoryStore store = new TaskHistoryStore();
        AtomicInteger next = new AtomicInteger();
        Callable<Void> writer = () -> {
            try (DbSession session = new DbSession(db)) {
                for (int done; (done = next.getAndAdd(BATCH)) < n; ) {
                    long now = System.currentTimeMillis();
                    List<TaskResult> results = new ArrayList<>();
                    for (int i = done; i < Math.min(n, done + BATCH); i++) {
                        TaskMessage t = TaskMessage.submit(TaskIds.next(), "sleep", Map.of("ms", 0), now, null)
                                .placedOn("nodo" + (1 + i % 2), "nodo" + (1 + i % 2) + ": 3 queued, 1 running, 1 cores, cpu 50%");
                        results.add(TaskResult.done(t, t.node(), "slept 0 ms", now, now, 0));
                    }
                    session.inTransaction(c -> store.recordResults(c, results));
                }
            }
            return null;
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit(writer));
            }
            for (Future<Void> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static int run(Flags flags) throws Exception {
        int n = flags.integer("tasks", 1, 10_000_000);
        int cold = flags.integer("warmup", 0, 10_000_000);
        int settleMax = flags.integer("settle", 0, 10_000_000);
        int agents = flags.integer("agents", 1, 16);
        try (Pipeline p = Pipeline.start("throughput", agents)) {
            TaskQueue queue = new TaskQueue(p.lab.redis);
            long firstMinute = System.currentTimeMillis() / 60_000 - 1;
            Run warm = cold == 0 ? null : Run.of(p, queue, cold, 0, firstMinute);
            // The JVMs compile the hot paths by C1 at once, then by C2 over a minute or two of heavy
            // load: the measured run starts once the compilers have (nearly) finished, so it shows
            // the steady rate; the cold rate is the first run's.
            int settled = 0;
            double settleSeconds = 0;
            double compiling = 1;
            int lastBatch = 0;
            // Where /proc cannot be read the share is unknown (NaN): one batch, then measured.
            while (settled < settleMax && compiling >= ThreadCpu.SETTLED) {
                Run r = Run.of(p, queue, Math.min(SETTLE_BATCH, settleMax - settled), cold + settled, firstMinute);
                settled += r.n;
                settleSeconds += r.seconds;
                compiling = r.compilingAll;
                lastBatch = r.n;
            }
            int warmup = cold + settled;
            Run run = Run.of(p, queue, n, warmup, firstMinute);
            long done = p.rows(BenchSql.Rows.DONE);
            double rate = run.perSecond();
            System.out.printf(Locale.ROOT, "Throughput: sleep(ms=0) tasks, %d agents, one coordinator, H2 file database%n", agents);
            if (warm != null) {
                System.out.printf(Locale.ROOT, "  cold: the first %,d tasks in %.2f s, %,.0f tasks/s (the JVMs compile the hot paths meanwhile)%n",
                        cold, warm.seconds, warm.perSecond());
            }
            if (settled > 0) {
                System.out.printf(Locale.ROOT, "  settling: %,d more in %.2f s, %,.0f tasks/s, %s%n",
                        settled, settleSeconds, settled / settleSeconds,
                        ThreadCpu.settling(compiling, "batch", String.format(Locale.ROOT, "%,d", lastBatch)));
            }
            System.out.printf(Locale.ROOT, "  measured: %,d tasks submitted in %.2f s; all stored after %.2f s%n", n, run.submitSeconds, run.seconds);
            System.out.printf(Locale.ROOT, "  %,.0f tasks/s from first submission to last row stored%n", rate);
            run.phases.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "  %.2f Redis commands per task (INFO commandstats)%n", run.commands / (double) n);
            Pipeline.Cpu cpu = run.cpu;
            System.out.printf(Locale.ROOT, "  CPU per task: coordinator %.0f µs%s, agents %.0f µs, Redis %.0f µs, this bench "
                    + "(submits, counts) %.0f µs; %.0f µs in all, %.0f%% of the machine's %d processors over the run%n",
                    cpu.coordinator() / 1e3 / n, run.coordinatorCompiling() > 0 ? String.format(Locale.ROOT,
                            " (its JIT compilers %.0f µs of it)", run.coordinatorCompiling() * cpu.coordinator() / 1e3 / n) : "",
                    cpu.agents() / 1e3 / n, cpu.redis() / 1e3 / n, cpu.bench() / 1e3 / n,
                    cpu.total() / 1e3 / n, 100 * cpu.total() / (run.seconds * 1e9 * Runtime.getRuntime().availableProcessors()),
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "  TaskHistory rows stored DONE: %,d of %,d%n", done, n + warmup);
            long twice = p.placementsWritten();
            System.out.printf(Locale.ROOT, "  TaskHistory writes: %,d tasks written once (their row whole, with the result), %,d twice "
                    + "(PENDING first: not ended a moment after placement)%n", Math.max(0, n + warmup - twice), twice);
            int aloneWarmup = Math.min(warmup, 20_000);
            int aloneTasks = Math.min(n, 100_000);
            double ceiling = databaseAlone(p.lab, "db-alone", aloneWarmup, aloneTasks, 1);
            System.out.printf(Locale.ROOT, "  TaskHistory alone (each row written once, whole, in batches of %,d, "
                    + "one thread, nothing else running): %,.0f tasks/s; the pipeline reached %.0f%% of it%n",
                    BATCH, ceiling, 100 * rate / ceiling);
            double two = databaseAlone(p.lab, "db-alone-2", aloneWarmup, aloneTasks, 2);
            System.out.printf(Locale.ROOT, "  TaskHistory alone, two threads at once (a connection each, batches in turn): "
                    + "%,.0f tasks/s, %.2f× one thread (the coordinator stores on one)%n", two, two / ceiling);
            int burst = Math.min(n, 100_000);
            Behind high = behindBurst(p, queue, burst, TaskMessage.MAX_PRIORITY);
            Behind plain = behindBurst(p, queue, burst, TaskMessage.DEFAULT_PRIORITY);
            System.out.printf(Locale.ROOT, "  one task submitted right after a burst of %,d, until its result is stored and its "
                    + "reply sent: at priority %d %,.0f ms (%,d tasks still waiting to be placed then), at priority %d %,.0f ms%n",
                    burst, TaskMessage.MAX_PRIORITY, high.ms(), high.stillWaiting(), TaskMessage.DEFAULT_PRIORITY, plain.ms());
            double handoff = RedisHandoff.perSecond(p.lab.redis, 5);
            System.out.printf(Locale.ROOT, "  Redis alone, a plain hand-off (LPUSH + BRPOP, one message each, 2 producers and "
                    + "2 consumers, same Redis, same minutes): %,.0f messages/s; the pipeline reached %.0f%% of it%n",
                    handoff, 100 * rate / handoff);
            System.out.printf(Locale.ROOT, "  compare with BullMQ in the same minutes: ../shared/peers/bullmq-throughput.sh "
                    + "(alternate the two, three runs each, and compare medians)%n");
            System.out.printf(Locale.ROOT, "Target: %,.0f tasks/s: %s%n", TARGET_PER_SECOND, rate >= TARGET_PER_SECOND ? "met" : "NOT met");
            System.out.printf("Machine: %d CPUs, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name"), System.getProperty("java.version"));
            return done == n + warmup && rate >= TARGET_PER_SECOND ? 0 : 1;
        }
    }

    /** How long a task submitted behind a burst took, and how many of the burst still waited to be placed when it was stored. */
    private record Behind(double ms, long stillWaiting) {
    }

    /**
     * Submits a burst of {@code n} sleep(0) tasks, then at once one of {@code priority} that asks
     * for a reply, and times it from its submission to its reply (sent once its row is committed);
     * then waits for the burst to be stored, so that what is measured next runs on a quiet pipeline.
     */
    private static Behind behindBurst(Pipeline p, TaskQueue queue, int n, int priority) throws Exception {
        long rowsBefore = p.rows(BenchSql.Rows.DONE);
        for (int sent = 0; sent < n; sent += 10_000) {
            queue.submitNew("sleep", Map.of("ms", 0), Math.min(10_000, n - sent), null);
        }
        String reply = RedisKeys.newReply(UUID.randomUUID());
        long t0 = System.nanoTime();
        queue.submitNew("sleep", Map.of("ms", 0), 1, reply, 0, priority);
        List<String> got = p.lab.redis.call(j -> j.blpop(120, reply));
        if (got == null || got.isEmpty()) {
            throw new IllegalStateException("no reply within 120 s for a task behind a burst; see " + p.lab.dir);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        long waiting = queue.waitingToBePlaced();
        long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000L;
        while (p.rows(BenchSql.Rows.DONE) < rowsBefore + n + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a burst not all stored after 30 minutes; see " + p.lab.dir);
            }
            Thread.sleep(50);
        }
        return new Behind(ms, waiting);
    }

    /**
     * One timed batch: submitted at once, timed until the coordinator has counted all of it stored.
     *
     * @param coordinatorCompiling the share of the coordinator's CPU its JIT compilers took (0 where unknown)
     * @param compilingAll         the share of the started parts' CPU (coordinator and agents) their JIT
     *                             compilers took (NaN where unknown)
     */
    private record Run(double submitSeconds, double seconds, long commands, int n, Pipeline.Cpu cpu,
                       double coordinatorCompiling, double compilingAll, List<String> phases) {
        /** @param rowsBefore rows stored DONE before this run */
        static Run of(Pipeline p, TaskQueue queue, int n, long rowsBefore, long firstMinute) throws Exception {
            long storedBefore = p.storedFinal(firstMinute);
            long commandsBefore = p.redisCommands();
            Pipeline.Cpu cpuBefore = p.cpu();
            Map<String, ThreadCpu> threadsBefore = p.threadCpu();
            long t0 = System.nanoTime();
            for (int sent = 0; sent < n; sent += 10_000) {
                queue.submitNew("sleep", Map.of("ms", 0), Math.min(10_000, n - sent), null);
            }
            double submitSeconds = (System.nanoTime() - t0) / 1e9;
            long deadline = t0 + 30L * 60 * 1_000_000_000L;
            // The coordinator counts each batch in Redis once its rows are committed; reading that
            // count costs nothing beside the run, unlike counting rows in the database it writes to.
            RunPhases phases = new RunPhases(t0, n);
            for (long stored; (stored = p.storedFinal(firstMinute) - storedBefore) < n; ) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not all stored after 30 minutes; see " + p.lab.dir);
                }
                phases.sample(p.lab.redis, stored);
                Thread.sleep(20);
            }
            // The count may run ahead of the rows (a task run twice is counted twice): the clock
            // stops only once the database holds every row. It stops when the count that finds
            // them all starts (a statement sees what was committed before it began), on a
            // connection opened beforehand, so the run is not charged for the bench's own counting
            // of every DONE row, nor is the coordinator's processor time, which serves that count.
            long seen;
            Pipeline.Cpu cpuSeen;
            Map<String, ThreadCpu> threadsSeen;
            try (Connection c = p.lab.db.connect(); Statement st = c.createStatement()) {
                String count = p.lab.sql.countRows(BenchSql.Rows.DONE);
                while (true) {
                    cpuSeen = p.cpu();
                    threadsSeen = p.threadCpu();
                    seen = System.nanoTime();
                    long rows;
                    try (ResultSet rs = st.executeQuery(count)) {
                        rs.next();
                        rows = rs.getLong(1);
                    }
                    if (rows >= rowsBefore + n) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not all stored after 30 minutes; see " + p.lab.dir);
                    }
                    Thread.sleep(20);
                }
            }
            double seconds = (seen - t0) / 1e9;
            Pipeline.Cpu cpu = cpuSeen.minus(cpuBefore);
            Map<String, ThreadCpu> spent = ThreadCpu.spentSince(threadsSeen, threadsBefore);
            double coordinator = ThreadCpu.compilerShare(List.of(spent.getOrDefault("coordinator", ThreadCpu.NONE)));
            double compiling = Double.isNaN(coordinator) ? 0 : coordinator;
            double all = ThreadCpu.compilerShare(spent.values());
            long commands = p.redisCommands() - commandsBefore - (long) RunPhases.COMMANDS_PER_SAMPLE * phases.samples();
            return new Run(submitSeconds, seconds, commands, n, cpu, compiling, all, phases.describe(submitSeconds, seconds));
        }

        double perSecond() {
            return n / seconds;
        }
    }
}
