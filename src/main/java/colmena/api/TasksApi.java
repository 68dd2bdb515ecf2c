package colmena.api;

import colmena.auth.UserStore;
import colmena.broker.Json;
import colmena.broker.Nodes;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.store.ConnectionPool;
import colmena.store.HistoryCsv;
import colmena.store.TaskHistoryStore;
import colmena.store.TaskPage;
import colmena.store.TaskQuery;
import colmena.store.TaskRecord;
import colmena.support.Outage;
import colmena.task.InvalidTaskException;
import colmena.task.TaskMessage;
import colmena.task.TaskProgress;
import colmena.task.TaskStatus;
import colmena.task.TaskTypes;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The task endpoints: TaskHistory as JSON and CSV, one task, and submitting new ones. */
final class TasksApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TasksApi.class);
    static final int MAX_SUBMIT_COUNT = 1_000;
    static final int MAX_CSV_ROWS = 1_000_000;
    private static final Set<String> QUERY = Set.of("limit", "before", "offset", "node", "status", "type");
    private static final Set<String> CSV_QUERY = Set.of("limit", "node", "status", "type", "sep", "bom", "tz");
    private static final Set<String> BODY = Set.of("type", "params", "count", "retries", "priority");
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final ConnectionPool db;
    private final TaskHistoryStore store;
    private final TaskQueue queue;
    private final AuditTrail audit;
    /** The most tasks that may wait in {@link RedisKeys#submitted()} for a coordinator; 0: no bound. */
    private final long maxUnplaced;
    /** What a submitter is told to wait before trying again when the queue is full. */
    static final int FULL_RETRY_SECONDS = 2;

    private final Nodes nodes;
    private final Cancels cancels;
    /**
     * The count of matching rows for each filter, shared by the requests that list tasks: counting
     * millions of rows while results are written can take a good part of a second, too long for
     * every request of every open dashboard to do it again.
     */
    private final SharedReading<TaskQuery, Long> totals;

    TasksApi(ConnectionPool db, TaskHistoryStore store, TaskQueue queue, Nodes nodes, Cancels cancels,
             AuditTrail audit, long maxUnplaced) {
        this.nodes = nodes;
        this.cancels = cancels;
        this.db = db;
        this.store = store;
        this.queue = queue;
        this.audit = audit;
        this.maxUnplaced = maxUnplaced;
        this.totals = new SharedReading<>("task-counts", Duration.ZERO, f -> db.use(c -> store.count(c, f)));
    }

    /** {@code GET /api/tasks} */
    Object list(Request r) throws Exception {
        TaskQuery q = query(r.query(), QUERY, TaskQuery.DEFAULT_LIMIT, TaskQuery.MAX_LIMIT);
        TaskQuery filters = q.filters();
        long total = totals.get(filters);
        TaskPage page = db.use(c -> store.page(c, q, total));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", withProgress(page.tasks()));
        out.put("total", page.total());
        out.put("totalAgeMs", totals.ageMs(filters));
        out.put("limit", q.limit());
        out.put("nextCursor", page.nextCursor() == null ? "" : Long.toString(page.nextCursor()));
        return out;
    }

    /** {@code GET /api/tasks/{id}} */
    Object one(Request r) throws Exception {
        String id = r.path("id");
        if (!TASK_ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid task id \"" + id + "\"");
        }
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

    /** {@code POST /api/tasks/{id}/cancel}: 202 while it is being cancelled; 409 once it has finished. */
    Object cancel(Request r) throws Exception {
        String id = r.path("id");
        if (!TASK_ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid task id \"" + id + "\"");
        }
        Cancels.Outcome o = cancels.request(r, List.of(id));
        if (!o.unknown().isEmpty()) {
            throw ApiException.notFound("no task \"" + id + "\"");
        }
        if (!o.finished().isEmpty()) {
            throw new ApiException(409, "task " + id + " is already " + o.finished().get(id)
                    + ": a finished task cannot be cancelled", Map.of("status", o.finished().get(id)));
        }
        audit.record(r, "task_cancelled", id, null);
        return Response.json(202, Map.of("id", id, "status", "cancelling"));
    }

    private static final Set<String> CANCEL_BODY = Set.of("status", "type", "node");

    /**
     * {@code POST /api/tasks/cancel} with {@code {"status": "PENDING", "type": "primes", "node": "nodo1"}}
     * (at least one; status PENDING or RUNNING, both when not given): cancels every unfinished task
     * that matches, up to {@link Cancels#MAX}; 202 with how many.
     */
    Object cancelMatching(Request r) throws Exception {
        JsonObject body = r.jsonBody();
        for (String k : body.keySet()) {
            if (!CANCEL_BODY.contains(k)) {
                throw field("unknown field \"" + k + "\"; send status, type and/or node", k);
            }
        }
        String status = text(body, "status");
        String type = text(body, "type");
        String node = text(body, "node");
        if (status == null && type == null && node == null) {
            throw field("say which tasks: status, type and/or node (to cancel one task, POST /api/tasks/{id}/cancel)", "status");
        }
        List<TaskStatus> statuses;
        if (status == null) {
            statuses = List.of(TaskStatus.PENDING, TaskStatus.RUNNING);
        } else if (status.equals("PENDING") || status.equals("RUNNING")) {
            statuses = List.of(TaskStatus.valueOf(status));
        } else {
            throw field("status must be PENDING or RUNNING (finished tasks cannot be cancelled), got \"" + status + "\"", "status");
        }
        List<String> ids = new ArrayList<>();
        for (TaskStatus s : statuses) {
            TaskQuery q = new TaskQuery(node, s, type, null, 0, Cancels.MAX);
            db.use(c -> {
                store.each(c, q, Cancels.MAX - ids.size(), row -> ids.add(row.id()));
                return null;
            });
        }
        Cancels.Outcome o = cancels.request(r, ids);
        audit.record(r, "tasks_cancelled", o.cancelling().size() + " tasks",
                "status " + (status == null ? "PENDING or RUNNING" : status) + (type == null ? "" : ", type " + type)
                        + (node == null ? "" : ", node " + node));
        return Response.json(202, Map.of("cancelling", o.cancelling().size(), "ids", o.cancelling()));
    }

    private static String text(JsonObject body, String name) {
        JsonElement e = body.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isBlank()) {
            throw field(name + " must be a text", name);
        }
        return e.getAsString();
    }

    /** {@code GET /api/tasks.csv}: the filtered history for a spreadsheet, streamed. */
    Object csv(Request r) throws Exception {
        TaskQuery q = query(r.query(), CSV_QUERY, MAX_CSV_ROWS, MAX_CSV_ROWS);
        if (audit != null) {
            audit.record(r, "tasks_exported", "tasks.csv", r.exchange().getRequestURI().getRawQuery());
        }
        CsvStyle style = CsvStyle.of(r.query());
        // Checked before the answer starts, so an unreachable database is still a 503.
        if (!db.ping()) {
            throw new SQLException("database unreachable");
        }
        return Response.stream("text/csv; charset=utf-8", style.fileName(), out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            if (style.bom()) {
                w.write('\uFEFF');
            }
            HistoryCsv.writeHeader(w, style.separator());
            try {
                exportPages(q, row -> HistoryCsv.writeRow(w, row, style.separator(), style::time));
            } catch (SQLException e) {
                w.write("# the export stopped: the database became unreachable\r\n");
            }
            w.flush();
        });
    }

    /** Rows in a page of the export: one short statement each, so no statement holds a large result or runs long. */
    static final int CSV_PAGE_ROWS = 1_000;

    /**
     * Hands every row of {@code q} (up to its limit) to {@code sink}, newest first, a page at a
     * time by row id: neither Colmena nor the database holds more than a page.
     */
    private void exportPages(TaskQuery q, TaskHistoryStore.RowSink sink) throws SQLException {
        int left = q.limit();
        Long before = null;
        while (left > 0) {
            TaskQuery page = new TaskQuery(q.node(), q.status(), q.type(), before, 0, Math.min(CSV_PAGE_ROWS, left));
            long[] last = {-1};
            int[] n = {0};
            db.use(c -> {
                store.each(c, page, page.limit(), row -> {
                    sink.accept(row);
                    last[0] = row.rowId();
                    n[0]++;
                });
                return null;
            });
            if (n[0] < page.limit()) {
                return;
            }
            left -= n[0];
            before = last[0];
        }
    }

    /**
     * How a CSV is written for the spreadsheet that opens it: {@code sep=semicolon} for one set to a
     * comma decimal (Spanish Excel splits on {@code ;}), {@code bom=1} so Excel reads UTF-8, and
     * {@code tz=Europe/Madrid} for times as that zone's local "yyyy-MM-dd HH:mm:ss", which a
     * spreadsheet takes for a date (ISO instants by default). The file is named after the day.
     */
    record CsvStyle(char separator, boolean bom, ZoneId zone) {
        private static final DateTimeFormatter LOCAL =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

        static CsvStyle of(Map<String, String> p) {
            String sep = blankToNull(p.get("sep"));
            char separator = sep == null || sep.equals("comma") ? ',' : sep.equals("semicolon") ? ';' : 0;
            if (separator == 0) {
                throw ApiException.badRequest("sep must be comma or semicolon, got \"" + sep + "\"");
            }
            boolean bom = Request.wholeNumber(p, "bom", 0, 0, 1) == 1;
            ZoneId zone = null;
            String tz = blankToNull(p.get("tz"));
            if (tz != null) {
                try {
                    zone = ZoneId.of(tz);
                } catch (DateTimeException e) {
                    throw ApiException.badRequest("tz must be a time zone such as Europe/Madrid or UTC, got \"" + tz + "\"");
                }
            }
            return new CsvStyle(separator, bom, zone);
        }

        Object time(Instant at) {
            return at == null || zone == null ? at : LOCAL.format(at.atZone(zone));
        }

        String fileName() {
            LocalDate day = LocalDate.now(zone == null ? ZoneOffset.UTC : zone);
            return "colmena-tasks-" + day + ".csv";
        }
    }

    static String cell(Object value) {
        return HistoryCsv.cell(value);
    }

    /** {@code POST /api/tasks}: {"type": ..., "params": {...}, "count": n}; 202 with the new ids. */
    Object submit(Request r) throws Exception {
        JsonObject body = r.jsonBody();
        for (String k : body.keySet()) {
            if (!BODY.contains(k)) {
                throw field("unknown field \"" + k + "\"; send type, params, count, retries and priority", k);
            }
        }
        JsonElement typeEl = body.get("type");
        if (typeEl == null || !typeEl.isJsonPrimitive() || !typeEl.getAsJsonPrimitive().isString()) {
            throw field("type is required: one of " + String.join(", ", typeNames()), "type");
        }
        String type = typeEl.getAsString();
        Map<String, Object> params = new LinkedHashMap<>();
        JsonElement paramsEl = body.get("params");
        if (paramsEl != null && !paramsEl.isJsonNull()) {
            if (!paramsEl.isJsonObject()) {
                throw field("params must be an object such as {\"n\": 100000}", "params");
            }
            for (Map.Entry<String, JsonElement> e : paramsEl.getAsJsonObject().entrySet()) {
                params.put(e.getKey(), scalar(e.getKey(), e.getValue()));
            }
        }
        int count = count(body.get("count"));
        int retries = retries(body.get("retries"));
        int priority = priority(body.get("priority"));
        try {
            TaskTypes.checkSubmitted(type, params);
        } catch (InvalidTaskException e) {
            String field = e.field().equals("type") ? "type" : "params." + e.field();
            throw e.code() == null ? field(e.getMessage(), field) : new ApiException(400, e.getMessage(),
                    Map.of("field", field, "code", e.code(), "values", e.values()));
        }
        refuseWhenFull(count);
        List<TaskMessage> tasks = TaskQueue.newTasks(type, params, count, null, queue.now());
        if (retries > 0 || priority != TaskMessage.DEFAULT_PRIORITY) {
            tasks = tasks.stream().map(t -> t.withRetries(retries).withPriority(priority)).toList();
        }
        List<String> ids = tasks.stream().map(TaskMessage::id).toList();
        boolean recorded = recordSubmitted(tasks, r);
        try {
            queue.submitTasks(tasks);
        } catch (RuntimeException e) {
            if (recorded) {
                forgetSubmitted(ids);
            }
            throw e;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ids", ids);
        out.put("count", count);
        out.put("durable", recorded);
        out.put("note", recorded ? RECORDED : NOT_RECORDED);
        return Response.json(202, out);
    }

    static final String RECORDED = "recorded in TaskHistory before this answer: kept even if Redis loses its data";
    static final String NOT_RECORDED = "the database did not answer: these tasks are only in Redis until a coordinator "
            + "places them, and are lost if Redis loses its data before then";

    /**
     * Records the tasks in TaskHistory (one transaction, written to the file) before they are
     * acknowledged, so an emptied Redis cannot lose them. A database that does not answer does not
     * stop the submission: the answer then says the tasks are not yet durable.
     */
    private boolean recordSubmitted(List<TaskMessage> tasks, Request r) {
        String who = r.principal() == null ? null : r.principal().user();
        String type = tasks.get(0).type();
        try {
            db.inTransaction(c -> {
                store.recordSubmitted(c, tasks);
                // Who submitted what, in the same transaction: no extra write to the file.
                UserStore.audit(c, who, "tasks_submitted", type, r.address(), tasks.size() + " × " + type
                        + " (first " + tasks.get(0).id() + ")");
                return null;
            });
            return true;
        } catch (SQLException e) {
            LOG.warn("Submitted tasks not recorded in TaskHistory ({}); they are only in Redis until placed "
                    + "({} × {} by {} from {})", Outage.reason(e), tasks.size(), type, who, r.address());
            return false;
        }
    }

    /**
     * Refuses a submission that would put more than {@link #maxUnplaced} tasks in the queue no
     * coordinator has placed yet (none running, or all of them behind): 503 with Retry-After, and
     * nothing is recorded or queued.
     */
    private void refuseWhenFull(int count) {
        if (maxUnplaced <= 0) {
            return;
        }
        long waiting = queue.redis().call(j -> j.llen(RedisKeys.submitted()));
        if (waiting + count > maxUnplaced) {
            throw new ApiException(503, waiting + " tasks are waiting to be placed (at most " + maxUnplaced
                    + ", --max-unplaced); nothing was queued: try again in a few seconds, and check that a coordinator runs",
                    Map.of("retryAfterSeconds", FULL_RETRY_SECONDS, "waiting", waiting, "maxUnplaced", maxUnplaced));
        }
    }

    /** The tasks never reached Redis and the submitter is told so: their rows go (best effort). */
    private void forgetSubmitted(List<String> ids) {
        try {
            db.inTransaction(c -> {
                store.forgetSubmitted(c, ids);
                return null;
            });
        } catch (SQLException e) {
            LOG.warn("{} tasks recorded as submitted could not be removed after Redis refused them ({})", ids.size(),
                    Outage.reason(e));
        }
    }

    private static Object scalar(String name, JsonElement e) {
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isNumber()) {
                double d = p.getAsDouble();
                return d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (Object) p.getAsLong() : (Object) d;
            }
            if (p.isString()) {
                return p.getAsString();
            }
        }
        throw new ApiException(400, "params." + name + " must be a number", Map.of("field", "params." + name,
                "code", "param_not_number", "values", Map.of("param", name)));
    }

    private static int count(JsonElement e) {
        Integer n = wholeNumber(e, 1, 1, MAX_SUBMIT_COUNT);
        if (n != null) {
            return n;
        }
        throw new ApiException(400, "count must be a whole number from 1 to " + MAX_SUBMIT_COUNT + ", got " + e,
                Map.of("field", "count", "code", "count_range", "values", Map.of("max", MAX_SUBMIT_COUNT, "got", e.toString())));
    }

    private static int priority(JsonElement e) {
        Integer n = wholeNumber(e, TaskMessage.DEFAULT_PRIORITY, 0, TaskMessage.MAX_PRIORITY);
        if (n != null) {
            return n;
        }
        throw field("priority must be a whole number from 0 to " + TaskMessage.MAX_PRIORITY + " (higher first), got " + e,
                "priority");
    }

    private static int retries(JsonElement e) {
        Integer n = wholeNumber(e, 0, 0, TaskMessage.MAX_RETRIES);
        if (n != null) {
            return n;
        }
        throw field("retries must be a whole number from 0 to " + TaskMessage.MAX_RETRIES + ", got " + e, "retries");
    }

    /** A body field that must be a whole number from {@code min} to {@code max}: {@code absent} when not given, null when it is anything else. */
    private static Integer wholeNumber(JsonElement e, int absent, int min, int max) {
        if (e == null || e.isJsonNull()) {
            return absent;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double d = e.getAsDouble();
            if (d == Math.rint(d) && d >= min && d <= max) {
                return (int) d;
            }
        }
        return null;
    }

    private static ApiException field(String message, String field) {
        return new ApiException(400, message, Map.of("field", field));
    }

    private static List<String> typeNames() {
        return TaskTypes.all().stream().filter(t -> !t.madeByJobs()).map(t -> t.name()).toList();
    }

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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
