package colmena.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every SQL statement lives in a dialect class: anywhere else in the main code, a string that
 * reads as SQL, or a string handed straight to a JDBC call, fails this test. The benchmarks
 * (src/bench) are held to the same rule with one SQL class of their own, {@code BenchSql}: their
 * statements (rows they make up and count back) are never sent by the product, so they are not
 * the product's dialects' to carry; BenchSql writes them for the product's dialect, as the
 * dialects do.
 */
class SqlOnlyInDialectsTest {
    private static final Set<String> DIALECTS = Set.of("SqlDialect.java", "TaskHistorySql.java", "AccountAndJobSql.java",
            "H2Dialect.java", "SqlServerDialect.java");
    private static final Pattern LITERAL = Pattern.compile("\"\"\"(?s:.*?)\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    /** A string that starts like a statement, or holds the clause words only SQL uses (upper case, as Colmena writes SQL). */
    private static final Pattern SQL_TEXT = Pattern.compile("^\"\\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP"
            + "|TRUNCATE|CHECKPOINT|EXEC|EXECUTE|SET|WITH|USE|GRANT|BACKUP|SHUTDOWN|SCRIPT|DECLARE|IF)\\s|^\"(CHECKPOINT|SHUTDOWN)\"$"
            + "|\\b(FROM|INTO|WHERE|VALUES|ORDER BY|GROUP BY|JOIN) +[\\[\\w(?]");
    /** A JDBC call that takes SQL text; {@code execute} is left to {@link #SQL_TEXT} (executors have one too). */
    private static final Pattern JDBC_CALL = Pattern.compile(
            "\\.(prepareStatement|prepareCall|executeQuery|executeUpdate|executeLargeUpdate|addBatch|nativeSQL|execute)\\(([^;]*)");

    @Test
    void noStatementIsWrittenOutsideTheDialectClasses() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (!DIALECTS.contains(f.getFileName().toString())) {
                    found.addAll(violations(f.toString(), Files.readString(f)));
                }
            }
        }
        assertEquals(List.of(), found, "SQL outside SqlDialect, H2Dialect and SqlServerDialect; move it into a dialect");
    }

    /** The benchmarks' one SQL class; the name of a product dialect is no pass there. */
    private static final Path BENCH_SQL = Path.of("src/bench/java/colmena/bench/BenchSql.java");

    @Test
    void noStatementIsWrittenInTheBenchmarksOutsideTheirSqlClass() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/bench/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (!f.equals(BENCH_SQL)) {
                    found.addAll(violations(f.toString(), Files.readString(f)));
                }
            }
        }
        assertEquals(List.of(), found, "SQL in the benchmarks outside BenchSql; move it into BenchSql");
        assertTrue(!violations("BenchSql.java", Files.readString(BENCH_SQL)).isEmpty(), "BenchSql holds the benchmarks' statements");
    }

    @Test
    void theCheckFindsAStatementWrittenInline() {
        List<String> found = violations("Example.java", """
                class Example {
                    void run(java.sql.Connection c) throws Exception {
                        c.prepareStatement("SELECT Secret FROM ApiSecrets");
                        c.createStatement().executeUpdate(TABLE + " SET x = 1");
                        String q = "DELETE " + "FROM TaskHistory WHERE ID < ?";
                        log("Could not read the history");
                        executor.execute(() -> work());
                        c.prepareStatement(sql.account());
                    }
                }
                """);
        assertEquals(3, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("Example.java:3"), found.toString());
        assertTrue(found.get(1).startsWith("Example.java:4"), found.toString());
        assertTrue(found.get(2).startsWith("Example.java:5"), found.toString());
    }

    @Test
    void theDialectsThemselvesHoldStatements() throws IOException {
        String base = Files.readString(Path.of("src/main/java/colmena/store/SqlDialect.java"));
        assertTrue(!violations("SqlDialect.java", base).isEmpty(), "the check would not notice SQL at all");
    }

    static List<String> violations(String file, String source) {
        List<String> out = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().startsWith("*") || line.strip().startsWith("//")) {
                continue; // Javadoc and comments may name statements
            }
            Matcher lit = LITERAL.matcher(line);
            boolean flagged = false;
            while (lit.find() && !flagged) {
                if (SQL_TEXT.matcher(lit.group()).find()) {
                    out.add(file + ":" + (i + 1) + ": " + line.strip());
                    flagged = true;
                }
            }
            Matcher call = JDBC_CALL.matcher(line);
            if (!flagged && call.find() && !call.group(1).equals("execute") && call.group(2).contains("\"")) {
                out.add(file + ":" + (i + 1) + ": " + line.strip());
            }
        }
        return out;
    }
}
