package colmena.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON answer against a schema of the API description, as far as the description goes:
 * {@code $ref}, {@code type} (one or a list, {@code "null"} included), {@code required},
 * {@code properties}, {@code additionalProperties}, {@code items}, {@code enum}, {@code const},
 * {@code allOf}, {@code oneOf} and the {@code date-time} format. Each problem names where it is
 * ({@code $.nodes[0].metrics.cpuPercent}) and what was expected.
 */
final class SchemaCheck {
    private final JsonObject document;

    SchemaCheck(JsonObject document) {
        this.document = document;
    }

    /** The problems of {@code value} against {@code schema}; empty when it fits. */
    List<String> problems(JsonElement value, JsonObject schema) {
        List<String> out = new ArrayList<>();
        check("$", value, schema, out);
        return out;
    }

    private void check(String at, JsonElement value, JsonObject schema, List<String> out) {
        if (schema.has("$ref")) {
            check(at, value, resolve(schema.get("$ref").getAsString()), out);
            return;
        }
        if (schema.has("allOf")) {
            for (JsonElement s : schema.getAsJsonArray("allOf")) {
                check(at, value, s.getAsJsonObject(), out);
            }
        }
        if (schema.has("oneOf")) {
            int fits = 0;
            List<String> why = new ArrayList<>();
            for (JsonElement s : schema.getAsJsonArray("oneOf")) {
                List<String> p = new ArrayList<>();
                check(at, value, s.getAsJsonObject(), p);
                fits += p.isEmpty() ? 1 : 0;
                why.addAll(p);
            }
            if (fits != 1) {
                out.add(at + ": fits " + fits + " of the oneOf schemas, not exactly one " + why);
            }
        }
        if (schema.has("type") && !hasType(value, schema.get("type"))) {
            out.add(at + ": expected " + schema.get("type") + ", got " + value);
            return;
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            out.add(at + ": expected " + schema.get("const") + ", got " + value);
        }
        if (schema.has("enum") && !value.isJsonNull() && !schema.getAsJsonArray("enum").contains(value)) {
            out.add(at + ": expected one of " + schema.get("enum") + ", got " + value);
        }
        if (schema.has("format") && schema.get("format").getAsString().equals("date-time")
                && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            try {
                Instant.parse(value.getAsString());
            } catch (DateTimeParseException e) {
                out.add(at + ": expected an ISO-8601 date-time, got " + value);
            }
        }
        if (value.isJsonObject()) {
            checkObject(at, value.getAsJsonObject(), schema, out);
        }
        if (value.isJsonArray() && schema.has("items")) {
            JsonArray a = value.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                check(at + "[" + i + "]", a.get(i), schema.getAsJsonObject("items"), out);
            }
        }
    }

    private void checkObject(String at, JsonObject value, JsonObject schema, List<String> out) {
        if (schema.has("required")) {
            for (JsonElement name : schema.getAsJsonArray("required")) {
                if (!value.has(name.getAsString())) {
                    out.add(at + ": required field \"" + name.getAsString() + "\" is missing");
                }
            }
        }
        JsonObject properties = schema.has("properties") ? schema.getAsJsonObject("properties") : new JsonObject();
        for (Map.Entry<String, JsonElement> field : value.entrySet()) {
            String where = at + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(where, field.getValue(), properties.getAsJsonObject(field.getKey()), out);
            } else if (schema.has("additionalProperties") && schema.get("additionalProperties").isJsonObject()) {
                check(where, field.getValue(), schema.getAsJsonObject("additionalProperties"), out);
            } else if (schema.has("additionalProperties") && !schema.get("additionalProperties").getAsBoolean()) {
                out.add(where + ": not described, and the schema allows no other fields");
            }
        }
    }

    private static boolean hasType(JsonElement value, JsonElement type) {
        if (type.isJsonArray()) {
            for (JsonElement t : type.getAsJsonArray()) {
                if (hasType(value, t)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.getAsString()) {
            case "null" -> value.isJsonNull();
            case "object" -> value.isJsonObject();
            case "array" -> value.isJsonArray();
            case "string" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
            case "boolean" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
            case "number" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber();
            case "integer" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
                    && value.getAsDouble() == Math.rint(value.getAsDouble()) && !value.getAsString().contains(".");
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    /** The schema a local {@code $ref} such as {@code #/components/schemas/Node} points to. */
    JsonObject resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("only local references are used here, got " + ref);
        }
        JsonElement e = document;
        for (String part : ref.substring(2).split("/")) {
            e = e.getAsJsonObject().get(part.replace("~1", "/").replace("~0", "~"));
            if (e == null) {
                throw new IllegalArgumentException("the reference " + ref + " points nowhere");
            }
        }
        return e.getAsJsonObject();
    }
}
