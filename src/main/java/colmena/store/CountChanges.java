package colmena.store;

import colmena.task.TaskStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one transaction's writes of TaskHistory change in its counts by node, type and status,
 * summed, and written into TaskCounts in that same transaction ({@link #write}): a few rows per
 * batch of tasks, however many tasks it holds. Only rows a write is known to have changed are
 * counted: an insert, or an update or delete whose condition held the row's status and node as
 * they were looked up.
 */
final class CountChanges {
    /** One count: a node (null: none yet), a task type and a status. */
    record Key(String node, String type, String status) {
        Key {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(status, "status");
        }
    }

    private final Map<Key, Long> changes = new HashMap<>();

    /** A row that now exists with this node, type and status. */
    void added(String node, String type, TaskStatus status) {
        add(new Key(node, type, status.name()), 1);
    }

    /** A row that no longer exists with this node, type and status. */
    void removed(String node, String type, String status) {
        add(new Key(node, type, status), -1);
    }

    /** A row moved from one node and status to another. */
    void moved(String type, String fromNode, TaskStatus fromStatus, String toNode, TaskStatus toStatus) {
        if (!Objects.equals(fromNode, toNode) || fromStatus != toStatus) {
            removed(fromNode, type, fromStatus.name());
            added(toNode, type, toStatus);
        }
    }

    void add(Key key, long n) {
        changes.merge(key, n, Long::sum);
    }

    /** Adds every change of {@code other}. */
    void addAll(CountChanges other) {
        other.changes.forEach(this::add);
    }

    /** The sum of the changes per key, zeros left out. */
    Map<Key, Long> sums() {
        Map<Key, Long> out = new HashMap<>();
        changes.forEach((k, n) -> {
            if (n != 0) {
                out.put(k, n);
            }
        });
        return out;
    }

    /** Writes the changes into TaskCounts, on {@code c}, in its transaction; then forgets them. */
    void write(Connection c, TaskHistorySql sql) throws SQLException {
        Map<Key, Long> sums = sums();
        changes.clear();
        if (sums.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql.addCount())) {
            for (Map.Entry<Key, Long> e : sums.entrySet()) {
                ps.setString(1, e.getKey().node());
                ps.setString(2, e.getKey().type());
                ps.setString(3, e.getKey().status());
                ps.setLong(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
