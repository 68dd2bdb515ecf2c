package colmena.api;

import colmena.TestDatabase;
import colmena.TestRedis;
import colmena.broker.Redis;
import colmena.store.Database;
import colmena.store.DbSession;
import colmena.store.TaskHistoryStore;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV export reads the history a page at a time: every row once, newest first, filters and limit kept across pages. */
class CsvExportPagingTest {
    private static final int ROWS = 2_345; // more than two pages of TaskCsvApi.CSV_PAGE_ROWS
    private static Redis redis;
    private static ApiServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.fresh();
        Database db = TestDatabase.fresh();
        List<TaskMessage> placed = new ArrayList<>();
        List<TaskResult> done = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < ROWS; i++) {
            TaskMessage t = TaskMessage.submit(String.format("csv-%05d", i), "fib", Map.of("n", i), now, null)
                    .placedOn(i % 3 == 0 ? "nodo1" : "nodo2", "test");
            placed.add(t);
            done.add(TaskResult.done(t, t.node(), Integer.toString(i), now, now + 1, 1));
        }
        try (DbSession s = new DbSession(db)) {
            s.inTransaction(c -> {
                TaskHistoryStore store = new TaskHistoryStore();
                store.recordPlaced(c, placed);
                store.recordResults(c, done);
                return null;
            });
        }
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0), redis, db);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        redis.close();
    }

    private static List<String[]> rows(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> lines = r.body().lines().toList();
        assertTrue(lines.get(0).startsWith("ID,TaskId,"), lines.get(0));
        return lines.stream().skip(1).map(l -> l.split(",")).toList();
    }

    private static void assertNewestFirstEachOnce(List<String[]> rows) {
        Set<String> ids = new HashSet<>();
        long previous = Long.MAX_VALUE;
        for (String[] row : rows) {
            long id = Long.parseLong(row[0]);
            assertTrue(id < previous, "row ids not strictly newest first at " + id);
            previous = id;
            assertTrue(ids.add(row[1]), "task " + row[1] + " exported twice");
        }
    }

    @Test
    void theWholeHistoryComesOutOnceNewestFirst() throws Exception {
        List<String[]> rows = rows("/api/tasks.csv");
        assertEquals(ROWS, rows.size());
        assertNewestFirstEachOnce(rows);
        assertEquals("\"csv-02344\"", rows.get(0)[1]);
        assertEquals("\"csv-00000\"", rows.get(ROWS - 1)[1]);
    }

    @Test
    void aFilterAndALimitHoldAcrossPages() throws Exception {
        List<String[]> rows = rows("/api/tasks.csv?node=nodo2&limit=1500");
        assertEquals(1_500, rows.size());
        assertNewestFirstEachOnce(rows);
        assertTrue(rows.stream().allMatch(r -> r[2].equals("\"nodo2\"")), "only nodo2's rows");
        List<String[]> nodo1 = rows("/api/tasks.csv?node=nodo1");
        assertEquals((ROWS + 2) / 3, nodo1.size(), "every third task ran on nodo1");
        assertNewestFirstEachOnce(nodo1);
    }
}
