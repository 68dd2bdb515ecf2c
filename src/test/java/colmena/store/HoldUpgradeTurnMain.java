package colmena.store;

/**
 * Opens the database at the URL given, as a process of Colmena does at start, then takes the turn
 * at bringing it up to date and keeps it until killed, as a process would while it copies a large
 * table. Says {@code holding} once it holds it. For tests of a process dying mid-upgrade.
 */
public final class HoldUpgradeTurnMain {
    private HoldUpgradeTurnMain() {
    }

    public static void main(String[] args) throws Exception {
        Database db = Database.open(args[0], null, null);
        try (java.sql.Connection c = db.connect()) { // this process holds the database (H2's AUTO_SERVER)
            H2Local.inTurn(H2Local.upgradeLockFile(H2Local.databaseFile(args[0])), 60_000, null, turn -> {
                System.out.println("holding " + turn);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
        }
    }
}
