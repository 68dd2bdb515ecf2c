package colmena.api;

import colmena.TestDatabase;
import colmena.TestRedis;
import colmena.bench.Launcher;
import colmena.broker.Redis;
import colmena.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the API faces the network: the Host header checked on every request (DNS rebinding),
 * --no-auth and plain HTTP refused off loopback, and HTTPS with a made or a given certificate,
 * over real sockets, a real HttpsServer and a real TLS client.
 */
class WebTrustTest {
    private static final String ADMIN_PASSWORD = "admin-pass-123";
    private static Redis redis;
    private static Database db;
    private static ApiServer plain;

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.fresh();
        db = TestDatabase.fresh();
        plain = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0), redis, db);
        plain.start();
    }

    @AfterAll
    static void stop() {
        plain.stop();
        redis.close();
    }

    @Test
    void aRequestForAnotherHostNameIsRefusedAndOneForThisServerIsAnswered() throws Exception {
        int port = plain.port();
        for (String path : List.of("/api/health", "/api/nodes", "/")) {
            String evil = raw(port, "GET " + path + " HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
            assertTrue(evil.startsWith("HTTP/1.1 403"), path + ": " + evil);
            assertTrue(evil.contains("not a name of this server"), evil);
            assertTrue(evil.contains("X-Frame-Options: DENY") || evil.contains("X-frame-options: DENY"), evil);
        }
        assertTrue(raw(port, "GET /api/health HTTP/1.1\r\nHost: EVIL.example.:" + port + "\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 403"));
        for (String host : List.of("localhost:" + port, "LOCALHOST", "127.0.0.1:" + port, "[::1]:" + port, "localhost.")) {
            String ok = raw(port, "GET /api/health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertTrue(ok.startsWith("HTTP/1.1 200"), host + ": " + ok);
        }
        String noHost = raw(port, "GET /api/health HTTP/1.0\r\n\r\n");
        assertTrue(noHost.startsWith("HTTP/1.1 400"), noHost);
        String twoHosts = raw(port, "GET /api/health HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertTrue(twoHosts.startsWith("HTTP/1.1 400"), twoHosts);
    }

    @Test
    void aStateChangingRequestThroughARebindingNameChangesNothing() throws Exception {
        long before = redis.call(j -> j.llen(colmena.broker.RedisKeys.submitted()));
        String body = "{\"type\":\"sleep\",\"params\":{\"ms\":1}}";
        String r = raw(plain.port(), "POST /api/tasks HTTP/1.1\r\nHost: rebind.attacker.example\r\nContent-Type: application/json\r\n"
                + "Origin: http://rebind.attacker.example\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertTrue(r.startsWith("HTTP/1.1 403"), r);
        assertEquals(before, (long) redis.call(j -> j.llen(colmena.broker.RedisKeys.submitted())), "nothing was queued");
    }

    @Test
    void hostNamesGivenWithHostNameAreAcceptedAndBadOnesRefusedAtStart() {
        HostCheck check = HostCheck.forBind("127.0.0.1", WebSecurity.parseHostNames("Colmena.Lab.example, pc-7"));
        assertTrue(check.accepts("colmena.lab.example:8443"));
        assertTrue(check.accepts("PC-7"));
        assertFalse(check.accepts("pc-8"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebSecurity.parseHostNames("bad name"));
        assertTrue(e.getMessage().contains("\"bad name\" is not a host name"), e.getMessage());
    }

    @Test
    void theServerItselfRefusesPlainHttpOffLoopback() {
        assertThrows(IllegalArgumentException.class, () -> new ApiServer(ApiServer.Config.local(TestRedis.url(), 0)
                .withWeb("0.0.0.0", WebSecurity.LOOPBACK), redis, db));
    }

    @Test
    void aStartWithoutLoginIsInTheAuditLog() throws Exception {
        assertTrue(TestDatabase.count(db, "SELECT COUNT(*) FROM AuditLog WHERE Action = 'no_auth_start' AND Address = '127.0.0.1'") >= 1);
    }

    @Test
    void theApiProcessRefusesNoAuthOnEveryAddressAndSaysWhy() throws Exception {
        Path dir = TestDatabase.freshDir();
        Path log = dir.resolve("api.log");
        Process p = Launcher.start(log, List.of("-Xmx128m"), "api", "--bind", "0.0.0.0", "--no-auth", "--port",
                Integer.toString(TestRedis.freePort()), "--redis", TestRedis.url(), "--data-dir", dir.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "it stops by itself");
        String out = Files.readString(log);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("--no-auth listens only on a loopback address"), out);
        assertFalse(out.contains("listening on"), out);
    }

    @Test
    void withTlsACertificateIsMadeOnceItsFingerprintIsTheOneServedAndCookiesAreSecure() throws Exception {
        Path dataDir = TestDatabase.freshDir();
        WebSecurity web = new WebSecurity(true, null, null, false, List.of(), dataDir);
        ApiServer.Config config = ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, Duration.ofHours(1))
                .withWeb("127.0.0.1", web);
        ApiServer api = new ApiServer(config, redis, db);
        String first = api.tlsFingerprint();
        Path keystore = dataDir.resolve("tls").resolve(Tls.MADE_KEYSTORE);
        try {
            api.start();
            assertTrue(api.tlsCertificateMade());
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore.getParent())));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(keystore.resolveSibling(Tls.MADE_KEYSTORE + ".password"))));
            X509Certificate cert = certificate(keystore, Files.readString(keystore.resolveSibling(Tls.MADE_KEYSTORE + ".password")).strip());
            assertEquals(fingerprint(cert), first);
            HttpClient client = trusting(cert);
            String base = "https://localhost:" + api.port();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode(), login.body());
            assertTrue(login.headers().firstValue("Set-Cookie").orElse("").contains("; Secure"), login.headers().toString());
            assertThrows(SSLHandshakeException.class, () -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/api/health")).build(), HttpResponse.BodyHandlers.ofString()),
                    "a client that does not trust it refuses it (it is self-signed)");
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString()), "nothing is served in clear");
        } finally {
            api.stop();
        }
        ApiServer again = new ApiServer(config, redis, db);
        try {
            assertFalse(again.tlsCertificateMade(), "the second start uses the certificate made by the first");
            assertEquals(first, again.tlsFingerprint());
        } finally {
            again.stop();
        }
    }

    @Test
    void aKeystoreTheUserGivesIsServedAndAWrongPasswordIsACleanError() throws Exception {
        Path dir = TestDatabase.freshDir();
        Path keystore = dir.resolve("mine.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "mine", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "store-pass-1",
                "-noprompt").redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0,
                new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        Path passwordFile = dir.resolve("pass.txt");
        Files.writeString(passwordFile, "store-pass-1\n");
        ApiServer api = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0)
                .withWeb("127.0.0.1", new WebSecurity(true, keystore, passwordFile, false, List.of(), dir)), redis, db);
        try {
            api.start();
            X509Certificate cert = certificate(keystore, "store-pass-1");
            assertEquals(fingerprint(cert), api.tlsFingerprint());
            assertEquals(200, trusting(cert).send(HttpRequest.newBuilder(URI.create("https://localhost:" + api.port() + "/api/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            api.stop();
        }
        Files.writeString(passwordFile, "wrong");
        TlsException wrong = assertThrows(TlsException.class, () -> new ApiServer(ApiServer.Config.local(TestRedis.url(), 0)
                .withWeb("127.0.0.1", new WebSecurity(true, keystore, passwordFile, false, List.of(), dir)), redis, db));
        assertTrue(wrong.getMessage().contains(keystore.toString()) && wrong.getMessage().contains("password"), wrong.getMessage());
        TlsException missing = assertThrows(TlsException.class, () -> new ApiServer(ApiServer.Config.local(TestRedis.url(), 0)
                .withWeb("127.0.0.1", new WebSecurity(true, dir.resolve("none.p12"), null, false, List.of(), dir)), redis, db));
        assertTrue(missing.getMessage().contains("no file"), missing.getMessage());
    }

    private static X509Certificate certificate(Path keystore, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password.toCharArray());
        }
        return (X509Certificate) ks.getCertificate(ks.aliases().nextElement());
    }

    private static String fingerprint(X509Certificate cert) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    }

    /** A client that trusts this one certificate and nothing else. */
    private static HttpClient trusting(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("api", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).build();
    }

    /** Sends bytes as they are and reads the whole answer (the server closes the connection). */
    static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
