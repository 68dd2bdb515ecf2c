package colmena.coordinator;

import java.util.List;

/** A placement policy that times each of its decisions into the coordinator's stats. */
final class TimedPlacement implements Placement {
    private final Placement policy;
    private final CoordinatorStats stats;

    TimedPlacement(Placement policy, CoordinatorStats stats) {
        this.policy = policy;
        this.stats = stats;
    }

    @Override
    public String name() {
        return policy.name();
    }

    @Override
    public boolean movesQueuedTasks() {
        return policy.movesQueuedTasks();
    }

    @Override
    public Choice choose(List<NodeLoad> nodes) {
        long t0 = System.nanoTime();
        Choice choice = policy.choose(nodes);
        stats.onChoose(System.nanoTime() - t0);
        return choice;
    }
}
