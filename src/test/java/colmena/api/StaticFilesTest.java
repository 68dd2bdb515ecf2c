package colmena.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StaticFilesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "index.html      | text/html; charset=utf-8",
            "INDEX.HTML      | text/html; charset=utf-8",
            "app.js          | text/javascript; charset=utf-8",
            "lib/chart.js    | text/javascript; charset=utf-8",
            "style.css       | text/css; charset=utf-8",
            "logo.svg        | image/svg+xml",
            "shot.png        | image/png",
            "favicon.ico     | image/x-icon",
            "data.json       | application/json; charset=utf-8",
            "notes.txt       | text/plain; charset=utf-8",
            "app.min.js      | text/javascript; charset=utf-8",
            "archive.tar.gz  | application/octet-stream",
            "README          | application/octet-stream",
            "file.           | application/octet-stream",
            "page.htm        | application/octet-stream",
            "v1.2/readme     | application/octet-stream"})
    void aFileIsServedWithTheTypeOfItsExtension(String name, String type) {
        assertEquals(type, StaticFiles.contentType(name));
    }
}
