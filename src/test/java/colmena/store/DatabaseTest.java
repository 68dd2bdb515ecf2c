package colmena.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseTest {
    private static final Pattern INDEX = Pattern.compile("^CREATE INDEX (\\w+) ON TaskHistory \\(");

    @Test
    void theSchemaHasTheTaskHistoryTableThenItsIndexes() {
        List<String> batches = Database.schemaBatches();

        int table = -1;
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).startsWith("CREATE TABLE TaskHistory (")) {
                assertEquals(-1, table, "TaskHistory created twice");
                table = i;
            }
        }
        assertTrue(table >= 0, "no CREATE TABLE TaskHistory batch in " + batches);
        String create = batches.get(table);
        for (String column : List.of("ID", "TaskId", "NodeID", "TaskType", "Params", "Status", "Result", "Error",
                "Reason", "Moves", "Attempts", "SubmittedAt", "StartedAt", "FinishedAt", "DurationMs", "[Timestamp]")) {
            assertTrue(create.contains("\n    " + column + " "), "column " + column + " missing from\n" + create);
        }

        List<String> indexes = batches.subList(table + 1, batches.size()).stream()
                .map(INDEX::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
        assertEquals(List.of("IX_TaskHistory_Status", "IX_TaskHistory_NodeID", "IX_TaskHistory_TaskType"), indexes);
    }

    @Test
    void theAccessControlAndJobTablesAreInTheSchema() {
        List<String> tables = Database.schemaBatches().stream().filter(b -> b.startsWith("CREATE TABLE"))
                .map(b -> b.substring("CREATE TABLE ".length(), b.indexOf(' ', "CREATE TABLE ".length()))).toList();
        assertEquals(List.of("TaskHistory", "TaskCounts", "TaskCountsState", "Users", "ApiTokens", "ApiSecrets", "AuditLog", "TaskOutputs", "Jobs", "JobPhotos",
                "JobTasks", "Installation"), tables);
    }

    @Test
    void everyIndexBatchIsOneStatement() {
        List<String> indexBatches = Database.schemaBatches().stream()
                .filter(b -> b.toUpperCase(Locale.ROOT).startsWith("CREATE INDEX")).toList();
        assertEquals(5, indexBatches.size(), indexBatches.toString());
        for (String batch : indexBatches) {
            assertEquals(1, batch.lines().count(), "more than one line: " + batch);
        }
    }

    @Test
    void theBatchesCarryNoGoLinesNoCommentsAndNoTrailingSemicolon() {
        List<String> batches = Database.schemaBatches();
        assertFalse(batches.isEmpty());
        for (String batch : batches) {
            assertFalse(batch.isBlank(), "an empty batch");
            assertFalse(batch.endsWith(";"), "trailing semicolon: " + batch);
            for (String line : batch.lines().toList()) {
                assertFalse(line.strip().equalsIgnoreCase("GO"), "GO line in: " + batch);
                assertFalse(line.strip().startsWith("--"), "comment line in: " + batch);
                assertFalse(line.isBlank(), "blank line in: " + batch);
            }
        }
    }

    @Test
    void h2HandsOutRowIdsFromACacheOfAThousand(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS "
                     + "WHERE UPPER(TABLE_NAME) = 'TASKHISTORY' AND UPPER(COLUMN_NAME) = 'ID'")) {
            assertTrue(rs.next());
            assertEquals(1_000, rs.getLong(1), "IDENTITY cache; at H2's default of 32 every 32nd row stores the whole file");
        }
    }

    @Test
    void anH2DatabaseFromAnEarlierVersionLosesTheIndexNothingReads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE INDEX IX_TaskHistory_FinishedAt ON TaskHistory (FinishedAt)");
        }
        Database.open(Database.defaultUrl(dir), null, null);
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES "
                     + "WHERE UPPER(INDEX_NAME) = 'IX_TASKHISTORY_FINISHEDAT'")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getLong(1));
        }
    }
}
