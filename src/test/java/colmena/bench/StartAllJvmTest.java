package colmena.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
    }

    private static void assertContains(String script, String line) {
        assertTrue(script.contains(line), () -> "the script does not say: " + line);
    }
}
