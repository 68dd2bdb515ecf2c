package colmena.api;

import colmena.store.ConnectionPool;
import colmena.store.TaskHistoryStore;
import colmena.store.TaskQuery;
import colmena.task.TaskStatus;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Cancelling tasks: one by id, or every unfinished task that matches a filter (through {@link Cancels}). */
final class TaskCancelApi {
    private final ConnectionPool db;
    private final TaskHistoryStore store;
    private final Cancels cancels;
    private final AuditTrail audit;

    TaskCancelApi(ConnectionPool db, TaskHistoryStore store, Cancels cancels, AuditTrail audit) {
        this.db = db;
        this.store = store;
        this.cancels = cancels;
        this.audit = audit;
    }

    /** {@code POST /api/tasks/{id}/cancel}: 202 while it is being cancelled; 409 once it has finished. */
    Object cancel(Request r) throws Exception {
        String id = TasksApi.taskId(r);
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
                throw ApiException.badField("unknown field \"" + k + "\"; send status, type and/or node", k);
            }
        }
        String status = text(body, "status");
        String type = text(body, "type");
        String node = text(body, "node");
        if (status == null && type == null && node == null) {
            throw ApiException.badField("say which tasks: status, type and/or node (to cancel one task, POST /api/tasks/{id}/cancel)", "status");
        }
        List<TaskStatus> statuses;
        if (status == null) {
            statuses = List.of(TaskStatus.PENDING, TaskStatus.RUNNING);
        } else if (status.equals("PENDING") || status.equals("RUNNING")) {
            statuses = List.of(TaskStatus.valueOf(status));
        } else {
            throw ApiException.badField("status must be PENDING or RUNNING (finished tasks cannot be cancelled), got \"" + status + "\"", "status");
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
            throw ApiException.badField(name + " must be a text", name);
        }
        return e.getAsString();
    }
}
