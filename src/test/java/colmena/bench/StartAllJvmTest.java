package colmena.bench;

import colmena.WineCmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The benchmarks start each part with the options start-all gives it, on Linux and on Windows. */
class StartAllJvmTest {
    @Test
    void startAllShGivesEachPartTheOptionsTheBenchmarksUse() throws Exception {
        String sh = Files.readString(Path.of("start-all.sh"));
        assertContains(sh, "AGENT_JAVA=${COLMENA_AGENT_JAVA_OPTS:-\"" + StartAllJvm.AGENT + "\"}");
        assertContains(sh, "SERVICE_JAVA=${COLMENA_JAVA_OPTS:-\"" + StartAllJvm.API + "\"}");
        assertContains(sh, "COORDINATOR_JAVA=${COLMENA_COORDINATOR_JAVA_OPTS:-${COLMENA_JAVA_OPTS:-\""
                + StartAllJvm.COORDINATOR + "\"}}");
        assertContains(sh, "launch api \"$SERVICE_JAVA $CDS\" api");
        assertContains(sh, "launch coordinator \"$COORDINATOR_JAVA $CDS\" coordinator");
        assertContains(sh, "launch \"$a\" \"$AGENT_JAVA $CDS\" agent");
    }

    @Test
    void startAllBatGivesEachPartTheOptionsTheBenchmarksUse() throws Exception {
        String bat = Files.readString(Path.of("start-all.bat"));
        assertContains(bat, "set \"AGENT_JAVA=" + StartAllJvm.AGENT + " %UTF8%\"");
        assertContains(bat, "set \"SERVICE_JAVA=" + StartAllJvm.API + " %UTF8%\"");
        assertContains(bat, "set \"COORDINATOR_JAVA=" + StartAllJvm.COORDINATOR + " %UTF8%\"");
        assertContains(bat, "call :launch api \"%SERVICE_JAVA%\" api");
        assertContains(bat, "call :launch coordinator \"%COORDINATOR_JAVA%\" coordinator");
        assertContains(bat, "call :launch %%a \"%AGENT_JAVA%\" agent");
        assertContains(bat, "set \"COORDINATOR_JAVA=%COORDINATOR_JAVA% %CDS%\"");
    }

    /**
     * start-all.bat's options, its very text run by wine's cmd.exe: the defaults, then
     * COLMENA_JAVA_OPTS for the API and the coordinator, then the coordinator's and the agents' own.
     */
    @Test
    void startAllBatReadsTheSameVariablesAsStartAllSh(@TempDir Path dir) throws Exception {
        assumeTrue(WineCmd.available(), "wine is not on the PATH (apt-get install wine wine64; .ci/run installs it)");
        String bat = Files.readString(Path.of("start-all.bat")).replace("\r\n", "\n");
        int from = bat.indexOf("set \"UTF8=");
        String last = "if defined COLMENA_AGENT_JAVA_OPTS";
        int to = bat.indexOf('\n', bat.indexOf(last)) + 1;
        assertTrue(from > 0 && to > from, "start-all.bat sets no Java options");
        String options = bat.substring(from, to);
        String show = "echo API=[%SERVICE_JAVA%]\necho COORDINATOR=[%COORDINATOR_JAVA%]\necho AGENT=[%AGENT_JAVA%]\n";
        String out = WineCmd.run(dir, "@echo off\n"
                + "setlocal\n" + options + show + "endlocal\n"
                + "setlocal\nset \"COLMENA_JAVA_OPTS=-Xmx1g\"\n" + options + show + "endlocal\n"
                + "setlocal\nset \"COLMENA_JAVA_OPTS=-Xmx1g\"\nset \"COLMENA_COORDINATOR_JAVA_OPTS=-Xmx2g\"\n"
                + "set \"COLMENA_AGENT_JAVA_OPTS=-Xmx64m\"\n" + options + show + "endlocal\n");
        String utf8 = bat.substring(from + "set \"UTF8=".length(), bat.indexOf('"', from + "set \"UTF8=".length()));
        List<String> lines = out.lines().filter(l -> l.contains("=[")).toList();
        assertEquals(List.of(
                "API=[" + StartAllJvm.API + " " + utf8 + "]",
                "COORDINATOR=[" + StartAllJvm.COORDINATOR + " " + utf8 + "]",
                "AGENT=[" + StartAllJvm.AGENT + " " + utf8 + "]",
                "API=[-Xmx1g " + utf8 + "]",
                "COORDINATOR=[-Xmx1g " + utf8 + "]",
                "AGENT=[" + StartAllJvm.AGENT + " " + utf8 + "]",
                "API=[-Xmx1g " + utf8 + "]",
                "COORDINATOR=[-Xmx2g " + utf8 + "]",
                "AGENT=[-Xmx64m " + utf8 + "]"), lines.stream().map(String::strip).toList(), out);
    }

    private static void assertContains(String script, String line) {
        assertTrue(script.contains(line), () -> "the script does not say: " + line);
    }
}
