package colmena.bench;

import colmena.broker.Json;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.coordinator.Coordinator;
import colmena.coordinator.Placement;
import colmena.log.Durations;
import colmena.task.TaskIds;
import colmena.task.TaskMessage;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code colmena bench failover}: how long from an agent's death to its tasks running again on
 * another node. Each run starts a victim agent process, gives it work, kills it with SIGKILL while
 * it holds tasks, and times (1) until its stats key is gone, which is when the API and the
 * dashboard show it offline, and (2) until the first and then every task it held is taken by the
 * surviving node.
 */
final class BenchFailover {
    static final List<Option> OPTIONS = List.of(
            Option.value("runs", null, "5", "N", "kills to time"),
            Option.value("interval", null, "1s", "DURATION", "the agents' stats interval"));
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final double TARGET_SECONDS = 3.0;
    private static final int TASKS_PER_RUN = 8;
    private static final long TASK_MS = 3_000;

    private BenchFailover() {
    }

    static int run(Flags flags) throws Exception {
        int runs = flags.integer("runs", 1, 100);
        Duration interval = flags.duration("interval", Duration.ofMillis(200), Duration.ofSeconds(10));
        List<double[]> results = new ArrayList<>();
        try (Lab lab = Lab.start("failover")) {
            // Round-robin, so the victim surely gets work even while its fresh JVM's start-up shows
            // as CPU load (which least-loaded would rightly steer around).
            Coordinator coordinator = new Coordinator(new Coordinator.Config(lab.redisUrl(), lab.dbUrl, null, null,
                    Placement.named("round-robin"), 0, 10), lab.redis, lab.db);
            coordinator.start();
            String survivorId = "nodo-b";
            // The survivor has a worker free for every task it could be given, so what is timed is
            // recovery, not the wait behind its own work.
            Process survivor = agent(lab, survivorId, interval, TASKS_PER_RUN * 2);
            try {
                System.out.printf("Failover: %d runs, stats interval %s, %d sleep tasks of %d ms each run%n",
                        runs, Durations.format(interval), TASKS_PER_RUN, TASK_MS);
                System.out.println("run  offline(s)  first task running again(s)  all re-placed(s)");
                for (int run = 1; run <= runs; run++) {
                    double[] r = once(lab, run, survivorId, interval);
                    results.add(r);
                    System.out.printf(Locale.ROOT, "%3d  %10.2f  %27.2f  %16.2f%n", run, r[0], r[1], r[2]);
                }
            } finally {
                Launcher.stop(survivor, 15);
                coordinator.stop();
            }
        }
        double worst = summarize(results);
        System.out.printf(Locale.ROOT, "Target: tasks running again within %.1f s: %s (worst %.2f s)%n", TARGET_SECONDS,
                worst < TARGET_SECONDS ? "met" : "NOT met", worst);
        System.out.printf("Machine: %d CPUs, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("java.version"));
        return worst < TARGET_SECONDS ? 0 : 1;
    }

    private static double[] once(Lab lab, int run, String survivorId, Duration interval) throws Exception {
        String victimId = "nodo-a" + run;
        Process victim = agent(lab, victimId, interval, 2);
        try {
            waitFor(Duration.ofSeconds(30), () -> online(lab, victimId) && online(lab, survivorId));
            Thread.sleep(interval.toMillis() + 300); // the coordinator has seen both
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < TASKS_PER_RUN; i++) {
                tasks.add(Json.write(TaskMessage.submit(TaskIds.next(), "sleep", Map.of("ms", TASK_MS),
                        System.currentTimeMillis(), null)));
            }
            new TaskQueue(lab.redis).submit(tasks);
            waitFor(Duration.ofSeconds(30), () -> lab.redis.call(j -> j.llen(RedisKeys.nodeInflight(victimId))) > 0);
            Thread.sleep(200);
            Set<String> held = ids(lab, RedisKeys.nodeInflight(victimId));
            held.addAll(ids(lab, RedisKeys.nodeTasks(victimId)));

            long t0 = System.nanoTime();
            Launcher.kill(victim);
            double offline = -1;
            double first = -1;
            double all = -1;
            while ((offline < 0 || first < 0 || all < 0) && System.nanoTime() - t0 < 60_000_000_000L) {
                double now = (System.nanoTime() - t0) / 1e9;
                if (offline < 0 && !online(lab, victimId)) {
                    offline = now;
                }
                Set<String> running = ids(lab, RedisKeys.nodeInflight(survivorId));
                Set<String> placed = new HashSet<>(running);
                placed.addAll(ids(lab, RedisKeys.nodeTasks(survivorId)));
                if (first < 0 && !Collections.disjoint(running, held)) {
                    first = now;
                }
                if (all < 0 && placed.containsAll(held) || all < 0 && doneCount(lab, held) + countIn(placed, held) == held.size()) {
                    all = now;
                }
                Thread.sleep(5);
            }
            waitFor(Duration.ofSeconds(120), () -> doneCount(lab, held) == held.size());
            return new double[] {offline, first, all};
        } finally {
            Launcher.kill(victim); // already dead after a good run; not left behind after a failed one
        }
    }

    private static Process agent(Lab lab, String id, Duration interval, int workers) throws Exception {
        return Launcher.start(lab.log(id), List.of("-XX:+UseSerialGC", "-Xmx128m"), "agent", "--id", id,
                "--redis", lab.redisUrl(), "--interval", Durations.format(interval), "--workers", Integer.toString(workers));
    }

    private static boolean online(Lab lab, String id) {
        return lab.redis.call(j -> j.exists(RedisKeys.nodeStats(id)));
    }

    private static Set<String> ids(Lab lab, String key) {
        Set<String> out = new HashSet<>();
        for (String raw : lab.redis.call(j -> j.lrange(key, 0, -1))) {
            Matcher m = ID.matcher(raw);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static int countIn(Set<String> placed, Set<String> held) {
        int n = 0;
        for (String id : held) {
            if (placed.contains(id)) {
                n++;
            }
        }
        return n;
    }

    private static long doneCount(Lab lab, Set<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        try (var c = lab.db.connect(); var ps = c.prepareStatement(lab.sql.countDoneAmong(ids.size()))) {
            int i = 1;
            for (String id : ids) {
                ps.setString(i++, id);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Prints min / median / max of each column and returns the worst "first task running again". */
    private static double summarize(List<double[]> results) {
        String[] names = {"offline", "first task running again", "all re-placed"};
        double worst = 0;
        for (int col = 0; col < 3; col++) {
            List<Double> v = new ArrayList<>();
            for (double[] r : results) {
                v.add(r[col]);
            }
            Collections.sort(v);
            System.out.printf(Locale.ROOT, "%-26s min %.2f s, median %.2f s, max %.2f s%n", names[col] + ":",
                    v.get(0), v.get(v.size() / 2), v.get(v.size() - 1));
            if (col == 1) {
                worst = v.get(v.size() - 1) < 0 ? Double.MAX_VALUE : v.get(v.size() - 1);
            }
        }
        return worst;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
