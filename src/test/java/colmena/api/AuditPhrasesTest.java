package colmena.api;

import colmena.auth.UserStore;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit log's details and actors come with codes when the API wrote them, and without when a person did. */
class AuditPhrasesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "3 × sleep (first 01a23537-b01d-7000-8005-3ebbc453e694) | submitted | type=sleep",
        "started with --no-auth: no login, everyone is admin | no_auth | ",
        "role operator, id 4, expires 2026-12-03T05:00:00Z | role | id=4",
        "role viewer; sessions ended | role | role=viewer",
        "2 photos, faces | photos | filter=faces",
        "12 tasks | tasks | count=12",
        "credential revoked | credential_revoked | ",
        "password reset, sessions ended | password_reset | ",
        "first start: random password printed once | first_start | ",
        "first use since 2026-12-02T05:00:00Z | first_use | since=2026-12-02T05:00:00Z",
        "status PENDING or RUNNING, node nodo2 | cancel_filter | node=nodo2",
        "10 failed logins for this user in 3 min (last: password) | failed_burst | via=password",
    })
    void aDetailTheApiWroteHasItsCode(String detail, String code, String expected) {
        JsonObject o = AuditPhrases.entry(new UserStore.AuditEntry(1, Instant.now(), "admin", "x", null, null, detail))
                .getAsJsonObject();
        JsonObject dc = o.getAsJsonObject("detailCode");
        assertEquals(code, dc.get("code").getAsString(), o.toString());
        if (expected != null) {
            String[] kv = expected.split("=", 2);
            assertEquals(kv[1], dc.getAsJsonObject("values").get(kv[0]).getAsString(), o.toString());
        }
        assertEquals(detail, o.get("detail").getAsString(), "the text is kept");
        assertTrue(o.get("actorCode").isJsonNull(), "admin is a user's name");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "system | system",
        "anonymous | anonymous",
        "token \"lab script\" of admin | token",
    })
    void anActorThatIsNoUserHasItsCode(String actor, String code) {
        JsonObject o = AuditPhrases.entry(new UserStore.AuditEntry(1, Instant.now(), actor, "x", "what the teacher typed", null, null))
                .getAsJsonObject();
        assertEquals(code, o.getAsJsonObject("actorCode").get("code").getAsString());
        assertTrue(o.get("targetCode").isJsonNull() && o.get("detailCode").isJsonNull(), o.toString());
    }

    /**
     * Every detail the sources write as a literal (a call's last argument, or a branch of a choice
     * there) is one the dashboard can put in its reader's language: a new one without its phrase
     * fails here rather than showing English on a Spanish page.
     */
    @Test
    void everyDetailTheSourcesWriteAsALiteralHasItsCode() throws IOException {
        List<String> details = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                // UserStore's writes (actor, action, target, address, detail; not its reads), and
                // AuditTrail's (request, action, target, detail), the API's usual way in.
                Matcher call = Pattern.compile("\\.audit\\(|\\baudit\\.record\\(").matcher(src);
                while (call.find()) {
                    List<String> args = split(src, call.end(), ",");
                    if (args.size() >= (call.group().contains("record") ? 4 : 5)) {
                        for (String branch : split(args.get(args.size() - 1), 0, "?:")) {
                            String b = branch.strip();
                            if (b.matches("\"[^\"\\\\]*\"")) {
                                details.add(b.substring(1, b.length() - 1));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(details.containsAll(List.of("first start: random password printed once", "credential made",
                "credential revoked", "first use")), "the literal details found: " + details);
        for (String d : details) {
            JsonObject o = AuditPhrases.entry(new UserStore.AuditEntry(1, Instant.now(), "system", "x", null, null, d))
                    .getAsJsonObject();
            assertTrue(o.get("detailCode").isJsonObject(), "no phrase for the audit detail \"" + d + "\" (AuditPhrases.DETAILS)");
        }
    }

    /** The text from {@code from} to its closing bracket (or the end), cut at the top level at any of {@code at}. */
    private static List<String> split(String s, int from, String at) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = from;
        boolean quoted = false;
        int i = from;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth-- == 0) {
                break;
            } else if (depth == 0 && at.indexOf(c) >= 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start, Math.min(i, s.length())));
        return parts;
    }
}
