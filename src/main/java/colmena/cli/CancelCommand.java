package colmena.cli;

import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code colmena cancel}: cancels tasks by id, or through the API every unfinished task of a type,
 * a status or a node. A waiting task is taken out of its queue; a running one is stopped on its
 * node within about a second; both end CANCELLED. A finished task cannot be cancelled.
 */
final class CancelCommand {
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    static final List<Option> OPTIONS = List.of(
            Settings.REDIS,
            Option.repeated("id", "TASK-ID", "a task to cancel (repeat for more)"),
            Option.value("type", null, null, "TYPE", "with --api: every unfinished task of this type"),
            Option.value("status", null, null, "PENDING|RUNNING", "with --api: only tasks in this state"),
            Option.value("node", null, null, "NODE", "with --api: only tasks on this node"),
            Settings.WAIT_FOR_REDIS,
            Option.value("api", "COLMENA_API_URL", null, "URL", "cancel through the API (needs an operator's token)"),
            Option.value("token", "COLMENA_API_TOKEN", null, "TOKEN", "with --api: an API token made on the dashboard"));

    private CancelCommand() {
    }

    static String summary() {
        return """
                Cancels tasks: a waiting one leaves its queue, a running one is stopped on its node within about a
                second; both end CANCELLED in TaskHistory. A finished task cannot be cancelled.

                Exit codes: 0 every task asked for is being cancelled, 1 some were already finished or unknown,
                2 bad usage, 4 Redis or the API could not be reached

                Examples:
                  cancel --id 0192c1f4-…
                  cancel --api http://teachers-pc:8000 --token colmena_... --type primes --status PENDING""";
    }

    static int run(String[] args) throws InterruptedException {
        Flags flags = Startup.flags("cancel", summary(), OPTIONS, args);
        if (flags == null) {
            return 0;
        }
        List<String> ids = flags.all("id");
        for (String id : ids) {
            if (!TASK_ID.matcher(id).matches()) {
                throw new UsageException("--id: \"" + id + "\" is not a task id");
            }
        }
        boolean filtered = flags.string("type") != null || flags.string("status") != null || flags.string("node") != null;
        if (ids.isEmpty() == !filtered) {
            throw new UsageException(ids.isEmpty() ? "say which tasks: --id, or --type/--status/--node with --api"
                    : "give either --id or --type/--status/--node, not both");
        }
        String api = flags.string("api");
        if (filtered && api == null) {
            throw new UsageException("--type, --status and --node need --api (the API finds the matching tasks in TaskHistory)");
        }
        if (api != null) {
            ApiClient client = new ApiClient(api, flags.string("token"), Duration.ofSeconds(30));
            return filtered ? byFilter(client, flags) : byIdThroughApi(client, ids);
        }
        try (Redis redis = Startup.redis(flags.string("redis"), 2, Startup.startWait(flags))) {
            TaskQueue queue = new TaskQueue(redis);
            String request = Json.write(Map.of("by", "colmena cancel on " + host(), "atMs", queue.now()));
            Map<String, String> requests = new LinkedHashMap<>();
            ids.forEach(id -> requests.put(id, request));
            queue.requestCancel(requests);
            System.err.println("Asked to cancel " + ids.size() + " task" + (ids.size() == 1 ? "" : "s")
                    + "; the coordinator cancels those not finished (see their status on the dashboard)");
            return 0;
        } catch (StartupException e) {
            throw new StartupException(e.getMessage(), SubmitCommand.EXIT_NO_REDIS);
        }
    }

    private static int byIdThroughApi(ApiClient client, List<String> ids) throws InterruptedException {
        int refused = 0;
        for (String id : ids) {
            try {
                client.send(client.request("POST", "/api/tasks/" + id + "/cancel", ""));
                System.out.println(id + " cancelling");
            } catch (StartupException e) {
                refused++;
                System.out.println(id + " not cancelled: " + e.getMessage());
            }
        }
        return refused == 0 ? 0 : 1;
    }

    private static int byFilter(ApiClient client, Flags flags) throws InterruptedException {
        Map<String, String> body = new LinkedHashMap<>();
        for (String f : List.of("type", "status", "node")) {
            if (flags.string(f) != null) {
                body.put(f, flags.string(f));
            }
        }
        JsonObject r = client.send(client.request("POST", "/api/tasks/cancel", Json.write(body)));
        System.err.println("Cancelling " + r.get("cancelling").getAsInt() + " tasks");
        return 0;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this machine";
        }
    }
}
