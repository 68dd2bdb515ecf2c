package colmena.api;

import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.UsageException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the API faces the network: TLS or not, and the names it answers to (every request's
 * {@code Host} must be one of them, against DNS rebinding).
 *
 * @param tls            serve HTTPS
 * @param keystore       the PKCS#12 keystore to serve with; null: one made (self-signed) under {@code dataDir}
 * @param passwordFile   the file holding the keystore's password; null: none, or the one made beside a made keystore
 * @param insecureHttp   the user accepts plain HTTP on an address others can reach
 * @param hostNames      names the API answers to beyond localhost, this machine's name and IP addresses
 * @param dataDir        where a made keystore is kept
 */
public record WebSecurity(boolean tls, Path keystore, Path passwordFile, boolean insecureHttp, List<String> hostNames,
                          Path dataDir) {
    public static final List<Option> OPTIONS = List.of(
            Option.flag("tls", "COLMENA_TLS", "serve HTTPS; without --tls-keystore a self-signed certificate is made on "
                    + "first start (under --data-dir) and its fingerprint printed"),
            Option.value("tls-keystore", "COLMENA_TLS_KEYSTORE", null, "FILE", "a PKCS#12 keystore (.p12) holding the key and "
                    + "certificate to serve with"),
            Option.value("tls-password-file", "COLMENA_TLS_PASSWORD_FILE", null, "FILE", "a file holding the keystore's password"),
            Option.flag("insecure-http", "COLMENA_INSECURE_HTTP", "allow plain HTTP on an address other machines reach "
                    + "(passwords and cookies then cross the network in clear)"),
            Option.value("host-name", "COLMENA_API_HOSTS", null, "NAMES", "further names (comma-separated) browsers may use "
                    + "for this server, e.g. a DNS name or a proxy's; localhost, this machine's name and IP addresses always work"));

    /** Plain HTTP, answering to the usual names; what tests and benchmarks on loopback use. */
    public static final WebSecurity LOOPBACK = new WebSecurity(false, null, null, false, List.of(), Path.of("data"));

    public static WebSecurity from(Flags flags) {
        String keystore = flags.string("tls-keystore");
        String passwordFile = flags.string("tls-password-file");
        boolean tls = flags.bool("tls") || keystore != null;
        if (passwordFile != null && keystore == null) {
            throw new UsageException(flags.source("tls-password-file") + ": goes with --tls-keystore (a made keystore "
                    + "keeps its own password)");
        }
        List<String> names = new ArrayList<>();
        String given = flags.string("host-name");
        if (given != null) {
            for (String n : given.split(",")) {
                String name = HostCheck.normalise(n);
                if (name.isEmpty()) {
                    continue;
                }
                if (!HostCheck.NAME.matcher(name).matches()) {
                    throw new UsageException(flags.source("host-name") + ": \"" + n.strip() + "\" is not a host name");
                }
                names.add(name);
            }
        }
        return new WebSecurity(tls, keystore == null ? null : Path.of(keystore), passwordFile == null ? null : Path.of(passwordFile),
                flags.bool("insecure-http"), List.copyOf(names), Path.of(flags.string("data-dir")));
    }

    /**
     * Refuses what would expose the API: login off anywhere but loopback, and plain HTTP on an
     * address others reach unless the user said {@code --insecure-http}.
     *
     * @throws UsageException naming the setting and what to do
     */
    public void check(String bind, boolean noAuth) {
        boolean loopback = isLoopback(bind);
        if (noAuth && !loopback) {
            throw new UsageException("--no-auth listens only on a loopback address (127.0.0.1, ::1, localhost), got --bind "
                    + bind + ": anyone on the network would be admin of this machine's Colmena. Leave login on to share it.");
        }
        if (!loopback && !tls && !insecureHttp) {
            throw new UsageException("--bind " + bind + " lets other machines in, and plain HTTP would carry passwords, "
                    + "session cookies and tokens in clear across the network: add --tls (a self-signed certificate is made "
                    + "and its fingerprint printed), or --insecure-http to accept that on a network you trust");
        }
    }

    /** Whether {@code bind} is a loopback address (a name is looked up: {@code localhost}). */
    public static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The scheme browsers use: https under TLS. */
    public String scheme() {
        return tls ? "https" : "http";
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
