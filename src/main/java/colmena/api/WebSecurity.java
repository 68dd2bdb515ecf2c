package colmena.api;

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
    /** Plain HTTP, answering to the usual names; what tests and benchmarks on loopback use. */
    public static final WebSecurity LOOPBACK = new WebSecurity(false, null, null, false, List.of(), Path.of("data"));

    /**
     * The names in {@code given} (comma-separated, as {@code --host-name} takes them), normalised;
     * empty for null.
     *
     * @throws IllegalArgumentException naming the first one that is not a host name
     */
    public static List<String> parseHostNames(String given) {
        List<String> names = new ArrayList<>();
        if (given != null) {
            for (String n : given.split(",")) {
                String name = HostCheck.normalise(n);
                if (name.isEmpty()) {
                    continue;
                }
                if (!HostCheck.NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("\"" + n.strip() + "\" is not a host name");
                }
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /**
     * Refuses what would expose the API: login off anywhere but loopback, and plain HTTP on an
     * address others reach unless the user said {@code --insecure-http}.
     *
     * @throws IllegalArgumentException naming the setting and what to do
     */
    public void check(String bind, boolean noAuth) {
        boolean loopback = isLoopback(bind);
        if (noAuth && !loopback) {
            throw new IllegalArgumentException("--no-auth listens only on a loopback address (127.0.0.1, ::1, localhost), got --bind "
                    + bind + ": anyone on the network would be admin of this machine's Colmena. Leave login on to share it.");
        }
        if (!loopback && !tls && !insecureHttp) {
            throw new IllegalArgumentException("--bind " + bind + " lets other machines in, and plain HTTP would carry passwords, "
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
