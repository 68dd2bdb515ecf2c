package colmena.store;

import java.util.List;

/**
 * One page of TaskHistory.
 *
 * @param total      rows matching the filters, on every page; -1 while not known (a first count under way)
 * @param nextCursor pass as {@code before} for the next page; null on the last page
 */
public record TaskPage(List<TaskRecord> tasks, long total, Long nextCursor) {
}
