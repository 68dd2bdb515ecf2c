package colmena.store;

import java.util.List;

/** The statements of the embedded H2 database (MSSQLServer mode) that differ from SQL Server's. */
public final class H2Dialect extends SqlDialect {
    public static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {
    }

    @Override
    public int snapshotIsolation() {
        return 6; // org.h2.engine.Constants.TRANSACTION_SNAPSHOT
    }

    @Override
    public String name() {
        return "H2";
    }

    @Override
    protected String countRows() {
        return "COUNT(*)"; // a BIGINT in H2
    }

    private static final java.util.regex.Pattern COLLATE = java.util.regex.Pattern.compile("\\s+COLLATE\\s+\\w+");

    @Override
    public String schemaBatch(String batch) {
        return COLLATE.matcher(batch).replaceAll("");
    }

    /**
     * One column with IF NOT EXISTS, which H2 checks once it holds the table: a second process
     * that waited while the first copied the table to add the column adds nothing, instead of
     * copying it again. Several in parentheses, H2's form for one copy of the table for all
     * (which takes no IF NOT EXISTS: they are added in turns, see {@link Schema}).
     */
    @Override
    public List<String> addColumns(String table, List<String[]> columns) {
        if (columns.size() == 1) {
            return List.of("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + columns.get(0)[0] + " " + columns.get(0)[1]);
        }
        return List.of("ALTER TABLE " + table + " ADD (" + String.join(", ", columns.stream().map(d -> d[0] + " " + d[1]).toList()) + ")");
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

    /** None: H2 can only tell a table's size by reading all of it; {@link Database#historyBytes} gives the file's. */
    @Override
    public String historyBytes() {
        return null;
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
