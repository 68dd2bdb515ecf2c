package colmena.api;

import colmena.auth.UserStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.util.List;

/**
 * The English details and actors the API writes into the audit log, read back as codes and values
 * (see {@link TaskPhrases}) so the dashboard can write them in its reader's language. A detail this
 * class does not know has no code and is shown as it is.
 */
final class AuditPhrases {
    private AuditPhrases() {
    }

    private static final String NODE = TaskPhrases.NODE;

    /** Details, as written by TasksApi, AuthApi, JobsApi, NodeCredentialsApi, ApiServer, AdminCommand, Auth and FailedLogins. */
    private static final List<TaskPhrases.Phrase> DETAILS = List.of(
            TaskPhrases.Phrase.of("submitted", "(\\d+) × " + NODE + " \\(first ([0-9a-f-]+)\\)", "count", "type", "first"),
            TaskPhrases.Phrase.of("no_auth", "started with --no-auth: no login, everyone is admin"),
            TaskPhrases.Phrase.of("role", "role (\\w+)(?:, id (\\d+))?(?:, expires (\\S+))?(; sessions ended)?",
                    "role", "id", "expires", "ended"),
            TaskPhrases.Phrase.of("photos", "(\\d+) photos, (\\S+)", "count", "filter"),
            TaskPhrases.Phrase.of("tasks", "(\\d+) tasks", "count"),
            TaskPhrases.Phrase.of("credential_made", "credential made"),
            TaskPhrases.Phrase.of("credential_revoked", "credential revoked"),
            TaskPhrases.Phrase.of("from_flag", "from --admin-password / COLMENA_ADMIN_PASSWORD"),
            TaskPhrases.Phrase.of("password_reset", "password reset, sessions ended"),
            TaskPhrases.Phrase.of("account_created", "account created"),
            TaskPhrases.Phrase.of("first_start", "first start: random password printed once"),
            TaskPhrases.Phrase.of("first_use", "first use(?: since (\\S+))?", "since"),
            TaskPhrases.Phrase.of("cancel_filter", "status (PENDING or RUNNING|[A-Z]+)(?:, type (\\S+))?(?:, node " + NODE + ")?",
                    "status", "type", "node"),
            TaskPhrases.Phrase.of("failed_burst", "(\\d+) failed logins for this user in (\\d+) min \\(last: (.*)\\)",
                    "count", "minutes", "via"));

    /** Actors that are not a user's name. */
    private static final List<TaskPhrases.Phrase> ACTORS = List.of(
            TaskPhrases.Phrase.of("system", "system"),
            TaskPhrases.Phrase.of("console", "console"),
            TaskPhrases.Phrase.of("anonymous", "anonymous"),
            TaskPhrases.Phrase.of("token", "token \"(.*)\" of (\\S+)", "name", "user"));

    /** The entry as JSON with {@code detailCode}, {@code targetCode} and {@code actorCode} (each null when not Colmena's words). */
    static JsonElement entry(UserStore.AuditEntry e) {
        JsonObject o = colmena.broker.Json.API.toJsonTree(e).getAsJsonObject();
        o.add("detailCode", code(DETAILS, e.detail()));
        o.add("targetCode", code(DETAILS, e.target()));
        o.add("actorCode", code(ACTORS, e.actor()));
        return o;
    }

    /** The codes of the details and actors this class knows: the page has a phrase audit_&lt;code&gt; for each. */
    static java.util.stream.Stream<String> codes() {
        return java.util.stream.Stream.concat(DETAILS.stream(), ACTORS.stream()).map(TaskPhrases.Phrase::code);
    }

    private static JsonElement code(List<TaskPhrases.Phrase> phrases, String text) {
        if (text == null || text.isEmpty()) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = TaskPhrases.whole(phrases, text);
        return "text".equals(o.get("code").getAsString()) ? JsonNull.INSTANCE : o;
    }
}
