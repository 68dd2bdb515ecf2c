package colmena.api;

import colmena.TestHttp;
import colmena.broker.Json;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refused submission says what was wrong three ways: {@code error} in English (for the CLI and
 * scripts, as before), {@code field}, and a stable {@code code} with its {@code values}, from which
 * the dashboard writes the sentence in its own language.
 */
class ErrorCodesTest {
    @RegisterExtension
    static final LocalApi api = new LocalApi();
    private static final TestHttp http = api.http();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"primes\",\"params\":{\"n\":1}}          | params.n | param_min        | {\"type\":\"primes\",\"param\":\"n\",\"min\":2,\"got\":1} | primes: n must be at least 2, got 1",
            "{\"type\":\"sleep\",\"params\":{\"ms\":99999999}}  | params.ms | param_max       | {\"type\":\"sleep\",\"param\":\"ms\",\"max\":3600000,\"got\":99999999} | sleep: ms must be at most 3600000, got 99999999",
            "{\"type\":\"fibb\"}                                 | type     | type_unknown     | {\"type\":\"fibb\"}                                    | unknown task type \"fibb\"",
            "{\"type\":\"primes\",\"params\":{\"x\":1}}          | params.x | param_unknown    | {\"type\":\"primes\",\"param\":\"x\"}                  | unknown parameter \"x\" for primes",
            "{\"type\":\"primes\",\"params\":{\"n\":\"ten\"}}    | params.n | param_not_whole  | {\"param\":\"n\",\"got\":\"\\\"ten\\\"\"}              | n must be a whole number",
            "{\"type\":\"primes\",\"count\":0}                   | count    | count_range      | {\"max\":1000,\"got\":\"0\"}                           | count must be a whole number from 1 to 1000"})
    void aRefusedSubmissionCarriesItsCodeAndValuesBesideTheEnglishMessage(String body, String field, String code,
                                                                            String values, String message) throws Exception {
        HttpResponse<String> r = http.post("/api/tasks", body);
        assertEquals(400, r.statusCode(), r.body());
        JsonObject answer = Json.GSON.fromJson(r.body(), JsonObject.class);
        assertTrue(answer.get("error").getAsString().contains(message), answer.get("error").getAsString());
        assertEquals(field, answer.get("field").getAsString());
        assertEquals(code, answer.get("code").getAsString());
        JsonObject expected = Json.GSON.fromJson(values, JsonObject.class);
        for (String k : expected.keySet()) {
            assertEquals(expected.get(k).getAsString(), answer.getAsJsonObject("values").get(k).getAsString(), k);
        }
        assertEquals(0L, (long) api.redis().call(j -> j.llen(colmena.broker.RedisKeys.submitted())), "nothing queued");
    }
}
