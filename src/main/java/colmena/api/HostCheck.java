package colmena.api;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses a request whose {@code Host} is not a name of this server. A page on another site
 * that re-points its own DNS name at this machine (DNS rebinding) reaches the port with its own
 * name in {@code Host}; here it gets a 403 and nothing else. An IP address is always accepted:
 * no page can rebind one.
 */
final class HostCheck extends Filter {
    static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.%]+]");

    private final Set<String> names;

    HostCheck(Set<String> names) {
        this.names = Set.copyOf(names);
    }

    /** localhost, the names given, and (when others may connect) this machine's own names. */
    static HostCheck forBind(String bind, List<String> extra) {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        names.addAll(extra);
        String b = normalise(bind);
        if (NAME.matcher(b).matches() && !IPV4.matcher(b).matches()) {
            names.add(b);
        }
        if (!WebSecurity.isLoopback(bind)) {
            names.addAll(machineNames());
        }
        return new HostCheck(names);
    }

    /** This machine's host name, with and without its domain, and its mDNS {@code .local} form. */
    static Set<String> machineNames() {
        Set<String> out = new LinkedHashSet<>();
        try {
            InetAddress local = InetAddress.getLocalHost();
            for (String n : List.of(local.getHostName(), local.getCanonicalHostName())) {
                String name = normalise(n);
                if (NAME.matcher(name).matches()) {
                    out.add(name);
                    String shortName = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
                    out.add(shortName);
                    out.add(shortName + ".local");
                }
            }
        } catch (IOException e) {
            // No name for this machine: its IP addresses still work (always accepted).
        }
        return out;
    }

    Set<String> names() {
        return names;
    }

    /** Lower case, no port, no trailing dot: {@code "PC-12.:8000"} is {@code "pc-12"}. */
    static String normalise(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
            h = h.substring(0, colon);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** Whether a request with this {@code Host} header is for this server. */
    boolean accepts(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String h = normalise(hostHeader);
        return IPV4.matcher(h).matches() || IPV6.matcher(h).matches() || names.contains(h);
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        List<String> hosts = ex.getRequestHeaders().getOrDefault("Host", Collections.emptyList());
        if (hosts.size() == 1 && accepts(hosts.get(0))) {
            chain.doFilter(ex);
            return;
        }
        try (ex) {
            String error = hosts.isEmpty() ? "a request must say which server it is for (Host header)"
                    : hosts.size() > 1 ? "a request must carry one Host header"
                    : "Host \"" + hosts.get(0) + "\" is not a name of this server (a page of another site reaching it "
                    + "through DNS rebinding is refused); if it is one, start the API with --host-name " + normalise(hosts.get(0));
            Router.send(ex, Response.json(hosts.size() == 1 ? 403 : 400, Map.of("error", error)));
        }
    }

    @Override
    public String description() {
        return "refuses a Host that is not a name of this server";
    }

    /** Every IPv4 and IPv6 address of this machine's interfaces that are up (for a certificate's names). */
    static Set<InetAddress> machineAddresses() {
        Set<InetAddress> out = new LinkedHashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp()) {
                    out.addAll(Collections.list(nic.getInetAddresses()));
                }
            }
        } catch (IOException e) {
            // Best effort: the certificate then names only loopback and the host name.
        }
        return out;
    }
}
