package colmena.store;

/**
 * Commits rows to the H2 database at the URL given as the coordinator's storing thread does, then
 * waits to be killed: {@code args[1]} rows to AuditLog, made durable by {@link Durability} (its
 * {@code CHECKPOINT}) and then "durable" printed; then {@code args[2]} more, committed only, and
 * "committed" printed. For {@link DurabilityTest}, which kills it at once.
 */
public final class CommitThenHoldMain {
    private CommitThenHoldMain() {
    }

    public static void main(String[] args) throws Exception {
        Database db = Database.open(args[0], null, null);
        Durability durability = Durability.of(db);
        try (DbSession session = new DbSession(db)) {
            insert(session, "durable", Integer.parseInt(args[1]));
            durability.durableUpTo(session);
            System.out.println("durable");
            insert(session, "committed", Integer.parseInt(args[2]));
            System.out.println("committed");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static void insert(DbSession session, String action, int rows) throws Exception {
        session.inTransaction(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO AuditLog (OccurredAt, Action) VALUES (CURRENT_TIMESTAMP, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setString(1, action);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }
}
