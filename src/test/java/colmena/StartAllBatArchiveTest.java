package colmena;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * start-all.bat's class-data sharing step ({@code :archive}), its very text, run by wine's
 * cmd.exe with a {@code java.bat} standing in for Java (it records how it was called and answers
 * as a JVM would): the archive is built when no JVM can start from it and used after, not built
 * again once it fits, left out with {@code COLMENA_CDS=off}, and a failed build starts the parts
 * without it, saying where its log is. A shim also checks that {@code call java} returns.
 */
class StartAllBatArchiveTest {
    @TempDir
    Path dir;

    @Test
    void buildsTheArchiveWhenNoJvmCanStartFromItThenUsesIt() throws Exception {
        // A Java that starts from an archive once "colmena cds" has built it.
        String out = run("""
                @echo off
                echo %* >> "%~dp0..\\java-calls.txt"
                if "%3"=="cds" (echo built> "%~dp0..\\built" & exit /b 0)
                if exist "%~dp0..\\built" exit /b 0
                exit /b 1
                """);
        assertTrue(out.contains("Building dist\\colmena.jsa"), out);
        assertTrue(out.contains("CDS=[-XX:SharedArchiveFile=dist/colmena.jsa]"), out);
        assertTrue(out.contains("CDS-again=[-XX:SharedArchiveFile=dist/colmena.jsa]"), out);
        assertTrue(out.contains("CDS-off=[]"), out);
        List<String> calls = Files.readAllLines(dir.resolve("java-calls.txt")).stream().map(String::strip).toList();
        assertEquals(List.of(
                "-XX:SharedArchiveFile=dist/colmena.jsa -Xshare:on -jar dist/colmena.jar version",
                "-jar dist/colmena.jar cds",
                "-XX:SharedArchiveFile=dist/colmena.jsa -Xshare:on -jar dist/colmena.jar version"), calls,
                "checked, built, checked again; nothing with COLMENA_CDS=off");
    }

    @Test
    void aFailedBuildStartsThePartsWithoutTheArchiveSayingWhereItsLogIs() throws Exception {
        String out = run("""
                @echo off
                echo %* >> "%~dp0..\\java-calls.txt"
                exit /b 1
                """);
        assertTrue(out.contains("Could not build dist\\colmena.jsa; the parts start without it. Its log:"), out);
        assertTrue(out.contains("logs\\cds.log"), out);
        assertTrue(out.contains("CDS=[]") && out.contains("CDS-again=[]"), out);
    }

    /** Runs the :archive subroutine of start-all.bat three times (the third with COLMENA_CDS=off) with {@code java} as given. */
    private String run(String javaBat) throws Exception {
        assumeTrue(WineCmd.available(), "wine is not on the PATH (apt-get install wine wine64; .ci/run installs it)");
        String bat = Files.readString(Path.of("start-all.bat"), StandardCharsets.UTF_8).replace("\r\n", "\n");
        int from = bat.indexOf("\n:archive\n") + 1;
        int ok = bat.indexOf("\n:archive_ok\n", from);
        assertTrue(from > 0 && ok > from, "start-all.bat has no :archive subroutine");
        int to = bat.indexOf("exit /b 0\n", ok) + "exit /b 0\n".length();
        String driver = """
                @echo off
                set "LOGS=logs"
                call :archive
                echo CDS=[%CDS%]
                call :archive
                echo CDS-again=[%CDS%]
                set "COLMENA_CDS=off"
                call :archive
                echo CDS-off=[%CDS%]
                exit /b 0

                """ + bat.substring(from, to);
        Files.createDirectories(dir.resolve("dist"));
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("bin"));
        Files.write(dir.resolve("dist").resolve("colmena.jar"), new byte[0]);
        Files.writeString(dir.resolve("bin").resolve("java.bat"), WineCmd.crlf(javaBat));
        return WineCmd.run(dir, driver);
    }
}
