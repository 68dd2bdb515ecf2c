package colmena.api;

import colmena.auth.UserStore;
import colmena.broker.RedisKeys;
import colmena.broker.TaskQueue;
import colmena.store.ConnectionPool;
import colmena.store.TaskHistoryStore;
import colmena.log.Outage;
import colmena.task.InvalidTaskException;
import colmena.task.TaskMessage;
import colmena.task.TaskTypes;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/tasks}: new tasks, checked against their type, recorded in TaskHistory and
 * queued for a coordinator to place.
 */
final class TaskSubmitApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TaskSubmitApi.class);
    static final int MAX_SUBMIT_COUNT = 1_000;
    private static final Set<String> BODY = Set.of("type", "params", "count", "retries", "priority");
    /** What a submitter is told to wait before trying again when the queue is full. */
    static final int FULL_RETRY_SECONDS = 2;

    private final ConnectionPool db;
    private final TaskHistoryStore store;
    private final TaskQueue queue;
    /** The most tasks that may wait in {@link RedisKeys#submitted()} for a coordinator; 0: no bound. */
    private final long maxUnplaced;

    TaskSubmitApi(ConnectionPool db, TaskHistoryStore store, TaskQueue queue, long maxUnplaced) {
        this.db = db;
        this.store = store;
        this.queue = queue;
        this.maxUnplaced = maxUnplaced;
    }

    /** What a submission asks for, its body read and checked. */
    record Submission(String type, Map<String, Object> params, int count, int retries, int priority) {
        /** The body read: a field not known, or out of range, or parameters the type refuses are a 400. */
        static Submission of(JsonObject body) {
            for (String k : body.keySet()) {
                if (!BODY.contains(k)) {
                    throw ApiException.badField("unknown field \"" + k + "\"; send type, params, count, retries and priority", k);
                }
            }
            JsonElement typeEl = body.get("type");
            if (typeEl == null || !typeEl.isJsonPrimitive() || !typeEl.getAsJsonPrimitive().isString()) {
                throw ApiException.badField("type is required: one of " + String.join(", ", typeNames()), "type");
            }
            String type = typeEl.getAsString();
            Map<String, Object> params = params(body.get("params"));
            Submission s = new Submission(type, params, countOf(body.get("count")), retriesOf(body.get("retries")),
                    priorityOf(body.get("priority")));
            try {
                TaskTypes.checkSubmitted(type, params);
            } catch (InvalidTaskException e) {
                String field = e.field().equals("type") ? "type" : "params." + e.field();
                throw e.code() == null ? ApiException.badField(e.getMessage(), field) : new ApiException(400, e.getMessage(),
                        Map.of("field", field, "code", e.code(), "values", e.values()));
            }
            return s;
        }

        private static Map<String, Object> params(JsonElement paramsEl) {
            Map<String, Object> params = new LinkedHashMap<>();
            if (paramsEl != null && !paramsEl.isJsonNull()) {
                if (!paramsEl.isJsonObject()) {
                    throw ApiException.badField("params must be an object such as {\"n\": 100000}", "params");
                }
                for (Map.Entry<String, JsonElement> e : paramsEl.getAsJsonObject().entrySet()) {
                    params.put(e.getKey(), scalar(e.getKey(), e.getValue()));
                }
            }
            return params;
        }
    }

    /** {@code POST /api/tasks}: {"type": ..., "params": {...}, "count": n}; 202 with the new ids. */
    Object submit(Request r) throws Exception {
        Submission s = Submission.of(r.jsonBody());
        refuseWhenFull(s.count());
        List<TaskMessage> tasks = TaskQueue.newTasks(s.type(), s.params(), s.count(), null, queue.now());
        if (s.retries() > 0 || s.priority() != TaskMessage.DEFAULT_PRIORITY) {
            tasks = tasks.stream().map(t -> t.withRetries(s.retries()).withPriority(s.priority())).toList();
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
        out.put("count", s.count());
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
        long waiting = queue.waitingToBePlaced();
        if (waiting + count > maxUnplaced) {
            throw new ApiException(503, waiting + " tasks are waiting to be placed (at most " + maxUnplaced
                    + ", --max-unplaced); nothing was queued: try again in a few seconds (a coordinator places them as fast as it stores "
                    + "the results of those before; if none runs, start one)",
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

    private static int countOf(JsonElement e) {
        Integer n = wholeNumber(e, 1, 1, MAX_SUBMIT_COUNT);
        if (n != null) {
            return n;
        }
        throw new ApiException(400, "count must be a whole number from 1 to " + MAX_SUBMIT_COUNT + ", got " + e,
                Map.of("field", "count", "code", "count_range", "values", Map.of("max", MAX_SUBMIT_COUNT, "got", e.toString())));
    }

    private static int priorityOf(JsonElement e) {
        Integer n = wholeNumber(e, TaskMessage.DEFAULT_PRIORITY, 0, TaskMessage.MAX_PRIORITY);
        if (n != null) {
            return n;
        }
        throw ApiException.badField("priority must be a whole number from 0 to " + TaskMessage.MAX_PRIORITY + " (higher first), got " + e,
                "priority");
    }

    private static int retriesOf(JsonElement e) {
        Integer n = wholeNumber(e, 0, 0, TaskMessage.MAX_RETRIES);
        if (n != null) {
            return n;
        }
        throw ApiException.badField("retries must be a whole number from 0 to " + TaskMessage.MAX_RETRIES + ", got " + e, "retries");
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

    private static List<String> typeNames() {
        return TaskTypes.all().stream().filter(t -> !t.madeByJobs()).map(t -> t.name()).toList();
    }
}
