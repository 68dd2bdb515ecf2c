package colmena.task;

/**
 * Where a task is in its life. The names are the very strings in TaskHistory.Status, in the API
 * and on the dashboard.
 *
 * <pre>
 *   submitted ──placed──▶ PENDING ──taken by an agent──▶ RUNNING ──▶ DONE
 *                           ▲                              │    └───▶ FAILED
 *                           └──── node lost or moved ──────┘  (attempts raised; FAILED past the limit)
 *   PENDING or RUNNING ──cancelled by an operator──▶ CANCELLED
 * </pre>
 */
public enum TaskStatus {
    PENDING, RUNNING, DONE, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
