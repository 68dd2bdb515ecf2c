package colmena;

import colmena.cli.Commands;

/** Picks the subcommand; everything else happens in {@link Commands}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("bench")) {
            // The benchmarks' HTTP clients complete their requests on CompletableFuture's default
            // executor, which with fewer than two common-pool threads (a 2-core machine) starts a
            // thread per completion: thousands a minute, in the process being measured.
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
                    System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "4"));
        }
        System.exit(Commands.run(args));
    }
}
