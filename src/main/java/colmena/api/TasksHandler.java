package colmena.api;

import colmena.store.ConnectionPool;
import colmena.store.TaskHistoryStore;
import colmena.store.TaskPage;
import colmena.store.TaskQuery;
import colmena.store.TaskRecord;
import colmena.task.TaskStatus;
import com.sun.net.httpserver.HttpExchange;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /api/tasks}: TaskHistory newest first, with {@code limit}, paging by {@code before}
 * (the {@code nextCursor} of the previous page) or {@code offset}, and filters {@code node},
 * {@code status}, {@code type}. {@code GET /api/tasks/{id}}: one task.
 */
final class TasksHandler extends ApiHandler {
    private static final Set<String> PARAMS = Set.of("limit", "before", "offset", "node", "status", "type");
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final ConnectionPool db;
    private final TaskHistoryStore store;

    TasksHandler(ConnectionPool db, TaskHistoryStore store) {
        this.db = db;
        this.store = store;
    }

    @Override
    Object get(HttpExchange ex, String rest) throws Exception {
        if (!rest.isEmpty()) {
            if (!TASK_ID.matcher(rest).matches()) {
                throw ApiException.badRequest("invalid task id \"" + rest + "\"");
            }
            TaskRecord task = db.use(c -> store.get(c, rest));
            if (task == null) {
                throw ApiException.notFound("no task \"" + rest + "\"");
            }
            return task;
        }
        TaskQuery q = parse(Exchange.query(ex));
        TaskPage page = db.use(c -> store.list(c, q));
        return Map.of("tasks", page.tasks(), "total", page.total(), "limit", q.limit(),
                "nextCursor", page.nextCursor() == null ? "" : Long.toString(page.nextCursor()));
    }

    static TaskQuery parse(Map<String, String> p) {
        for (String k : p.keySet()) {
            if (!PARAMS.contains(k)) {
                throw ApiException.badRequest("unknown parameter \"" + k + "\"; known: limit, before, offset, node, status, type");
            }
        }
        int limit = (int) number(p, "limit", TaskQuery.DEFAULT_LIMIT, 1, TaskQuery.MAX_LIMIT);
        Long before = p.containsKey("before") && !p.get("before").isEmpty()
                ? number(p, "before", 0, 1, Long.MAX_VALUE) : null;
        int offset = (int) number(p, "offset", 0, 0, 10_000_000);
        if (before != null && offset > 0) {
            throw ApiException.badRequest("give before or offset, not both");
        }
        TaskStatus status = null;
        String s = blankToNull(p.get("status"));
        if (s != null) {
            try {
                status = TaskStatus.valueOf(s.toUpperCase());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("status must be one of " + Arrays.toString(TaskStatus.values())
                        + ", got \"" + s + "\"");
            }
        }
        return new TaskQuery(blankToNull(p.get("node")), status, blankToNull(p.get("type")), before, offset, limit);
    }

    private static long number(Map<String, String> p, String name, long fallback, long min, long max) {
        String v = p.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max + ", got \"" + v + "\"");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
