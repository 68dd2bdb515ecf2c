package colmena.api;

import colmena.broker.Json;
import colmena.broker.Nodes;
import colmena.store.ConnectionPool;
import colmena.store.TaskHistoryStore;
import colmena.store.TaskPage;
import colmena.store.TaskQuery;
import colmena.store.TaskRecord;
import colmena.task.TaskProgress;
import colmena.task.TaskStatus;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * TaskHistory as the task list reads it: a page of rows with their filters and total, and one
 * task, each RUNNING one with its progress. Submitting ({@link TaskSubmitApi}), cancelling
 * ({@link TaskCancelApi}) and the CSV export ({@link TaskCsvApi}) are beside it.
 */
final class TasksApi {
    private static final Set<String> QUERY = Set.of("limit", "before", "offset", "node", "status", "type");
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final ConnectionPool db;
    private final TaskHistoryStore store;
    private final Nodes nodes;
    /**
     * The count of matching rows for each filter, shared by the requests that list tasks: counting
     * millions of rows while results are written can take a good part of a second, too long for
     * every request of every open dashboard to do it again.
     */
    private final SharedReading<TaskQuery, Long> totals;
    /**
     * The newest page of each filter, as sent: every open dashboard asks for it every few seconds,
     * and under a burst of results reading and writing it for each of them would take the CPU the
     * writes need. Shared for at most {@code maxAge} like the nodes' figures (with none, each
     * request reads, but requests arriving while a read is under way share the next one).
     */
    private final ConcurrentHashMap<TaskQuery, ReadAhead<Response.Written>> newest = new ConcurrentHashMap<>();
    private final long maxAgeNanos;
    private final Executor background;

    /** Filters whose newest page is kept at most; past it the kept ones are dropped and read again as asked. */
    static final int MAX_NEWEST = 64;
    /**
     * How long a page waits for the first count of its filters: over millions of rows a count takes
     * seconds, so past this the page is answered without its total, and the count goes on.
     */
    static final Duration FIRST_COUNT_WAIT = Duration.ofMillis(300);

    TasksApi(ConnectionPool db, TaskHistoryStore store, Nodes nodes, Duration maxAge, Executor background) {
        this.nodes = nodes;
        this.db = db;
        this.store = store;
        this.totals = new SharedReading<>("task-counts", Duration.ZERO, f -> db.use(c -> store.count(c, f)));
        this.maxAgeNanos = maxAge.toNanos();
        this.background = background;
    }

    /** {@code GET /api/tasks} */
    Object list(Request r) throws Exception {
        TaskQuery q = query(r.query(), QUERY, TaskQuery.DEFAULT_LIMIT, TaskQuery.MAX_LIMIT);
        if (q.beforeRowId() != null || q.offset() > 0) {
            return page(q, true);
        }
        try {
            return newestPage(q).get().to(r);
        } catch (UncheckedSql e) {
            throw e.getCause();
        }
    }

    private ReadAhead<Response.Written> newestPage(TaskQuery q) {
        ReadAhead<Response.Written> kept = newest.get(q);
        if (kept != null) {
            return kept;
        }
        if (newest.size() >= MAX_NEWEST) {
            newest.clear();
        }
        return newest.computeIfAbsent(q, k -> new ReadAhead<>(() -> {
            try {
                // Shared for a while, the page does not wait for a recount either: it says the total's age.
                return Response.Written.of(Json.API.toJson(page(k, maxAgeNanos == 0)).getBytes(StandardCharsets.UTF_8));
            } catch (SQLException e) {
                throw new UncheckedSql(e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, maxAgeNanos, System::nanoTime, background));
    }

    /** A database error carried out of a {@link ReadAhead} read to the request that waited for it. */
    private static final class UncheckedSql extends RuntimeException {
        UncheckedSql(SQLException e) {
            super(e);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /**
     * One page of rows, with its filters' total, as {@code GET /api/tasks} answers it.
     *
     * @param waitForTotal whether a total no longer fresh may be waited for ({@link SharedReading#get}),
     *                     or the kept one is given with its age ({@link SharedReading#getKept})
     */
    private Map<String, Object> page(TaskQuery q, boolean waitForTotal) throws Exception {
        TaskQuery filters = q.filters();
        Long total = waitForTotal && totals.has(filters) ? totals.get(filters) : totals.getKeptWithin(filters, FIRST_COUNT_WAIT);
        TaskPage page = db.use(c -> store.page(c, q, total == null ? -1 : total));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", withProgress(page.tasks()));
        out.put("total", total); // null: a new filter's first count is still under way
        out.put("totalAgeMs", totals.ageMs(filters));
        out.put("limit", q.limit());
        out.put("nextCursor", page.nextCursor() == null ? "" : Long.toString(page.nextCursor()));
        return out;
    }

    /** {@code GET /api/tasks/{id}} */
    Object one(Request r) throws Exception {
        String id = taskId(r);
        TaskRecord task = db.use(c -> store.get(c, id));
        if (task == null) {
            throw ApiException.notFound("no task \"" + id + "\"");
        }
        return withProgress(List.of(task)).get(0);
    }

    /**
     * The rows as JSON, each RUNNING one with the {@code progress} its task last reported
     * ({@code {"percent": 40, "text": "row 3 of 8"}}, or null), read from the nodes' progress in
     * Redis in one round trip; without it when Redis does not answer.
     */
    private List<JsonElement> withProgress(List<TaskRecord> tasks) {
        Map<String, List<String>> running = new LinkedHashMap<>();
        for (TaskRecord t : tasks) {
            if (t.status() == TaskStatus.RUNNING && t.node() != null) {
                running.computeIfAbsent(t.node(), k -> new ArrayList<>()).add(t.id());
            }
        }
        Map<String, String> progress = Map.of();
        if (!running.isEmpty()) {
            try {
                progress = nodes.progress(running);
            } catch (RuntimeException e) {
                progress = Map.of(); // Redis away: the rows without it
            }
        }
        List<JsonElement> out = new ArrayList<>(tasks.size());
        for (TaskRecord t : tasks) {
            JsonObject o = Json.API.toJsonTree(t).getAsJsonObject();
            o.add("reasonCodes", TaskPhrases.reason(t.reason()));
            o.add("moveCodes", TaskPhrases.moves(t.moves()));
            o.add("errorCode", TaskPhrases.error(t.error()));
            if (t.status() == TaskStatus.RUNNING) {
                String p = progress.get(t.id());
                o.add("progress", p == null ? JsonNull.INSTANCE : readProgress(p));
            }
            out.add(o);
        }
        return out;
    }

    private static JsonElement readProgress(String json) {
        TaskProgress p = TaskProgress.read(json);
        return p == null ? JsonNull.INSTANCE : Json.API.toJsonTree(p);
    }

    /** The task id in the request's path, when it is one. */
    static String taskId(Request r) {
        String id = r.path("id");
        if (!TASK_ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid task id \"" + id + "\"");
        }
        return id;
    }

    /** The filters and paging of a task query string; a parameter not in {@code known} is refused. */
    static TaskQuery query(Map<String, String> p, Set<String> known, int defaultLimit, int maxLimit) {
        for (String k : p.keySet()) {
            if (!known.contains(k)) {
                throw ApiException.badRequest("unknown parameter \"" + k + "\"; known: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
        int limit = (int) Request.wholeNumber(p, "limit", defaultLimit, 1, maxLimit);
        Long before = p.containsKey("before") && !p.get("before").isEmpty() ? Request.wholeNumber(p, "before", 0, 1, Long.MAX_VALUE) : null;
        int offset = (int) Request.wholeNumber(p, "offset", 0, 0, 10_000_000);
        if (before != null && offset > 0) {
            throw ApiException.badRequest("give before or offset, not both");
        }
        TaskStatus status = null;
        String s = blankToNull(p.get("status"));
        if (s != null) {
            try {
                status = TaskStatus.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("status must be one of " + Arrays.toString(TaskStatus.values()) + ", got \"" + s + "\"");
            }
        }
        return new TaskQuery(blankToNull(p.get("node")), status, blankToNull(p.get("type")), before, offset, limit);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
