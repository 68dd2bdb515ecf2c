package colmena.api;

import colmena.auth.OwnerOnly;
import colmena.auth.Passwords;

import java.nio.file.NoSuchFileException;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The key and certificate HTTPS is served with: a PKCS#12 keystore the user gives, or one made
 * on first start with the JDK's own {@code keytool} (a self-signed EC P-256 certificate for
 * localhost, this machine's names and addresses), kept owner-only under the data folder with its
 * password beside it.
 *
 * @param made whether the keystore was made on this start
 */
record Tls(SSLContext context, X509Certificate certificate, Path keystore, boolean made) {
    static final String MADE_KEYSTORE = "api-tls.p12";
    private static final String ALIAS = "colmena";

    /** SHA-256 of the certificate, as browsers show it: {@code AB:CD:...}. */
    String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Loads the configured keystore, or the made one (making it first if missing).
     *
     * @throws TlsException saying which file and what is wrong with it
     */
    static Tls load(WebSecurity web, Set<String> names) {
        try {
            if (web.keystore() != null) {
                char[] password = web.passwordFile() == null ? new char[0]
                        : OwnerOnly.readSecret(web.passwordFile()).toCharArray();
                return open(web.keystore(), password, false);
            }
            Path tlsDir = web.dataDir().resolve("tls");
            Path keystore = tlsDir.resolve(MADE_KEYSTORE);
            Path passwordFile = tlsDir.resolve(MADE_KEYSTORE + ".password");
            boolean made = false;
            if (!Files.exists(keystore)) {
                OwnerOnly.directory(tlsDir);
                String password = Passwords.secret(24);
                OwnerOnly.writeSecret(passwordFile, password);
                makeSelfSigned(keystore, password, names);
                OwnerOnly.restrict(keystore);
                made = true;
            }
            return open(keystore, OwnerOnly.readSecret(passwordFile).toCharArray(), made);
        } catch (IOException e) {
            throw new TlsException("cannot read or write the TLS keystore: " + e.getMessage());
        }
    }

    private static Tls open(Path keystore, char[] password, boolean made) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            String alias = null;
            for (String a : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(a)) {
                    alias = a;
                    break;
                }
            }
            if (alias == null) {
                throw new TlsException(keystore + " holds no private key (a PKCS#12 keystore with a key and its certificate is needed)");
            }
            Certificate cert = ks.getCertificate(alias);
            if (!(cert instanceof X509Certificate x509)) {
                throw new TlsException(keystore + ": the key \"" + alias + "\" has no X.509 certificate");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new Tls(ctx, x509, keystore, made);
        } catch (NoSuchFileException e) {
            throw new TlsException("--tls-keystore: no file " + keystore);
        } catch (IOException e) {
            // PKCS12 reports a wrong password as an IOException whose cause is an UnrecoverableKeyException.
            throw new TlsException("cannot open " + keystore + " as a PKCS#12 keystore (" + e.getMessage()
                    + "); is the password in --tls-password-file right?");
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot use " + keystore + ": " + e.getMessage());
        }
    }

    /** Runs the JDK's keytool: a self-signed certificate for ten years, named for every way this machine is reached. */
    private static void makeSelfSigned(Path keystore, String password, Set<String> names) throws IOException {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", windows ? "keytool.exe" : "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new TlsException("no keytool in " + keytool.getParent() + " to make a certificate with; make a PKCS#12 "
                    + "keystore elsewhere and give it with --tls-keystore");
        }
        List<String> san = new ArrayList<>();
        for (String n : names) {
            san.add("dns:" + n);
        }
        san.add("ip:127.0.0.1");
        san.add("ip:::1");
        for (InetAddress a : HostCheck.machineAddresses()) {
            if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                san.add("ip:" + a.getHostAddress());
            }
        }
        String cn = names.stream().filter(n -> !n.equals("localhost")).findFirst().orElse("localhost");
        List<String> cmd = List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-keysize", "256",
                "-sigalg", "SHA256withECDSA", "-validity", "3650", "-dname", "CN=" + cn + ", O=Colmena",
                "-ext", "SAN=" + String.join(",", san), "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass:env", "COLMENA_KEYSTORE_PASSWORD", "-keypass:env", "COLMENA_KEYSTORE_PASSWORD", "-noprompt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // The password goes through the environment, not the command line another user could read.
        pb.environment().put("COLMENA_KEYSTORE_PASSWORD", password);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                Files.deleteIfExists(keystore);
                throw new TlsException("keytool could not make a certificate: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new TlsException("interrupted while keytool made a certificate");
        }
    }
}
