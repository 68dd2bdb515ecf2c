package colmena.coordinator;

import java.util.List;
import java.util.Locale;

/**
 * A rule for choosing a node for the next task: a pure function of what is known of the live
 * nodes, so it is tested without Redis. The chosen node's {@link NodeLoad#outstanding} is raised
 * by the caller.
 */
public interface Placement {
    /** The name given to {@code --policy}. */
    String name();

    /** Picks one of {@code nodes} (never empty) and says why, in words a student can read. */
    Choice choose(List<NodeLoad> nodes);

    record Choice(NodeLoad node, String reason) {
    }

    /**
     * Whether the coordinator, besides placing by this rule, moves tasks queued on a node that
     * falls behind to nodes where they would finish sooner. Only the default does: the paper's
     * rule and round-robin are kept as they are, for comparison.
     */
    default boolean movesQueuedTasks() {
        return false;
    }

    List<String> NAMES = List.of("least-loaded", "least-cpu", "round-robin");

    /** @throws IllegalArgumentException naming the known policies */
    static Placement named(String name) {
        return switch (name) {
            case "least-loaded" -> new LeastLoaded();
            case "least-cpu" -> new LeastCpu();
            case "round-robin" -> new RoundRobin();
            default -> throw new IllegalArgumentException("unknown policy \"" + name + "\"; known: "
                    + String.join(", ", NAMES));
        };
    }

    /**
     * The default: the node where a new task would be finished soonest: the work already queued
     * and running there plus the new task, over the rate at which that node finishes tasks. The
     * rate is the one observed from its done counter (see {@link CompletionRate}) and, before there
     * is one, its cores less the CPU other programs take from them, valued at what a core of the
     * observed nodes gives. Saturated nodes get work only when every node is saturated. The
     * coordinator also moves queued tasks between nodes by the same measure ({@link Rebalance}).
     */
    final class LeastLoaded implements Placement {
        @Override
        public String name() {
            return "least-loaded";
        }

        @Override
        public boolean movesQueuedTasks() {
            return true;
        }

        @Override
        public Choice choose(List<NodeLoad> nodes) {
            boolean anyFree = nodes.stream().anyMatch(n -> !n.saturated);
            double perCoreRate = NodeLoad.perCoreRate(nodes);
            NodeLoad best = null;
            double bestScore = Double.MAX_VALUE;
            for (NodeLoad n : nodes) {
                if (anyFree && n.saturated) {
                    continue;
                }
                double score = expectedWait(n, perCoreRate);
                if (best == null || score < bestScore || (score == bestScore && n.outstanding < best.outstanding)) {
                    best = n;
                    bestScore = score;
                }
            }
            if (best.outstanding == 0) {
                best = takeTurns(nodes, best, bestScore, perCoreRate, anyFree);
            }
            if (lastChosen.size() > MAX_REMEMBERED) {
                lastChosen.clear();
            }
            lastChosen.put(best.id, ++choices);
            return new Choice(best, reason(best, best.saturated ? ", all nodes saturated" : ""));
        }

        /**
         * Among idle nodes about as quick as the best one (within {@link #IDLE_TIE}), the one chosen
         * least recently: with work arriving slower than it is done (a demo, a class submitting by
         * hand) every node is idle at each placement, and without turns the first in the list would
         * run it all while the others look unused.
         */
        private NodeLoad takeTurns(List<NodeLoad> nodes, NodeLoad best, double bestScore, double perCoreRate, boolean anyFree) {
            NodeLoad pick = best;
            long pickTurn = lastChosen.getOrDefault(best.id, 0L);
            for (NodeLoad n : nodes) {
                if (n == best || n.outstanding != 0 || (anyFree && n.saturated)
                        || expectedWait(n, perCoreRate) > bestScore * IDLE_TIE) {
                    continue;
                }
                long turn = lastChosen.getOrDefault(n.id, 0L);
                if (turn < pickTurn) {
                    pick = n;
                    pickTurn = turn;
                }
            }
            return pick;
        }

        /** Idle nodes whose expected wait is within this factor of the best one's take turns. */
        static final double IDLE_TIE = 1.1;
        private static final int MAX_REMEMBERED = 4_096;
        /** When each node was last chosen, counted in choices. */
        private final java.util.Map<String, Long> lastChosen = new java.util.HashMap<>();
        private long choices;

        /**
         * Seconds until a new task placed on {@code n} would be finished: the tasks ahead of it and
         * itself, over the node's rate (in cores, not seconds, while no node has been observed).
         */
        static double expectedWait(NodeLoad n, double perCoreRate) {
            return (n.outstanding + 1) / n.rate(perCoreRate);
        }

        /** {@code nodo2: 0 queued, 1 running, 4 cores, 38 tasks/s, cpu 12%}; the rate only once observed. */
        static String reason(NodeLoad n, String more) {
            // Built by hand, not with String.format: this runs for every task placed.
            StringBuilder sb = new StringBuilder(64).append(n.id).append(": ").append(n.queued + n.placedNow)
                    .append(" queued, ").append(n.running).append(" running, ").append(n.cores).append(" cores");
            if (n.hasObservedRate()) {
                sb.append(", ").append(tasksPerSecond(n.observedRate));
            }
            if (n.longRunning > 0) {
                sb.append(", ").append(Math.min(n.longRunning, n.workers)).append(" of ").append(n.workers)
                        .append(" workers held by long tasks");
            }
            return sb.append(", cpu ").append(Math.round(n.cpuPercent)).append('%').append(more).toString();
        }

        /** {@code 38 tasks/s}, {@code 2.5 tasks/s}, {@code 0.25 tasks/s}. */
        static String tasksPerSecond(double rate) {
            if (rate >= 10) {
                return Math.round(rate) + " tasks/s";
            }
            int decimals = rate >= 1 ? 1 : 2;
            long unit = decimals == 1 ? 10 : 100;
            long scaled = Math.round(rate * unit);
            String fraction = Long.toString(scaled % unit);
            return (scaled / unit) + "." + "0".repeat(decimals - fraction.length()) + fraction + " tasks/s";
        }
    }

    /** The paper's rule: the node with the lowest CPU reading. */
    final class LeastCpu implements Placement {
        @Override
        public String name() {
            return "least-cpu";
        }

        @Override
        public Choice choose(List<NodeLoad> nodes) {
            NodeLoad best = nodes.get(0);
            for (NodeLoad n : nodes) {
                if (n.cpuPercent < best.cpuPercent) {
                    best = n;
                }
            }
            return new Choice(best, String.format(Locale.ROOT, "%s: lowest cpu (%.0f%%)", best.id, best.cpuPercent));
        }
    }

    /** Each live node in turn, by id. */
    final class RoundRobin implements Placement {
        private String last = "";

        @Override
        public String name() {
            return "round-robin";
        }

        @Override
        public Choice choose(List<NodeLoad> nodes) {
            NodeLoad next = null;
            NodeLoad first = null;
            for (NodeLoad n : nodes) {
                if (first == null || n.id.compareTo(first.id) < 0) {
                    first = n;
                }
                if (n.id.compareTo(last) > 0 && (next == null || n.id.compareTo(next.id) < 0)) {
                    next = n;
                }
            }
            NodeLoad chosen = next != null ? next : first;
            last = chosen.id;
            return new Choice(chosen, chosen.id + ": next in turn");
        }
    }
}
