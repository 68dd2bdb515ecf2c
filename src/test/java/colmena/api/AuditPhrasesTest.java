package colmena.api;

import colmena.auth.UserStore;
import com.google.gson.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

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
}
