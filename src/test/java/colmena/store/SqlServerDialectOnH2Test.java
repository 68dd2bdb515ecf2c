package colmena.store;

import colmena.bench.BenchSql;
import colmena.task.TaskMessage;
import colmena.task.TaskResult;
import colmena.task.TaskStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQL Server's statements, run on H2 in its MSSQLServer mode with the real schema (no SQL Server
 * can run here). H2 lacks a few SQL Server built-ins; the test gives it stand-ins: the aggregate
 * {@code COUNT_BIG}, the function {@code DB_NAME()} and the catalog views {@code sys.databases},
 * {@code sys.tables}, {@code sys.indexes} and {@code sys.dm_db_partition_stats}, with the columns
 * the statements read.
 */
class SqlServerDialectOnH2Test {
    @TempDir
    static Path dir;
    static Database db;

    @BeforeAll
    static void openWithStandIns() throws SQLException {
        db = Database.open(Database.defaultUrl(dir), null, null);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE AGGREGATE COUNT_BIG FOR '" + CountBig.class.getName() + "'");
            s.execute("CREATE ALIAS DB_NAME FOR '" + Functions.class.getName() + ".dbName'");
            s.execute("CREATE SCHEMA sys");
            s.execute("CREATE TABLE sys.databases (name NVARCHAR(128), is_read_committed_snapshot_on BIT)");
            s.execute("CREATE TABLE sys.tables (name NVARCHAR(128), object_id INT)");
            s.execute("CREATE TABLE sys.indexes (name NVARCHAR(128), object_id INT)");
            s.execute("CREATE TABLE sys.dm_db_partition_stats (object_id INT, used_page_count BIGINT)");
            s.execute("INSERT INTO sys.tables VALUES ('TaskHistory', 7)");
            s.execute("INSERT INTO sys.dm_db_partition_stats VALUES (7, 3), (7, 2)");
        }
    }

    /** SQL Server's DB_NAME() for H2: the database the statements run in. */
    public static final class Functions {
        public static String dbName() {
            return "DistributedSystem";
        }
    }

    /** SQL Server's COUNT_BIG for H2: counts the non-null values, as a BIGINT. */
    public static final class CountBig implements org.h2.api.AggregateFunction {
        private long n;

        @Override
        public int getType(int[] inputTypes) {
            return java.sql.Types.BIGINT;
        }

        @Override
        public void add(Object value) {
            if (value != null) {
                n++;
            }
        }

        @Override
        public Object getResult() {
            return n;
        }
    }

    @Test
    void everyStatementOfTheSqlServerDialectIsAcceptedByH2() throws Exception {
        SqlDialect sql = SqlServerDialect.INSTANCE;
        List<String> statements = new ArrayList<>();
        for (Method m : SqlServerDialect.class.getMethods()) {
            if (m.getReturnType() != String.class || Modifier.isStatic(m.getModifiers()) || m.getName().equals("name")
                    || m.getName().equals("toString")) {
                continue;
            }
            Class<?>[] p = m.getParameterTypes();
            if (p.length == 0) {
                statements.add((String) m.invoke(sql));
            } else if (p.length == 1 && p[0] == int.class) {
                statements.add((String) m.invoke(sql, 3));
            }
        }
        // The benchmarks' own statements (src/bench, out of the product's dialects), in their SQL Server form.
        BenchSql bench = BenchSql.of(sql);
        for (BenchSql.Rows rows : BenchSql.Rows.values()) {
            statements.add(bench.countRows(rows));
            statements.add(bench.countRowsSubmittedSince(rows));
        }
        statements.addAll(List.of(bench.countDistinctTaskIds(), bench.countDoneAmong(3), bench.lastFinishedSince(),
                bench.doneTimesSince(), bench.insertFinishedTask()));
        List<Object> args = new ArrayList<>();
        TaskQuery all = new TaskQuery("nodo1", TaskStatus.DONE, "fib", 99L, 0, 10);
        statements.add(sql.countTasks(all, args));
        statements.add(sql.pageTasks(all, 11, args));
        statements.add(sql.dropIndex("IX_TaskHistory_Status", "TaskHistory")); // prepared, not run
        statements.removeIf(java.util.Objects::isNull);
        assertTrue(statements.size() > 60, "found only " + statements.size() + " statements");
        List<String> refused = new ArrayList<>();
        try (Connection c = db.connect()) {
            for (String s : statements) {
                try (PreparedStatement ps = c.prepareStatement(s)) {
                    assertNotNull(ps);
                } catch (SQLException e) {
                    refused.add(s + " -> " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
        assertEquals(List.of(), refused);
    }

    @Test
    void taskHistoryWorksThroughTheSqlServerStatements() throws SQLException {
        TaskHistoryStore store = new TaskHistoryStore(() -> 1_700_000_000_000L, SqlServerDialect.INSTANCE);
        TaskMessage a = TaskMessage.submit("mssql-a", "fib", Map.of("n", 5), 1_700_000_000_000L, null).placedOn("nodo1", "least loaded");
        TaskMessage b = TaskMessage.submit("mssql-b", "fib", Map.of("n", 6), 1_700_000_000_000L, null).placedOn("nodo2", "least loaded");
        try (Connection c = db.connect()) {
            store.recordPlaced(c, List.of(a, b));
            store.recordResults(c, List.of(TaskResult.running(b, "nodo2", 1_700_000_000_100L),
                    TaskResult.done(a, "nodo1", "5", 1_700_000_000_100L, 1_700_000_000_300L, 200)));
            assertEquals(TaskStatus.DONE, store.get(c, "mssql-a").status());
            assertEquals("5", store.get(c, "mssql-a").result());
            assertEquals(java.time.Instant.ofEpochMilli(1_700_000_000_300L), store.get(c, "mssql-a").finishedAt());
            assertEquals(1L, store.countByStatus(c).get(TaskStatus.RUNNING));
            assertEquals(Map.of("DONE", 1L, "RUNNING", 1L), store.countByTypeAndStatus(c).get("fib"));
            TaskQuery done = new TaskQuery(null, TaskStatus.DONE, "fib", null, 0, 10);
            TaskPage page = store.page(c, done, store.count(c, done));
            assertEquals(1, page.total());
            assertEquals("mssql-a", page.tasks().get(0).id());
            List<TaskHistoryStore.Unfinished> open = store.unfinishedRows(c, 0, 10, new long[1]);
            assertEquals(List.of("mssql-b"), open.stream().map(row -> row.task().id()).toList());
            assertEquals(TaskStatus.RUNNING, store.states(c, List.of("mssql-b", "none")).get("mssql-b").status());
        }
    }

    @Test
    void readCommittedSnapshotIsCheckedAtStart() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM sys.databases");
            s.execute("INSERT INTO sys.databases VALUES ('DistributedSystem', 0), ('other', 1)");
            assertFalse(db.warnWithoutSnapshotReads(c, SqlServerDialect.INSTANCE), "off, yet taken as on");
            s.execute("UPDATE sys.databases SET is_read_committed_snapshot_on = 1 WHERE name = 'DistributedSystem'");
            assertTrue(db.warnWithoutSnapshotReads(c, SqlServerDialect.INSTANCE));
        }
    }

    @Test
    void historyBytesAreReadFromThePartitionStats() throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(SqlServerDialect.INSTANCE.historyBytes());
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(5 * 8192L, rs.getLong(1));
        }
    }

    @Test
    void anIndexOfAnOlderSchemaIsFoundAndDroppedWithTheSqlServerStatements() throws SQLException {
        SqlServerDialect sql = SqlServerDialect.INSTANCE;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX IX_Old ON TaskHistory (FinishedAt)");
            s.execute("INSERT INTO sys.indexes VALUES ('IX_Old', 7)");
            try (PreparedStatement ps = c.prepareStatement(sql.indexExists())) {
                ps.setString(1, "IX_Old");
                ps.setString(2, "TaskHistory");
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(1, rs.getLong(1));
                }
            }
            s.execute(sql.dropIndex("IX_Old", "TaskHistory"));
            try (ResultSet rs = s.executeQuery(H2Dialect.INSTANCE.indexExists().replace("?", "'IX_Old'"))) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the index is still there");
            }
        }
    }

    @Test
    void columnsAreAddedWithTheSqlServerStatements() throws SQLException {
        List<String> statements = SqlServerDialect.INSTANCE.addColumns("Later",
                List.of(new String[] {"Retries", "TINYINT NULL"}, new String[] {"Failures", "TINYINT NULL"}));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE Later (ID INT NOT NULL)");
            s.execute("INSERT INTO Later VALUES (1)");
            for (String statement : statements) {
                s.execute(statement);
            }
            try (ResultSet rs = s.executeQuery("SELECT ID, Retries, Failures FROM Later")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertNull(rs.getObject(2));
                assertNull(rs.getObject(3));
            }
            s.execute("DROP TABLE Later");
        }
    }

    @Test
    void sqlServerUrlsGetTypesAndTimeoutsUnlessTheySetThemThemselves() {
        String url = SqlServerDialect.withDefaults("jdbc:sqlserver://pc;databaseName=DistributedSystem;lockTimeout=500;");
        assertTrue(url.startsWith("jdbc:sqlserver://pc;databaseName=DistributedSystem;lockTimeout=500;"), url);
        assertFalse(url.contains("sendStringParametersAsUnicode"), "NVARCHAR text would lose what the code page lacks: " + url);
        assertTrue(url.contains(";loginTimeout="), url);
        assertTrue(url.contains(";socketTimeout="), url);
        assertFalse(url.contains("lockTimeout=10000"), "the URL's own lockTimeout is kept: " + url);
        assertFalse(url.contains(";;"), url);
        String own = SqlServerDialect.withDefaults("jdbc:sqlserver://pc;SocketTimeout=5");
        assertFalse(own.contains("socketTimeout=60000"), own);
        assertNull(SqlServerDialect.INSTANCE.checkpoint(), "SQL Server commits are durable: nothing to checkpoint");
    }

    @Test
    void sqlServerComparesKeyColumnsWithTypedParametersSoItsIndexesAreSought() {
        assertTrue(SqlServerDialect.INSTANCE.taskById().endsWith("WHERE TaskId = CAST(? AS VARCHAR(64))"),
                SqlServerDialect.INSTANCE.taskById());
        assertTrue(SqlServerDialect.INSTANCE.existingTaskIds(2).endsWith("IN (CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(64)))"),
                SqlServerDialect.INSTANCE.existingTaskIds(2));
        assertTrue(H2Dialect.INSTANCE.taskById().endsWith("WHERE TaskId = ?"), H2Dialect.INSTANCE.taskById());
    }

    @Test
    void taskAndNodeIdsCompareExactlyOnSqlServerAndH2TakesTheSameSchemaWithoutCollations() {
        String create = Database.schemaBatches().stream().filter(b -> b.startsWith("CREATE TABLE TaskHistory")).findFirst().orElseThrow();
        assertTrue(create.contains("TaskId       VARCHAR(64)    COLLATE Latin1_General_BIN2 NOT NULL"), create);
        assertTrue(create.contains("NodeID       NVARCHAR(64)   COLLATE Latin1_General_BIN2 NULL"), create);
        assertEquals(create, SqlServerDialect.INSTANCE.schemaBatch(create));
        assertFalse(H2Dialect.INSTANCE.schemaBatch(create).contains("COLLATE"));
        for (String b : Database.schemaBatches()) {
            if (b.contains("TaskId") && b.startsWith("CREATE TABLE")) {
                assertTrue(b.contains("TaskId") && java.util.regex.Pattern.compile("TaskId\\s+VARCHAR\\(64\\)\\s+COLLATE Latin1_General_BIN2")
                        .matcher(b).find(), "a TaskId column joined with TaskHistory's must share its collation: " + b);
            }
        }
    }
}
