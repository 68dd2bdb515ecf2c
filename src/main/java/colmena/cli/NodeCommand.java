package colmena.cli;

import colmena.broker.NodeCredentials;
import colmena.broker.Redis;
import colmena.config.Flags;
import colmena.config.Option;
import colmena.config.Settings;
import colmena.config.UsageException;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code colmena node add NAME | remove NAME | list}: joining a PC is the teacher's action. Adding
 * a node makes its own Redis credential and prints the one line to run on that PC; removing it
 * revokes the credential and cuts the PC off at once.
 */
final class NodeCommand {
    static final List<Option> OPTIONS = List.of(Settings.REDIS,
            Option.value("host", "COLMENA_JOIN_HOST", null, "ADDRESS",
                    "the address student PCs reach Redis at, for the printed line; default this machine's LAN address"));
    static final String SUMMARY = "Adds a PC (its own Redis credential and the line to run on it), removes one, or lists them.";
    private static final String ACTIONS = "add NAME, remove NAME or list";

    private NodeCommand() {
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print("Usage: java -jar dist/colmena.jar node add NAME | remove NAME | list [options]\n\n"
                    + Flags.usage("node", SUMMARY, OPTIONS));
            return args.length == 0 ? 2 : 0;
        }
        String action = args[0];
        boolean named = action.equals("add") || action.equals("remove");
        if (!named && !action.equals("list")) {
            throw new UsageException("unknown action \"" + action + "\"; use " + ACTIONS);
        }
        if (named && (args.length < 2 || args[1].startsWith("--"))) {
            throw new UsageException("node " + action + " needs the PC's name, e.g. node " + action + " pc07");
        }
        String name = named ? args[1] : null;
        Flags flags = Startup.flags("node", SUMMARY, OPTIONS, Arrays.copyOfRange(args, named ? 2 : 1, args.length));
        if (flags == null) {
            return 0;
        }
        Redis redis = Startup.redis(flags.string("redis"), 2, Duration.ZERO);
        try {
            NodeCredentials credentials = new NodeCredentials(redis);
            return switch (action) {
                case "add" -> add(credentials, name, flags);
                case "remove" -> remove(credentials, name);
                default -> list(credentials);
            };
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        } finally {
            redis.close();
        }
    }

    private static int add(NodeCredentials credentials, String name, Flags flags) {
        NodeCredentials.Credential c = credentials.add(name);
        URI redis = URI.create(flags.string("redis"));
        String host = flags.string("host") != null ? flags.string("host") : NodeCredentials.joinHost(redis.getHost());
        int port = redis.getPort() == -1 ? 6379 : redis.getPort();
        System.out.println("Node " + name + " added. On that PC run this line (it carries the PC's own password,"
                + " shown only now):");
        System.out.println();
        System.out.println("  java -jar colmena.jar agent --redis " + c.url(host, port));
        System.out.println();
        System.out.println("This credential reaches only " + name + "'s own keys in Redis. To cut the PC off: "
                + "java -jar dist/colmena.jar node remove " + name);
        if (!credentials.persistent()) {
            System.out.println("Note: this Redis keeps credentials in memory only, so they end when it restarts;"
                    + " 'colmena redis' keeps them in its data folder (users.acl).");
        }
        return 0;
    }

    private static int remove(NodeCredentials credentials, String name) {
        if (!credentials.remove(name)) {
            throw new StartupException("no node \"" + name + "\" has a credential; nodes with one: "
                    + String.join(", ", credentials.nodes()));
        }
        System.out.println("Node " + name + "'s credential revoked and its connections closed: the PC stops, shows"
                + " offline within seconds, and its tasks go to other nodes.");
        return 0;
    }

    private static int list(NodeCredentials credentials) {
        for (String node : credentials.nodes()) {
            System.out.println(node);
        }
        return 0;
    }
}
