package colmena;

import colmena.bench.Launcher;
import colmena.broker.NodeCredentials;
import colmena.broker.Redis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@code colmena node} as the teacher runs it: a real process, a real Redis. */
class NodeCommandProcessTest {
    private Redis control;

    @BeforeEach
    void setUp() {
        assumeFalse(TestRedis.underWine(), "Redis 5.0 has no ACL users");
        control = TestRedis.fresh();
        for (String n : new NodeCredentials(control).nodes()) {
            new NodeCredentials(control).remove(n);
        }
    }

    @AfterEach
    void tearDown() {
        if (control != null) {
            for (String n : new NodeCredentials(control).nodes()) {
                new NodeCredentials(control).remove(n);
            }
            control.close();
        }
    }

    @Test
    void addPrintsALineThatLogsInAsThatPcAndRemoveRevokesIt() throws Exception {
        Run add = run("node", "add", "pc3", "--redis", TestRedis.url(), "--host", "10.1.2.3");
        assertEquals(0, add.code, add.out);
        int port = URI.create(TestRedis.url()).getPort();
        Matcher m = Pattern.compile("java -jar colmena.jar agent --redis redis://pc3:([A-Za-z0-9_-]{32})@10\\.1\\.2\\.3:" + port)
                .matcher(add.out);
        assertTrue(m.find(), add.out);
        try (Jedis pc = new Jedis("127.0.0.1", port)) {
            pc.auth("pc3", m.group(1));
        }
        Run list = run("node", "list", "--redis", TestRedis.url());
        assertEquals("pc3", list.out.strip().lines().reduce((a, b) -> b).orElse(""), list.out);

        Run again = run("node", "add", "pc3", "--redis", TestRedis.url());
        assertEquals(1, again.code);
        assertTrue(again.out.contains("node \"pc3\" already has a credential"), again.out);

        assertEquals(0, run("node", "remove", "pc3", "--redis", TestRedis.url()).code);
        Run gone = run("node", "remove", "pc3", "--redis", TestRedis.url());
        assertEquals(1, gone.code);
        assertTrue(gone.out.contains("no node \"pc3\" has a credential"), gone.out);
        assertEquals(List.of(), new NodeCredentials(control).nodes());
    }

    @Test
    void badUsageIsNamedAndChangesNothing() throws Exception {
        for (List<String> args : List.of(List.of("node"), List.of("node", "add"), List.of("node", "frob"),
                List.of("node", "add", "pc 3", "--redis", TestRedis.url()), List.of("node", "add", "default", "--redis", TestRedis.url()))) {
            Run r = run(args.toArray(String[]::new));
            assertTrue(r.code == 1 || r.code == 2, args + " -> " + r.code + ": " + r.out);
            assertTrue(r.out.contains("colmena node") || r.out.contains("Usage"), r.out);
        }
        assertEquals(List.of(), new NodeCredentials(control).nodes());
    }

    private record Run(int code, String out) {
    }

    private static Run run(String... args) throws Exception {
        Path log = Path.of("target", "process-logs", "node-" + UUID.randomUUID() + ".log");
        Process p = Launcher.start(log, List.of("-XX:+UseSerialGC", "-Xmx64m"), args);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node " + String.join(" ", args) + " ended");
        return new Run(p.exitValue(), Files.readString(log));
    }
}
