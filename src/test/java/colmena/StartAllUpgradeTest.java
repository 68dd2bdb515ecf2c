package colmena;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How start-all tells that the API or the coordinator is bringing TaskHistory up to date (H2
 * copies the table to add columns, and a first count reads it whole: minutes for millions of
 * rows), so that the time it takes counts towards no limit: the very text of start-all.sh's
 * {@code upgrading_database} run by bash, and of start-all.bat's {@code :upgrading_database} run by
 * wine's cmd.exe, against the log lines the database writes ({@code colmena.store.Schema}): it is
 * at it while a log has more "Adding column" and "Counting TaskHistory by node" lines than lines
 * that end one, as when a process failed once, was started again and is adding them now.
 */
class StartAllUpgradeTest {
    private static final String ADDING = "21:29:47.102 INFO colmena.store.Database - Adding columns TaskHistory.Retries, "
            + "TaskHistory.Failures to a database made by an earlier version (once; H2 copies the table to do it, which "
            + "takes a while for a large history)";
    private static final String ADDED = "21:30:21.480 INFO colmena.store.Database - Added columns TaskHistory.Retries, "
            + "TaskHistory.Failures to a database made by an earlier version in 34 s";
    private static final String FAILED = "21:29:57.102 WARN colmena.store.Database - Could not add column "
            + "TaskHistory.Priority (Timeout trying to lock table \"TaskHistory\"; SQL statement: ...)";
    private static final String COUNTING = "21:29:47.300 INFO colmena.store.Database - Counting TaskHistory by node, type "
            + "and status, once, for the task list's totals (a database from before TaskCounts, or whose first count was "
            + "cut short; a large history takes a while)";
    private static final String COUNTED = "21:30:40.012 INFO colmena.store.Database - Counted 2500000 rows of TaskHistory "
            + "in 52 s";
    private static final String COUNTED_ELSEWHERE = "21:30:40.012 INFO colmena.store.Database - Another process counted "
            + "TaskHistory at the same time (Violation of PRIMARY KEY constraint)";
    private static final String NOT_COUNTED = "21:30:40.012 WARN colmena.store.Database - Could not count TaskHistory for "
            + "the task list's totals (Timeout trying to lock table); the next process to open the database tries again, "
            + "or run `colmena admin recount`";
    private static final String OTHER = "21:29:46.900 INFO colmena.api.ApiServer - Opening the database";

    @TempDir
    Path dir;

    /** The cases, each the API's then the coordinator's log (null: no log yet), and whether it is upgrading. */
    private static final List<Case> CASES = List.of(
            new Case(null, null, false),
            new Case(OTHER, OTHER, false),
            new Case(OTHER + "\n" + ADDING, null, true),
            new Case(OTHER, ADDING, true),
            new Case(ADDING + "\n" + ADDED + "\n" + OTHER, OTHER, false),
            new Case(ADDING + "\n" + ADDED, ADDING, true),
            new Case(ADDING + "\n" + FAILED + "\n" + ADDING + "\n" + ADDED, OTHER, false),
            new Case(ADDING + "\n" + FAILED + "\n" + ADDING, null, true),
            new Case(OTHER, COUNTING, true),
            new Case(COUNTING + "\n" + COUNTED, OTHER, false),
            new Case(COUNTING + "\n" + COUNTED + "\n" + ADDING, null, true),
            new Case(COUNTING + "\n" + NOT_COUNTED, null, false),
            new Case(OTHER, COUNTING + "\n" + COUNTED_ELSEWHERE, false));

    record Case(String api, String coordinator, boolean upgrading) {
    }

    @Test
    void startAllShWaitsWhileALogSaysAColumnIsBeingAdded() throws Exception {
        String script = Files.readString(Path.of("start-all.sh"), StandardCharsets.UTF_8);
        int from = script.indexOf("\nupgrading_database() {\n") + 1;
        int to = script.indexOf("\n}\n", from) + 3;
        assertTrue(from > 0 && to > from, "start-all.sh has no upgrading_database function");
        for (Case c : CASES) {
            Path logs = logs(c);
            Process p = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + script.substring(from, to)
                    + "LOG_DIR=\"$1\"; if upgrading_database; then echo yes; else echo no; fi", "bash", logs.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(c.upgrading() ? "yes" : "no", out, c.toString());
        }
    }

    @Test
    void startAllBatWaitsWhileALogSaysAColumnIsBeingAdded() throws Exception {
        assumeTrue(WineCmd.available(), "wine is not on the PATH (apt-get install wine wine64; .ci/run installs it)");
        String bat = Files.readString(Path.of("start-all.bat"), StandardCharsets.UTF_8).replace("\r\n", "\n");
        int from = bat.indexOf("\n:upgrading_database\n") + 1;
        int part = bat.indexOf("\n:upgrading_part\n", from);
        int last = bat.indexOf("\nif %UPGRADE_ADDING% GTR %UPGRADE_ENDED%", part);
        int to = bat.indexOf("exit /b 1\n", last) + "exit /b 1\n".length(); // the end of :upgrading_part
        assertTrue(from > 0 && part > from && last > part && to > last, "start-all.bat has no :upgrading_database subroutine");
        StringBuilder driver = new StringBuilder("@echo off\n");
        for (int i = 0; i < CASES.size(); i++) {
            logs(CASES.get(i), dir.resolve("case" + i));
            driver.append("set \"LOGS=case").append(i).append("\"\ncall :upgrading_database\n")
                    .append("if errorlevel 1 (echo case").append(i).append("=no) else echo case").append(i).append("=yes\n");
        }
        driver.append("exit /b 0\n\n").append(bat, from, to);
        String out = WineCmd.run(dir, driver.toString());
        for (int i = 0; i < CASES.size(); i++) {
            assertTrue(out.contains("case" + i + "=" + (CASES.get(i).upgrading() ? "yes" : "no")), CASES.get(i) + "\n" + out);
        }
    }

    private Path logs(Case c) throws Exception {
        return logs(c, Files.createTempDirectory(dir, "logs"));
    }

    private static Path logs(Case c, Path logs) throws Exception {
        Files.createDirectories(logs);
        if (c.api() != null) {
            Files.writeString(logs.resolve("api.log"), c.api().replace("\n", System.lineSeparator()) + System.lineSeparator());
        }
        if (c.coordinator() != null) {
            Files.writeString(logs.resolve("coordinator.log"), c.coordinator() + "\n");
        }
        return logs;
    }
}
