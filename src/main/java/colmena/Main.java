package colmena;

import colmena.cli.Commands;

/** Picks the subcommand; everything else happens in {@link Commands}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Commands.run(args));
    }
}
