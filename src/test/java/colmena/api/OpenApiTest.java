package colmena.api;

import colmena.TestDatabase;
import colmena.TestHttp;
import colmena.TestRedis;
import colmena.TestStats;
import colmena.broker.Json;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.metrics.NodeStats;
import colmena.store.Database;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/openapi.json} over real HTTP, on the real test Redis and a real H2, with login
 * on: a valid OpenAPI 3.1 document (swagger-parser's word), describing exactly the router's
 * routes with their roles, and real answers fitting the schemas it gives them.
 */
class OpenApiTest {
    private static final String ADMIN_PASSWORD = "openapi-test-password";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options", "trace");
    private static Redis redis;
    private static ApiServer server;
    private static final TestHttp http = new TestHttp(() -> server.port());
    private static final TestHttp admin = http.withHeader("Authorization", TestHttp.basic("admin", ADMIN_PASSWORD));
    private static String text;
    private static JsonObject doc;

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.fresh();
        Database db = TestDatabase.fresh();
        server = new ApiServer(ApiServer.Config.local(TestRedis.url(), 0).withAuth(ADMIN_PASSWORD, Duration.ofHours(1)),
                redis, db);
        server.start();
        HttpResponse<String> r = http.send(http.builder("/api/openapi.json").build());
        assertEquals(200, r.statusCode(), r.body());
        text = r.body();
        doc = Json.GSON.fromJson(text, JsonObject.class);
    }

    @AfterAll
    static void stop() {
        server.stop();
        redis.close();
    }

    @Test
    void theDescriptionIsOpenToAnyoneAsCacheableJson() throws Exception {
        HttpResponse<String> r = http.send(http.builder("/api/openapi.json").build());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("public, max-age=" + OpenApiDoc.MAX_AGE_SECONDS, r.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("Accept-Encoding", r.headers().firstValue("Vary").orElse(""));
        assertEquals("3.1.0", doc.get("openapi").getAsString());

        HttpResponse<byte[]> zipped = http.send(http.builder("/api/openapi.json")
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
            assertEquals(text, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> head = http.send(http.builder("/api/openapi.json")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode(), "HEAD is answered where GET is, and needs no entry of its own");
        assertEquals("", head.body());
        // Other answers stay uncached.
        assertEquals("no-store", admin.get("/api/health").headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void swaggerParserFindsNothingWrongWithItAsOpenApi31() {
        SwaggerParseResult result = parse(text);
        assertEquals(List.of(), result.getMessages(), "swagger-parser's messages");
        assertNotNull(result.getOpenAPI());
        assertEquals(SpecVersion.V31, result.getOpenAPI().getSpecVersion(), "read as OpenAPI 3.1");
        assertEquals(paths(doc).size(), result.getOpenAPI().getPaths().size());
    }

    @Test
    void swaggerParserWouldSeeABrokenDescription() {
        // The same check on a copy with a dangling reference and an operation without answers must
        // fail, or an empty list of messages above proves nothing.
        JsonObject broken = doc.deepCopy();
        JsonObject nodes = broken.getAsJsonObject("paths").getAsJsonObject("/api/nodes").getAsJsonObject("get");
        nodes.getAsJsonObject("responses").getAsJsonObject("200").getAsJsonObject("content")
                .getAsJsonObject("application/json").getAsJsonObject("schema")
                .addProperty("$ref", "#/components/schemas/NoSuchSchema");
        broken.getAsJsonObject("paths").getAsJsonObject("/api/tasks").getAsJsonObject("get").remove("responses");
        List<String> messages = parse(Json.GSON.toJson(broken)).getMessages();
        assertTrue(messages.stream().anyMatch(m -> m.contains("NoSuchSchema")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.contains("responses")), messages.toString());
    }

    @Test
    void everyRouteIsDescribedAndEveryDescribedRouteIsReal() {
        Map<String, String> routed = new TreeMap<>();
        for (Router.Route r : server.routes()) {
            routed.put(r.method() + " " + r.template(), r.role() == null ? "public" : r.role().label());
        }
        Map<String, String> described = new TreeMap<>();
        for (Map.Entry<String, JsonObject> op : operations(doc).entrySet()) {
            JsonElement role = op.getValue().get("x-colmena-role");
            described.put(op.getKey(), role == null ? "(no x-colmena-role)" : role.getAsString());
        }
        Set<String> missing = new TreeSet<>(routed.keySet());
        missing.removeAll(described.keySet());
        Set<String> extra = new TreeSet<>(described.keySet());
        extra.removeAll(routed.keySet());
        assertTrue(missing.isEmpty() && extra.isEmpty(),
                "src/main/resources/colmena/openapi.json is out of step with ApiServer.routes():\n"
                        + "  routed but not described: " + missing + "\n"
                        + "  described but not routed: " + extra + "\n"
                        + "  (describe each missing route under \"paths\" with its x-colmena-role, security, parameters and "
                        + "responses; HEAD needs no entry, the router answers it wherever GET is)");
        List<String> wrongRole = new ArrayList<>();
        for (Map.Entry<String, String> r : routed.entrySet()) {
            if (!r.getValue().equals(described.get(r.getKey()))) {
                wrongRole.add(r.getKey() + " needs " + r.getValue() + " but is described as " + described.get(r.getKey()));
            }
        }
        assertEquals(List.of(), wrongRole, "x-colmena-role must be the role the router asks");
    }

    @Test
    void eachOperationStatesItsSecurityAsItsRoleAndDescribesItsErrors() {
        for (Map.Entry<String, JsonObject> op : operations(doc).entrySet()) {
            String role = op.getValue().get("x-colmena-role").getAsString();
            var security = op.getValue().getAsJsonArray("security");
            assertNotNull(security, op.getKey() + " states its security");
            JsonObject responses = op.getValue().getAsJsonObject("responses");
            if (role.equals("public")) {
                assertEquals(0, security.size(), op.getKey() + " is open to anyone");
                continue;
            }
            assertEquals(3, security.size(), op.getKey() + ": session, bearer and basic");
            for (JsonElement requirement : security) {
                for (Map.Entry<String, JsonElement> scheme : requirement.getAsJsonObject().entrySet()) {
                    assertEquals("[\"" + role + "\"]", scheme.getValue().toString(), op.getKey() + " " + scheme.getKey());
                }
            }
            assertTrue(responses.has("401") && responses.has("503"), op.getKey() + " describes 401 and 503");
            boolean changes = !op.getKey().startsWith("GET ");
            assertEquals(changes, op.getValue().toString().contains("#/components/parameters/CsrfToken"),
                    op.getKey() + ": X-CSRF-Token is described exactly on state-changing requests");
        }
    }

    @Test
    void eachPathParameterOfATemplateIsDescribed() {
        SchemaCheck check = check(doc);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonObject> op : operations(doc).entrySet()) {
            Set<String> inTemplate = new TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(op.getKey());
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            Set<String> described = new TreeSet<>();
            var parameters = op.getValue().getAsJsonArray("parameters");
            for (JsonElement p : parameters == null ? new com.google.gson.JsonArray() : parameters) {
                JsonObject param = p.getAsJsonObject();
                if (param.has("$ref")) {
                    param = check.resolve(param.get("$ref").getAsString());
                }
                if (param.get("in").getAsString().equals("path")) {
                    described.add(param.get("name").getAsString());
                }
            }
            if (!inTemplate.equals(described)) {
                problems.add(op.getKey() + ": template has " + inTemplate + ", described " + described);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void realAnswersFitTheirDescribedSchemas() throws Exception {
        Nodes nodes = new Nodes(redis);
        nodes.beat(TestStats.typical("nodo1"));
        nodes.beat(new NodeStats("nodo2", "host-nodo2", "Linux", 2, 5, 1_000, 4_000, 10, 100, 5, 6, 60, 2, 1_000,
                System.currentTimeMillis()));
        nodes.leave("nodo2");

        JsonObject submitted = fits("POST", "/api/tasks", 202, admin.post("/api/tasks",
                "{\"type\":\"sleep\",\"params\":{\"ms\":1},\"count\":2}"));
        String taskId = submitted.getAsJsonArray("ids").get(0).getAsString();
        fits("GET", "/api/tasks", 200, admin.get("/api/tasks?limit=5"));
        fits("GET", "/api/tasks/{id}", 200, admin.get("/api/tasks/" + taskId));
        fits("GET", "/api/nodes", 200, admin.get("/api/nodes"));
        fits("GET", "/api/nodes", 200, admin.get("/api/nodes?history=true"));
        fits("GET", "/api/nodes/{id}", 200, admin.get("/api/nodes/nodo1"));
        fits("POST", "/api/nodes/{id}/drain", 200, admin.post("/api/nodes/nodo1/drain", ""));
        fits("GET", "/api/summary", 200, admin.get("/api/summary"));
        fits("GET", "/api/types", 200, admin.get("/api/types"));
        fits("GET", "/api/deadletters", 200, admin.get("/api/deadletters"));
        fits("GET", "/api/jobs", 200, admin.get("/api/jobs"));
        fits("GET", "/api/me", 200, admin.get("/api/me"));
        fits("GET", "/api/users", 200, admin.get("/api/users"));
        fits("POST", "/api/tokens", 201, admin.post("/api/tokens", "{\"name\":\"ci\",\"role\":\"viewer\"}"));
        fits("GET", "/api/tokens", 200, admin.get("/api/tokens"));
        fits("GET", "/api/audit", 200, admin.get("/api/audit"));
        // No coordinator runs here: degraded, but Redis and the database serve, so 200.
        assertEquals("degraded", fits("GET", "/api/health", 200, admin.get("/api/health")).get("status").getAsString());

        JsonObject bad = fits("POST", "/api/tasks", 400, admin.post("/api/tasks", "{\"type\":\"sleep\",\"count\":0}"));
        assertEquals("count", bad.get("field").getAsString());
        fits("GET", "/api/tasks", 400, admin.get("/api/tasks?limit=0"));
        fits("GET", "/api/nodes/{id}", 404, admin.get("/api/nodes/nodo9"));
        fits("GET", "/api/nodes", 401, http.send(http.builder("/api/nodes").build()));
    }

    @Test
    void sessionUserTokenAndNodeAnswersFitTheirDescribedSchemas() throws Exception {
        JsonObject me = fits("POST", "/api/login", 200, http.send(http.builder("/api/login")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}")).build()));
        fits("POST", "/api/login", 401, http.send(http.builder("/api/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"wrong-one\"}")).build()));
        fits("POST", "/api/users", 201, admin.post("/api/users", "{\"user\":\"ana\",\"password\":\"long-enough-1\",\"role\":\"operator\"}"));
        fits("POST", "/api/users", 200, admin.post("/api/users", "{\"user\":\"ana\",\"password\":\"long-enough-2\",\"role\":\"viewer\"}"));
        fits("DELETE", "/api/users/{name}", 200, admin.delete("/api/users/ana"));
        fits("DELETE", "/api/users/{name}", 409, admin.delete("/api/users/admin"));
        long token = fits("POST", "/api/tokens", 201, admin.post("/api/tokens", "{\"name\":\"scraper\",\"role\":\"viewer\"}"))
                .get("id").getAsLong();
        fits("DELETE", "/api/tokens/{id}", 200, admin.delete("/api/tokens/" + token));
        fits("DELETE", "/api/tokens/{id}", 404, admin.delete("/api/tokens/" + token));

        Nodes nodes = new Nodes(redis);
        nodes.beat(TestStats.typical("nodo7"));
        fits("POST", "/api/nodes/{id}/resume", 200, admin.post("/api/nodes/nodo7/resume", ""));
        fits("DELETE", "/api/nodes/{id}", 409, admin.delete("/api/nodes/nodo7"));
        nodes.leave("nodo7");
        fits("DELETE", "/api/nodes/{id}", 200, admin.delete("/api/nodes/nodo7"));

        HttpResponse<String> session = http.send(http.builder("/api/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}")).build());
        String cookie = session.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = Json.GSON.fromJson(session.body(), JsonObject.class).get("csrf").getAsString();
        fits("POST", "/api/logout", 403, http.send(http.builder("/api/logout").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()).build()));
        fits("POST", "/api/logout", 200, http.send(http.builder("/api/logout").header("Cookie", cookie)
                .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.noBody()).build()));
        assertEquals("session", me.get("via").getAsString());

        for (String path : List.of("/metrics", "/api/tasks.csv")) {
            HttpResponse<String> r = admin.get(path);
            assertEquals(200, r.statusCode(), path);
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonObject op = operations(doc).get("GET " + path);
            assertTrue(op.getAsJsonObject("responses").getAsJsonObject("200").getAsJsonObject("content").has(type),
                    path + " answers " + type + ", which its description names");
        }
    }

    @Test
    void photoAndJobAnswersFitTheirDescribedSchemas() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        JsonObject blob = fits("POST", "/api/blobs", 201, admin.send(admin.builder("/api/blobs?kind=photo")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png.toByteArray())).build()));
        String photos = "{\"photos\":[{\"blob\":\"" + blob.get("hash").getAsString() + "\",\"name\":\"a.png\"}]";
        String faces = fits("POST", "/api/jobs", 202, admin.post("/api/jobs", photos + "}")).get("id").getAsString();
        String grey = fits("POST", "/api/jobs", 202, admin.post("/api/jobs", photos + ",\"filter\":\"grey\"}")).get("id").getAsString();

        fits("GET", "/api/jobs", 200, admin.get("/api/jobs"));
        fits("GET", "/api/jobs/{id}", 200, admin.get("/api/jobs/" + faces));
        fits("GET", "/api/jobs/{id}", 200, admin.get("/api/jobs/" + grey));
        HttpResponse<String> original = admin.get("/api/jobs/" + faces + "/photos/0/original");
        assertEquals(200, original.statusCode());
        assertTrue(operations(doc).get("GET /api/jobs/{id}/photos/{no}/original").toString().contains("#/components/responses/Image"));
        assertTrue(check(doc).resolve("#/components/responses/Image").getAsJsonObject("content")
                .has(original.headers().firstValue("Content-Type").orElse("")), "the photo's type is described");
        fits("GET", "/api/jobs/{id}/photos/{no}/annotated", 409, admin.get("/api/jobs/" + faces + "/photos/0/annotated"));
        fits("GET", "/api/jobs/{id}/photos/{no}/output", 409, admin.get("/api/jobs/" + grey + "/photos/0/output"));
        fits("GET", "/api/jobs/{id}/photos/{no}/original", 404, admin.get("/api/jobs/" + faces + "/photos/7/original"));
        fits("POST", "/api/jobs", 400, admin.post("/api/jobs", photos + ",\"sigma\":2}"));
        fits("POST", "/api/tasks", 415, admin.send(admin.builder("/api/tasks")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()));
    }

    @Test
    void answersWithoutRedisFitTheirDescribedSchemas() throws Exception {
        int closed = TestRedis.freePort();
        Redis gone = Redis.connect("redis://127.0.0.1:" + closed, 4);
        ApiServer cut = new ApiServer(ApiServer.Config.local("redis://127.0.0.1:" + closed, 0), gone, TestDatabase.fresh());
        cut.start();
        try {
            TestHttp cutHttp = new TestHttp(cut::port);
            JsonObject health = fits("GET", "/api/health", 503, cutHttp.get("/api/health"));
            assertEquals("down", health.get("redis").getAsString());
            fits("GET", "/api/summary", 503, cutHttp.get("/api/summary"));
        } finally {
            cut.stop();
            gone.close();
        }
    }

    @Test
    void theSchemaCheckSeesAMissingOrMistypedField() throws Exception {
        SchemaCheck check = new SchemaCheck(doc);
        JsonObject node = Json.GSON.fromJson(
                "{\"id\":\"n\",\"status\":\"online\",\"online\":true,\"drained\":false,\"saturated\":false,"
                        + "\"lastSeen\":null,\"clockOffsetMs\":null,\"clockOff\":false,\"queued\":0,\"running\":0,"
                        + "\"done\":0,\"alerts\":[],\"metrics\":null}", JsonObject.class);
        JsonObject schema = check.resolve("#/components/schemas/Node");
        assertEquals(List.of(), check.problems(node, schema));
        JsonObject missing = node.deepCopy();
        missing.remove("status");
        assertEquals(List.of("$: required field \"status\" is missing"), check.problems(missing, schema));
        JsonObject mistyped = node.deepCopy();
        mistyped.addProperty("queued", 1.5);
        assertEquals(List.of("$.queued: expected \"integer\", got 1.5"), check.problems(mistyped, schema));
        mistyped.addProperty("queued", 1);
        mistyped.addProperty("status", "asleep");
        assertFalse(check.problems(mistyped, schema).isEmpty());
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static SwaggerParseResult parse(String json) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        return new OpenAPIV3Parser().readContents(json, null, options);
    }

    private static JsonObject paths(JsonObject document) {
        return document.getAsJsonObject("paths");
    }

    /** Every operation of the document as {@code "GET /api/nodes"}. */
    private static Map<String, JsonObject> operations(JsonObject document) {
        Map<String, JsonObject> out = new TreeMap<>();
        for (Map.Entry<String, JsonElement> path : paths(document).entrySet()) {
            for (Map.Entry<String, JsonElement> op : path.getValue().getAsJsonObject().entrySet()) {
                if (METHODS.contains(op.getKey())) {
                    out.put(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), op.getValue().getAsJsonObject());
                }
            }
        }
        return out;
    }

    /**
     * Asserts the answer has the status, that the description gives this operation that status
     * with a JSON schema, and that the body fits it; returns the body.
     */
    private static JsonObject fits(String method, String template, int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), method + " " + template + " → " + r.body());
        JsonObject op = operations(doc).get(method + " " + template);
        assertNotNull(op, method + " " + template + " is described");
        JsonObject response = op.getAsJsonObject("responses").getAsJsonObject(Integer.toString(status));
        assertNotNull(response, method + " " + template + " describes " + status);
        SchemaCheck check = check(doc);
        if (response.has("$ref")) {
            response = check.resolve(response.get("$ref").getAsString());
        }
        JsonObject schema = response.getAsJsonObject("content").getAsJsonObject("application/json").getAsJsonObject("schema");
        JsonElement body = Json.GSON.fromJson(r.body(), JsonElement.class);
        assertEquals(List.of(), new SchemaCheck(doc).problems(body, schema), method + " " + template + " " + status + ": " + r.body());
        return body.getAsJsonObject();
    }

    private static SchemaCheck check(JsonObject document) {
        return new SchemaCheck(document);
    }
}
