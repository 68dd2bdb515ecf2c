package colmena.api;

import colmena.broker.Json;
import colmena.broker.TaskQueue;
import colmena.store.ConnectionPool;
import colmena.store.TaskHistoryStore;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cancel requests as the API makes them, for a task, a filtered set or a job: only tasks whose
 * row is not final are asked for (a finished task cannot be cancelled), each request saying who
 * asked and when, and the coordinator carries them out (see {@code Canceller}).
 */
final class Cancels {
    /** The most tasks one request may cancel. */
    static final int MAX = 10_000;

    private final ConnectionPool db;
    private final TaskHistoryStore store;
    private final TaskQueue queue;

    Cancels(ConnectionPool db, TaskHistoryStore store, TaskQueue queue) {
        this.db = db;
        this.store = store;
        this.queue = queue;
    }

    /** What became of the ids asked for: cancelling (not final), already final, unknown. */
    record Outcome(List<String> cancelling, Map<String, String> finished, List<String> unknown) {
    }

    Outcome request(Request r, List<String> ids) throws SQLException {
        Map<String, TaskHistoryStore.TaskState> rows = db.use(c -> store.states(c, ids));
        List<String> cancelling = new ArrayList<>();
        Map<String, String> finished = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : ids) {
            TaskHistoryStore.TaskState row = rows.get(id);
            if (row == null) {
                unknown.add(id);
            } else if (row.status().isFinal()) {
                finished.put(id, row.status().name());
            } else {
                cancelling.add(id);
            }
        }
        String by = r.principal() == null ? "anonymous (--no-auth)" : r.principal().user();
        String request = Json.write(Map.of("by", by, "atMs", queue.now()));
        Map<String, String> requests = new LinkedHashMap<>();
        for (String id : cancelling) {
            requests.put(id, request);
        }
        queue.requestCancel(requests);
        return new Outcome(cancelling, finished, unknown);
    }
}
