package colmena.api;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.coordinator.CoordinatorReport;
import colmena.store.ConnectionPool;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskStatus;
import colmena.task.TaskTypes;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/summary}, {@code GET /api/health} and {@code GET /api/types}. */
final class SummaryApi {
    /** Tasks per minute over this many minutes, the current one last. */
    static final int MINUTES = 10;
    /** Counting rows by status is cached this long: the dashboard asks every second or two. */
    static final long COUNTS_CACHE_MS = 1_000;

    private final Redis redis;
    private final ConnectionPool db;
    private final TaskHistoryStore store;
    private final NodesApi nodes;
    private final Alerts alerts;
    private final DatabasePing dbPing;
    private final InstallationApi installation;
    /** Rows by status, shared by the requests of {@link #COUNTS_CACHE_MS} (or longer, while counting is slow). */
    private final SharedReading<Boolean, Map<TaskStatus, Long>> counts;

    SummaryApi(Redis redis, ConnectionPool db, TaskHistoryStore store, NodesApi nodes, Alerts alerts,
               InstallationApi installation) {
        this.installation = installation;
        this.redis = redis;
        this.db = db;
        this.store = store;
        this.nodes = nodes;
        this.alerts = alerts;
        this.dbPing = new DatabasePing(db);
        this.counts = new SharedReading<>("status-counts", java.time.Duration.ofMillis(COUNTS_CACHE_MS),
                all -> db.use(store::countByStatus));
    }

    /** {@code GET /api/summary} */
    Object summary(Request r) throws Exception {
        NodesApi.Tally nodeCounts = nodes.tally();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", Map.of("online", nodeCounts.online(), "offline", nodeCounts.offline(), "drained", nodeCounts.drained()));
        out.put("tasks", countsByStatus());
        out.put("perMinute", perMinute());
        out.put("alerts", nodeCounts.alerts());
        out.put("thresholds", Map.of("cpuPercent", alerts.cpuPercent(), "memPercent", alerts.memPercent(),
                "diskPercent", alerts.diskPercent(), "afterSeconds", alerts.after().toSeconds()));
        CoordinatorReport coordinator = CoordinatorReport.read(redis);
        out.put("coordinator", coordinator == null ? null : coordinator.withoutHistograms());
        out.put("history", history());
        return out;
    }

    private Map<TaskStatus, Long> countsByStatus() throws Exception {
        return counts.get(Boolean.TRUE);
    }

    private List<Map<String, Object>> perMinute() {
        long minute = redis.clock().now() / 60_000L;
        List<String> keys = new ArrayList<>();
        for (long m = minute - MINUTES + 1; m <= minute; m++) {
            keys.add(RedisKeys.doneInMinute(m));
            keys.add(RedisKeys.failedInMinute(m));
        }
        List<String> values = redis.call(j -> j.mget(keys.toArray(new String[0])));
        List<Map<String, Object>> out = new ArrayList<>();
        int i = 0;
        for (long m = minute - MINUTES + 1; m <= minute; m++, i += 2) {
            out.add(Map.of("minute", Instant.ofEpochMilli(m * 60_000L), "done", parse(values.get(i)),
                    "failed", parse(values.get(i + 1))));
        }
        return out;
    }

    /**
     * {@code GET /api/health}, within a second: {@code redis} up or down; {@code database} up, down,
     * not answering (no answer within {@link DatabasePing#WAIT_MS}) or not writable (the working
     * coordinator's last write failed, with {@code databaseProblem} in words); {@code coordinator}
     * working, standby (none holds the lease, one is about to take it) or absent, and
     * {@code coordinatorsStandingBy}. 503 when Redis or the database cannot
     * be used; an absent coordinator makes the status "degraded" (the API itself still serves).
     */
    Object health(Request r) {
        String database = dbPing.state();
        RedisSide side = redisSide();
        boolean redisUp = side.up();
        Map<String, Object> body = new LinkedHashMap<>();
        String problem = side.coordinator() == null ? null : side.coordinator().writeProblem();
        // The working coordinator's word on why its writes fail is more exact than a ping, which a
        // full disk can make slow or fail too: "not writable", with the reason.
        if (problem != null) {
            database = "not writable";
        }
        boolean usable = redisUp && database.equals(DatabasePing.UP);
        body.put("status", usable && side.leader() ? "ok" : "degraded");
        body.put("redis", redisUp ? "up" : "down");
        body.put("database", database);
        if (problem != null) {
            body.put("databaseProblem", problem);
        }
        body.put("coordinator", !redisUp ? "unknown" : side.leader() ? "working" : side.standby() > 0 ? "standby" : "absent");
        body.put("coordinatorsStandingBy", side.standby());
        Map<String, Object> installed = installation.describe();
        body.put("installation", installed);
        if (installed.get("problem") != null) {
            body.put("status", "refused");
            throw new ApiException(503, "this API refuses to serve: " + installed.get("problem"), body);
        }
        if (!usable) {
            String what = !redisUp ? "Redis is unreachable" : "the database is " + database
                    + (problem == null ? "" : ": " + problem);
            throw new ApiException(503, what, body);
        }
        return body;
    }

    /** What Redis says for the health: whether it answers, a coordinator holds the lease, how many stand by, and the report. */
    private record RedisSide(boolean up, boolean leader, long standby, CoordinatorReport coordinator) {
    }

    private RedisSide redisSide() {
        try {
            redis.ping();
        } catch (RuntimeException e) {
            return new RedisSide(false, false, 0, null);
        }
        try {
            boolean leader = redis.call(j -> j.exists(RedisKeys.leader()));
            return new RedisSide(true, leader, standbyCoordinators(), CoordinatorReport.read(redis));
        } catch (RuntimeException e) {
            return new RedisSide(false, false, 0, null);
        }
    }

    /** How many coordinators stand by now: their entries whose time has not passed on Redis's clock. */
    private long standbyCoordinators() {
        return redis.call(j -> {
            List<String> time = j.time();
            long nowMs = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            return j.zcount(RedisKeys.coordinatorStandby(), nowMs, Double.POSITIVE_INFINITY);
        });
    }

    /** {@code GET /api/deadletters?limit=}: messages that could not be read, newest first, with where and why. */
    Object deadLetters(Request r) {
        int limit = (int) Request.wholeNumber(r.query(), "limit", 100, 1, TaskQueue.DEAD_LETTER_MAX);
        TaskQueue queue = new TaskQueue(redis);
        return Map.of("deadLetters", queue.deadLetters(limit), "total", queue.length(RedisKeys.deadLetter()));
    }

    /** {@code GET /api/types}: the task types and their parameters, for the submit form. */
    Object types(Request r) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var t : TaskTypes.all()) {
            if (t.madeByJobs()) {
                continue;
            }
            out.add(Map.of("name", t.name(), "summary", t.summary(), "params", t.params()));
        }
        return Map.of("types", out, "maxCount", TaskSubmitApi.MAX_SUBMIT_COUNT);
    }

    private static long parse(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** TaskHistory's bytes as last read, and when (epoch ms); read again after {@link #COUNTS_CACHE_MS}. */
    private Long historyBytes;
    private long historyBytesAtMs;

    /** TaskHistory's size: {@code rows} (the counts by status added up) and {@code bytes} (null when not known). */
    private Map<String, Object> history() throws Exception {
        long rows = countsByStatus().values().stream().mapToLong(Long::longValue).sum();
        Long bytes;
        synchronized (this) {
            long now = System.currentTimeMillis();
            if (historyBytesAtMs == 0 || now - historyBytesAtMs > COUNTS_CACHE_MS) {
                historyBytes = db.use(c -> db.database().historyBytes(c));
                historyBytesAtMs = now;
            }
            bytes = historyBytes;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", rows);
        out.put("bytes", bytes);
        return out;
    }
}
