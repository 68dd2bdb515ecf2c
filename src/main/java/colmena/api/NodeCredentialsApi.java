package colmena.api;

import colmena.broker.NodeCredentials;
import colmena.broker.RedisKeys;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The dashboard's "Add a PC": an admin makes a PC's own Redis credential and gets the line to run
 * on it ({@code colmena node add}, over HTTP), or revokes one. The password is in the answer to
 * the POST and nowhere else.
 */
final class NodeCredentialsApi {
    /** A host name or an IPv4/IPv6 address to print in the line; nothing that could break out of it. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");

    private final NodeCredentials credentials;
    private final String redisHost;
    private final int redisPort;
    private final AuditTrail audit;

    /** @param redisUrl the API's own Redis URL: its port is the one PCs use */
    NodeCredentialsApi(NodeCredentials credentials, String redisUrl, AuditTrail audit) {
        this.credentials = credentials;
        URI uri = URI.create(redisUrl);
        this.redisHost = uri.getHost();
        this.redisPort = uri.getPort() == -1 ? 6379 : uri.getPort();
        this.audit = audit;
    }

    /** {@code GET /api/node-credentials}: the PCs that have one, and the address the line would carry. */
    Object list(Request r) {
        boolean supported = credentials.supported();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("supported", supported);
        m.put("nodes", supported ? credentials.nodes() : List.of());
        m.put("host", NodeCredentials.joinHost(redisHost));
        m.put("port", redisPort);
        return m;
    }

    /** {@code POST /api/node-credentials} {"node", "host"?}: the answer carries the line, once. */
    Object add(Request r) throws Exception {
        JsonObject body = r.jsonBody();
        String node = text(body, "node", true);
        if (!RedisKeys.isValidNodeId(node) || node.equals(NodeCredentials.CONTROL_USER)) {
            throw field("invalid node name \"" + node + "\": use 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit (not \"default\")", "node");
        }
        String host = text(body, "host", false);
        if (host == null || host.isBlank()) {
            host = NodeCredentials.joinHost(redisHost);
        } else if (!HOST.matcher(host).matches()) {
            throw field("invalid host \"" + host + "\": a host name or an address", "host");
        }
        if (!credentials.supported()) {
            throw new ApiException(409, "this Redis has no per-node credentials (it needs Redis 6.0 or newer); "
                    + "agents share its password (README, Security)");
        }
        if (credentials.nodes().contains(node)) {
            throw new ApiException(409, "node \"" + node + "\" already has a credential; remove it first to give it "
                    + "a new one", Map.of("field", "node"));
        }
        NodeCredentials.Credential c = credentials.add(node);
        audit.record(r, "node_added", node, "credential made");
        String url = c.url(host, redisPort);
        return Response.json(201, Map.of("node", node, "url", url,
                "command", "java -jar colmena.jar agent --redis " + url));
    }

    /** {@code DELETE /api/node-credentials/{id}}: revoked, and its connections closed. */
    Object remove(Request r) {
        String node = r.path("id");
        if (!RedisKeys.isValidNodeId(node) || node.equals(NodeCredentials.CONTROL_USER)) {
            throw ApiException.badRequest("invalid node name \"" + node + "\"");
        }
        if (!credentials.supported() || !credentials.remove(node)) {
            throw ApiException.notFound("no node \"" + node + "\" has a credential");
        }
        audit.record(r, "node_removed", node, "credential revoked");
        return Map.of("node", node, "removed", true);
    }

    private static String text(JsonObject body, String name, boolean required) {
        JsonElement e = body.get(name);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw field(name + " is required (text)", name);
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw field(name + " must be text", name);
        }
        return e.getAsString().trim();
    }

    private static ApiException field(String message, String field) {
        return new ApiException(400, message, Map.of("field", field));
    }
}
