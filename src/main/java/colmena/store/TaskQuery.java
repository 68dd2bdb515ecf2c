package colmena.store;

import colmena.task.TaskStatus;

/**
 * Which TaskHistory rows to list, newest first.
 *
 * @param beforeRowId a cursor: only rows with a smaller ID (the last row of the previous page); null for none
 * @param offset      rows to skip, for plain paging; 0 when a cursor is used
 */
public record TaskQuery(String node, TaskStatus status, String type, Long beforeRowId, int offset, int limit) {
    /** A blank node or type is no filter (never one matching rows with no node). */
    public TaskQuery {
        node = node == null || node.isBlank() ? null : node;
        type = type == null || type.isBlank() ? null : type;
    }

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** The same filters, without cursor, offset or limit: what a count of the matches depends on. */
    public TaskQuery filters() {
        return new TaskQuery(node, status, type, null, 0, 0);
    }

    public static TaskQuery latest(int limit) {
        return new TaskQuery(null, null, null, null, 0, limit);
    }
}
