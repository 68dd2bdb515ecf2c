package colmena.install;

/**
 * Whether a process whose database holds {@code db} may work with a Redis namespace whose stamp
 * is {@code stamp}: the decision alone, without I/O, so each case is a plain test.
 *
 * <pre>
 *  database   Redis stamp   meaning                                   verdict
 *  none       none          a new installation                        fine: the first leader makes it
 *  A          none          Redis emptied (or A stopped a while)      fine: the leader stamps A again
 *  A          A             the same installation                     fine
 *  A          B             two installations would mix               refused, naming both
 *  none       B             another database pointed at B's Redis     refused, naming B
 *  A in ns x  (namespace y) started with the wrong --namespace        refused, naming both
 * </pre>
 */
public final class Identity {
    private Identity() {
    }

    /**
     * @param redisWhere how to name the Redis (URL and namespace) in the message
     * @param dbWhere    how to name the database in the message
     * @return why the two must not work together, or null when they may
     */
    public static String problem(Installation db, Stamp stamp, String namespace, String redisWhere, String dbWhere) {
        if (db != null && !db.namespace().equals(namespace)) {
            return "the database " + dbWhere + " belongs to installation " + db.describe() + ", but this process uses "
                    + (namespace.isEmpty() ? "the default namespace" : "namespace \"" + namespace + "\"")
                    + "; start it with " + (db.namespace().isEmpty() ? "no --namespace" : "--namespace " + db.namespace())
                    + ", or give it another database";
        }
        if (stamp == null) {
            return null;
        }
        if (db == null) {
            return "Redis at " + redisWhere + " belongs to installation " + stamp.describe() + ", and the database "
                    + dbWhere + " holds no installation: point --db at " + stamp.describe()
                    + "'s database, or use another Redis or --namespace (its results would go where nobody reads them)";
        }
        if (!db.id().equals(stamp.id())) {
            return "Redis at " + redisWhere + " belongs to installation " + stamp.describe() + ", but the database "
                    + dbWhere + " belongs to installation " + db.describe()
                    + ": two Colmenas would mix; point --db at the right database, or use another Redis or --namespace";
        }
        return null;
    }

    /** A Redis URL (without its password) and this process's namespace, for messages. */
    public static String where(String redisUrl, String namespace) {
        return redisUrl + (namespace.isEmpty() ? "" : " (namespace \"" + namespace + "\")");
    }
}
