package colmena.store;

/** The statements of the embedded H2 database (MSSQLServer mode) that differ from SQL Server's. */
public final class H2Dialect extends SqlDialect {
    public static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {
    }

    @Override
    public String name() {
        return "H2";
    }

    @Override
    protected String countRows() {
        return "COUNT(*)"; // a BIGINT in H2
    }

    @Override
    public String checkpoint() {
        return "CHECKPOINT";
    }

    @Override
    public String indexExists() {
        return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE UPPER(INDEX_NAME) = UPPER(?) AND UPPER(TABLE_NAME) = UPPER(?)";
    }

    @Override
    public String dropIndex(String index, String table) {
        return "DROP INDEX IF EXISTS " + index;
    }

    @Override
    public String historyBytes() {
        return "SELECT DISK_SPACE_USED('TaskHistory')";
    }

    /** The size of the block of row ids TaskHistory's identity column hands out between two writes of its state. */
    public String identityCache() {
        return "SELECT IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE UPPER(TABLE_NAME) = 'TASKHISTORY' AND UPPER(COLUMN_NAME) = 'ID'";
    }

    public String setIdentityCache(int ids) {
        return "ALTER TABLE TaskHistory ALTER COLUMN ID SET CACHE " + ids;
    }

    /** Sets the {@code sa} user's password; {@code password} must be base64url characters only (it goes between quotes). */
    public String setSaPassword(String password) {
        if (!password.matches("[A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException("a generated password holds base64url characters only");
        }
        return "ALTER USER \"SA\" SET PASSWORD '" + password + "'";
    }
}
