package colmena;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs a batch file by wine's cmd.exe, as Windows would run start-all.bat's text. */
public final class WineCmd {
    private WineCmd() {
    }

    public static boolean available() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "wine"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes {@code driver} (with CRLF line ends) as {@code drive.bat} in {@code dir} and runs it there
     * with {@code dir\bin} first on the PATH; returns what it printed, once it has ended with 0.
     */
    public static String run(Path dir, String driver) throws Exception {
        Files.writeString(dir.resolve("drive.bat"), crlf(driver));
        Path prefix = Path.of("target", "wine", "prefix").toAbsolutePath();
        Files.createDirectories(prefix.getParent());
        String win = "Z:" + dir.toAbsolutePath().toString().replace('/', '\\');
        ProcessBuilder pb = new ProcessBuilder("wine", "cmd.exe", "/c",
                "set PATH=" + win + "\\bin;%PATH% && cd /d " + win + " && drive.bat").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("WINEPREFIX", prefix.toString());
        env.put("WINEDEBUG", "-all");
        env.put("WINEDLLOVERRIDES", "mscoree,mshtml=");
        env.remove("DISPLAY");
        env.keySet().removeIf(k -> k.startsWith("COLMENA_"));
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes(); // ends when cmd.exe does
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "wine cmd.exe did not end");
        String out = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    public static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }
}
