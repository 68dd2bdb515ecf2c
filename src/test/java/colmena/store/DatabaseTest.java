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
                "Reason", "Moves", "Attempts", "SubmittedAt", "StartedAt", "FinishedAt", "DurationMs", "[Timestamp]", "Priority", "Retries", "Failures")) {
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
    void anH2DatabaseFromBeforePrioritiesGainsTheThreeColumnsItsRowsReadingAsTheDefaults(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        olderTaskHistory(db, "Priority", "Retries", "Failures");
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("UPDATE TaskHistory SET Status = 'PENDING' WHERE TaskId = 'old-1'");
        }

        Database.open(Database.defaultUrl(dir), null, null);
        TaskHistoryStore store = new TaskHistoryStore();
        try (java.sql.Connection c = db.connect()) {
            TaskRecord old = store.get(c, "old-1");
            assertEquals(List.of(5, 0, 0), List.of(old.priority(), old.retries(), old.failures()),
                    "a row from before the columns: the defaults");
            store.recordSubmitted(c, List.of(colmena.task.TaskMessage.submit("new-9", "sleep", java.util.Map.of("ms", 5),
                    System.currentTimeMillis(), null).withPriority(9).withRetries(3)));
            TaskRecord fresh = store.get(c, "new-9");
            assertEquals(List.of(9, 3, 0), List.of(fresh.priority(), fresh.retries(), fresh.failures()));
            java.util.Map<String, List<Integer>> unfinished = new java.util.HashMap<>();
            for (TaskHistoryStore.Unfinished row : store.unfinishedRows(c, 0, 10, new long[1])) {
                colmena.task.TaskMessage t = row.task();
                unfinished.put(t.id(), List.of(t.priorityOrDefault(), t.retriesAsked(), t.failuresSoFar()));
            }
            assertEquals(java.util.Map.of("old-1", List.of(5, 0, 0), "new-9", List.of(9, 3, 0)), unfinished,
                    "what Redis gets back after it lost its data");
        }
    }

    @Test
    void anH2DatabaseOfTheVersionBeforeGainsRetriesAndFailuresKeepingItsPriorities(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        olderTaskHistory(db, "Retries", "Failures");
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("UPDATE TaskHistory SET Priority = 8 WHERE TaskId = 'old-1'");
        }

        Database.open(Database.defaultUrl(dir), null, null);
        try (java.sql.Connection c = db.connect()) {
            TaskRecord old = new TaskHistoryStore().get(c, "old-1");
            assertEquals(List.of(8, 0, 0), List.of(old.priority(), old.retries(), old.failures()));
        }
    }

    @Test
    void aProcessStartingWhileAnotherHoldsTaskHistoryWaitsToAddTheColumnInsteadOfFailing(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        olderTaskHistory(db);
        // Another process's open transaction on TaskHistory (as one adding the column would hold it for minutes).
        try (java.sql.Connection other = db.connect()) {
            other.setAutoCommit(false);
            try (java.sql.Statement s = other.createStatement()) {
                s.execute("UPDATE TaskHistory SET Attempts = 2 WHERE TaskId = 'old-1'");
            }
            String quickToGiveUp = Database.defaultUrl(dir).replace("LOCK_TIMEOUT=10000", "LOCK_TIMEOUT=300");
            assertTrue(quickToGiveUp.contains("LOCK_TIMEOUT=300"), quickToGiveUp);
            java.util.concurrent.CompletableFuture<Database> opening = opening(quickToGiveUp);
            Thread.sleep(1_500); // five lock timeouts
            assertFalse(opening.isDone(), "gave up while TaskHistory was held: " + (opening.isCompletedExceptionally()
                    ? opening.handle((d, e) -> e).join() : "opened without the column"));
            other.commit();
            opening.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        try (java.sql.Connection c = db.connect()) {
            assertEquals(5, new TaskHistoryStore().get(c, "old-1").priority());
        }
    }

    @Test
    void aProcessOpeningTheDatabaseWaitsForAnotherBringingItUpToDate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Database.open(Database.defaultUrl(dir), null, null);
        java.nio.file.Path lock = dir.resolve("colmena.upgrade.lock");
        assertTrue(java.nio.file.Files.exists(lock), "the turn is taken at " + lock);
        // As another process altering a table holds it: until it is done, the catalog may say a table is missing.
        try (java.nio.channels.FileChannel other = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = other.lock()) {
            java.util.concurrent.CompletableFuture<Database> opening = opening(Database.defaultUrl(dir));
            Thread.sleep(1_500);
            assertFalse(opening.isDone(), "opened while another process held the turn");
            held.release();
            opening.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessWaitingForItsTurnGoesOnWhenTheProcessItWaitedForDies(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Database.open(Database.defaultUrl(dir), null, null); // made, and closed again with this JVM's last connection
        Process holder = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldUpgradeTurnMain.class.getName(), Database.defaultUrl(dir))
                .redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            for (String line = out.readLine(); line == null || !line.startsWith("holding"); line = out.readLine()) {
                assertTrue(line != null, "the holder ended before it held the turn");
            }
            // This process reaches the database through the holder (H2's AUTO_SERVER), then waits for its turn.
            java.util.concurrent.CompletableFuture<Database> opening = opening(Database.defaultUrl(dir));
            Thread.sleep(1_500);
            assertFalse(opening.isDone(), "opened while another process held the turn");
            holder.destroyForcibly().waitFor(); // as a student closing the window mid-upgrade
            Database db = opening.get(60, java.util.concurrent.TimeUnit.SECONDS);
            try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM TaskHistory")) {
                assertTrue(rs.next());
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void processesOpeningAnOlderDatabaseAtOnceAddTheColumnInTurn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Database db = Database.open(Database.defaultUrl(dir), null, null);
        TaskHistoryStore store = new TaskHistoryStore();
        int rows = 150_000; // enough for H2's copy of the table to take a while
        try (DbSession session = new DbSession(db)) {
            for (int done = 0; done < rows; done += 1_000) {
                long now = System.currentTimeMillis();
                List<colmena.task.TaskResult> results = new java.util.ArrayList<>();
                for (int i = done; i < done + 1_000; i++) {
                    colmena.task.TaskMessage t = colmena.task.TaskMessage.submit("t-" + i, "sleep", java.util.Map.of("ms", 0),
                            now, null).placedOn("nodo1", "nodo1: 0 queued");
                    results.add(colmena.task.TaskResult.done(t, "nodo1", "0", now, now, 0));
                }
                session.inTransaction(c -> store.recordResults(c, results));
            }
        }
        olderTaskHistory(db);

        // As start-all starts the API and the coordinator: they open the file at the same moment.
        // Two processes (the lock file) and two threads of this one (the JVM's own lock).
        List<Process> processes = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OpenDatabaseMain.class.getName(), Database.defaultUrl(dir))
                    .redirectErrorStream(true).start());
        }
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        List<java.util.concurrent.CompletableFuture<Database>> opening = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            opening.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    together.await();
                    return Database.open(Database.defaultUrl(dir), null, null);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
        }
        for (java.util.concurrent.CompletableFuture<Database> f : opening) {
            f.get(120, java.util.concurrent.TimeUnit.SECONDS); // H2 failed one or more when they altered the table at once
        }
        for (Process p : processes) {
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
        }
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(Priority) FROM TaskHistory")) {
            assertTrue(rs.next());
            assertEquals(rows + 1, rs.getLong(1), "every row kept");
            assertEquals(0, rs.getLong(2), "rows written before the column have none");
        }
        try (java.sql.Connection c = db.connect()) {
            assertEquals(5, store.get(c, "t-7").priority());
        }
    }

    /** {@link Database#open} of {@code url}, on another thread. */
    private static java.util.concurrent.CompletableFuture<Database> opening(String url) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Database.open(url, null, null);
            } catch (java.sql.SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** TaskHistory as an earlier version made it, without Priority, Retries and Failures, with one DONE row. */
    private static void olderTaskHistory(Database db) throws java.sql.SQLException {
        olderTaskHistory(db, "Priority", "Retries", "Failures");
    }

    /** TaskHistory as an earlier version made it, without these columns, with one DONE row. */
    private static void olderTaskHistory(Database db, String... without) throws java.sql.SQLException {
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            for (String column : without) {
                s.execute("ALTER TABLE TaskHistory DROP COLUMN " + column);
            }
            s.execute("INSERT INTO TaskHistory (TaskId, NodeID, TaskType, Params, Status, Attempts, SubmittedAt, [Timestamp]) "
                    + "VALUES ('old-1', 'nodo1', 'sleep', '{\"ms\":5}', 'DONE', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
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
