package colmena.api;

import colmena.store.ConnectionPool;
import colmena.store.HistoryCsv;
import colmena.store.TaskHistoryStore;
import colmena.store.TaskQuery;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;

/** {@code GET /api/tasks.csv}: TaskHistory, filtered as the task list is, for a spreadsheet. */
final class TaskCsvApi {
    static final int MAX_CSV_ROWS = 1_000_000;
    private static final Set<String> CSV_QUERY = Set.of("limit", "node", "status", "type", "sep", "bom", "tz");

    private final ConnectionPool db;
    private final TaskHistoryStore store;
    private final AuditTrail audit;

    TaskCsvApi(ConnectionPool db, TaskHistoryStore store, AuditTrail audit) {
        this.db = db;
        this.store = store;
        this.audit = audit;
    }

    /** {@code GET /api/tasks.csv}: the filtered history for a spreadsheet, streamed. */
    Object csv(Request r) throws Exception {
        TaskQuery q = TasksApi.query(r.query(), CSV_QUERY, MAX_CSV_ROWS, MAX_CSV_ROWS);
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
            String sep = TasksApi.blankToNull(p.get("sep"));
            char separator = sep == null || sep.equals("comma") ? ',' : sep.equals("semicolon") ? ';' : 0;
            if (separator == 0) {
                throw ApiException.badRequest("sep must be comma or semicolon, got \"" + sep + "\"");
            }
            boolean bom = Request.wholeNumber(p, "bom", 0, 0, 1) == 1;
            ZoneId zone = null;
            String tz = TasksApi.blankToNull(p.get("tz"));
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
}
