package colmena.store;

/**
 * Opens the database at the URL given, as a process of Colmena does at start, and ends: exit 0 once
 * it is open with the schema this version expects. For tests that race processes on one H2 file.
 */
public final class OpenDatabaseMain {
    private OpenDatabaseMain() {
    }

    public static void main(String[] args) throws Exception {
        Database.open(args[0], null, null);
        System.out.println("opened");
    }
}
