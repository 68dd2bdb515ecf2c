package colmena.api;

import colmena.TestHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV export as Spanish Excel wants it: a BOM, ';' between cells, local times, a dated file name. */
class CsvForSpreadsheetsTest {
    @RegisterExtension
    static final LocalApi api = new LocalApi();
    private static final TestHttp http = api.http();

    @BeforeAll
    static void start() throws Exception {
        HttpResponse<String> submitted = http.post("/api/tasks", "{\"type\":\"sleep\",\"params\":{\"ms\":1},\"count\":2}");
        assertEquals(202, submitted.statusCode(), submitted.body());
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(http.builder(path).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void forSpanishExcelTheFileHasABomSemicolonsLocalTimesAndTheDayInItsName() throws Exception {
        HttpResponse<byte[]> r = get("/api/tasks.csv?sep=semicolon&bom=1&tz=Europe/Madrid");
        assertEquals(200, r.statusCode());
        byte[] body = r.body();
        assertTrue(body.length > 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF,
                "starts with the UTF-8 BOM");
        List<String> lines = new String(Arrays.copyOfRange(body, 3, body.length), StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("ID;TaskId;NodeID;TaskType;"), lines.get(0));
        String[] row = lines.get(1).split(";");
        assertEquals(19, row.length, lines.get(1));
        assertEquals(List.of("5", "0", "0"), List.of(row[16], row[17], row[18]),
                "the priority, retries and failures, last: " + lines.get(1));
        assertTrue(row[11].matches("\"\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\""), "local submitted time: " + row[11]);
        String today = LocalDate.now(ZoneId.of("Europe/Madrid")).toString();
        assertTrue(r.headers().firstValue("Content-Disposition").orElse("").contains("colmena-tasks-" + today + ".csv"),
                r.headers().firstValue("Content-Disposition").orElse(""));
    }

    @Test
    void byDefaultTheFileIsAsBeforeCommasAndInstants() throws Exception {
        String body = new String(get("/api/tasks.csv").body(), StandardCharsets.UTF_8);
        assertTrue(body.startsWith("ID,TaskId,NodeID"), body);
        assertTrue(body.lines().skip(1).findFirst().orElse("").matches(".*\"\\d{4}-\\d{2}-\\d{2}T[^\"]*Z\".*"), body);
    }

    @Test
    void aBadSeparatorOrZoneIsRefusedSayingWhat() throws Exception {
        HttpResponse<byte[]> sep = get("/api/tasks.csv?sep=tab");
        assertEquals(400, sep.statusCode());
        assertTrue(new String(sep.body(), StandardCharsets.UTF_8).contains("sep must be comma or semicolon"));
        HttpResponse<byte[]> tz = get("/api/tasks.csv?tz=Mars/Olympus");
        assertEquals(400, tz.statusCode());
        assertTrue(new String(tz.body(), StandardCharsets.UTF_8).contains("tz must be a time zone"));
        assertEquals(400, get("/api/tasks.csv?bom=2").statusCode());
    }
}
