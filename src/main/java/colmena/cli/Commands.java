package colmena.cli;

import colmena.config.UsageException;
import colmena.log.Outage;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The subcommands, the logging set-up they share, and the one place failures become exit codes:
 * 0 done, 1 a failure at run time, 2 a usage error.
 */
public final class Commands {
    static final String USAGE = """
            Usage: java -jar dist/colmena.jar COMMAND [options]

            Colmena: a small distributed system with automatic resource monitoring and cooperative processing.

            Commands:
              agent        run a node: report its metrics and run the tasks placed on it
              coordinator  place tasks on the least-loaded node and store results in TaskHistory
              api          serve the REST API and the dashboard (http://localhost:8000)
              submit       queue tasks from a shell, optionally waiting for the results
              cancel       cancel tasks (by id, or by type, status or node through the API)
              faces        find the faces in photos, the work spread over the nodes
              filter       run photos through a filter (grey, blur, sobel, resize), in strips over the nodes
              redis        start Redis for Colmena unless one already answers
              installation show which installation the database and Redis belong to; --name renames it
              node         add a PC (its own Redis credential, the line to run there), remove one, list them
              admin        admin reset-password: a new password for the admin account (on the database's machine)
              cds          build dist/colmena.jsa, the class-data sharing archive the start scripts start every part from
              bench        benchmarks: api, failover, soak, throughput, latency, footprint, placement, scale, faces, simulate
              version      print the version

            Run any command with --help for its options.
            """;

    private Commands() {
    }

    /**
     * Runs a command line and returns the exit code. A little over forty lines: its switch is the
     * table of subcommands, one line each, and reads best whole.
     */
    public static int run(String[] args) {
        configureLogging();
        if (args.length == 0) {
            System.err.print(USAGE);
            return 2;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (command) {
                case "agent" -> AgentCommand.run(rest);
                case "coordinator" -> CoordinatorCommand.run(rest);
                case "api" -> ApiCommand.run(rest);
                case "submit" -> SubmitCommand.run(rest);
                case "cancel" -> CancelCommand.run(rest);
                case "faces" -> photoJob("faces", () -> FacesCommand.run(rest));
                case "filter" -> photoJob("filter", () -> FilterCommand.run(rest));
                case "redis" -> RedisCommand.run(rest);
                case "installation" -> InstallationCommand.run(rest);
                case "node" -> NodeCommand.run(rest);
                case "admin" -> AdminCommand.run(rest);
                case "bench" -> bench(rest);
                case "cds" -> ClassArchiveCommand.run(rest);
                case "version", "--version" -> {
                    System.out.println("colmena " + version());
                    yield 0;
                }
                case "help", "--help", "-h" -> {
                    System.out.print(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command \"" + command
                        + "\"; commands: agent, coordinator, api, submit, cancel, faces, filter, redis, node, installation, admin, cds, bench, version");
            };
        } catch (UsageException e) {
            System.err.println("colmena " + command + ": " + e.getMessage());
            System.err.println("Run 'java -jar dist/colmena.jar " + (isCommand(command) ? command + " " : "") + "--help' for help.");
            return 2;
        } catch (StartupException e) {
            System.err.println("colmena " + command + ": " + e.getMessage());
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * The benchmarks' entry point. They are built apart from the product (src/bench) and packed into
     * the same jar; the product names them only here, and only by name, so it compiles without them.
     */
    static final String BENCH_CLASS = "colmena.bench.BenchCommand";

    private static int bench(String[] args) {
        Method run;
        try {
            run = Class.forName(BENCH_CLASS).getMethod("run", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            System.err.println("colmena bench: the benchmarks are not in this build (no " + BENCH_CLASS
                    + " on the class path); dist/colmena.jar built by ./mvnw package has them");
            return 1;
        }
        try {
            return (Integer) run.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UsageException u) {
                throw u;
            }
            if (cause instanceof StartupException s) {
                throw s;
            }
            if (cause instanceof Error error) {
                throw error; // as when the benchmarks were called directly
            }
            System.err.println("colmena bench: " + cause);
            return 1;
        } catch (IllegalAccessException e) {
            System.err.println("colmena bench: " + e);
            return 1;
        }
    }

    /** A command's run that may throw anything. */
    private interface Run {
        int run() throws Exception;
    }

    /**
     * Runs {@code faces} or {@code filter}. Exit 1 means a photo failed; Redis, the database or the
     * API out of reach exits {@link SubmitCommand#EXIT_NO_REDIS} (as {@code submit}) with one line.
     */
    private static int photoJob(String command, Run run) throws InterruptedException {
        // The command prints its own lines; the job maker's log line is for the API's log.
        setDefault("org.slf4j.simpleLogger.log.colmena.jobs", "warn");
        try {
            return run.run();
        } catch (UsageException | InterruptedException e) {
            throw e;
        } catch (StartupException e) {
            System.err.println("colmena " + command + ": " + e.getMessage());
            return SubmitCommand.EXIT_NO_REDIS;
        } catch (SQLException e) {
            System.err.println("colmena " + command + ": the database failed: " + e.getMessage());
            return SubmitCommand.EXIT_NO_REDIS;
        } catch (JedisException e) {
            System.err.println("colmena " + command + ": Redis failed: " + Outage.reason(e));
            return SubmitCommand.EXIT_NO_REDIS;
        } catch (Exception e) {
            System.err.println("colmena " + command + ": " + e);
            return 1;
        }
    }

    private static boolean isCommand(String c) {
        return switch (c) {
            case "agent", "coordinator", "api", "submit", "cancel", "faces", "filter", "redis", "node", "installation", "admin", "cds", "bench" -> true;
            default -> false;
        };
    }

    static String version() {
        String v = Commands.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * One readable line per event on standard output: time, level, message. Set before any logger
     * exists; a -D on the command line still wins.
     */
    static void configureLogging() {
        setDefault("org.slf4j.simpleLogger.logFile", "System.out");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showLogName", "false");
        setDefault("org.slf4j.simpleLogger.levelInBrackets", "false");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setDefault("org.slf4j.simpleLogger.log.oshi", "warn");
        setDefault("org.slf4j.simpleLogger.log.redis.clients", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.apache.commons.pool2", "warn");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
