package colmena.broker;

import colmena.metrics.NodeStats;

/**
 * What Redis says of one node at one moment.
 *
 * @param online  its stats key exists (it has reported within the key's lifetime)
 * @param drained it gets no new work
 * @param stats   its latest metrics, or the last ones it sent when offline; null if never seen
 * @param queued  tasks placed on it and not yet taken ({@code node:<id>:tasks})
 * @param running tasks it has taken and not finished ({@code node:<id>:inflight})
 * @param done    tasks it has finished, DONE or FAILED
 */
public record NodeView(String id, boolean online, boolean drained, NodeStats stats, long queued, long running,
                       long done) {
}
