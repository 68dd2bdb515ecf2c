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
     * The default: the node where a new task would wait least, from the work already queued and
     * running there, its cores, and the CPU other programs take from it. Saturated nodes get work
     * only when every node is saturated.
     */
    final class LeastLoaded implements Placement {
        @Override
        public String name() {
            return "least-loaded";
        }

        @Override
        public Choice choose(List<NodeLoad> nodes) {
            boolean anyFree = nodes.stream().anyMatch(n -> !n.saturated);
            NodeLoad best = null;
            double bestScore = Double.MAX_VALUE;
            for (NodeLoad n : nodes) {
                if (anyFree && n.saturated) {
                    continue;
                }
                double score = score(n);
                if (score < bestScore || (score == bestScore && best != null && n.outstanding < best.outstanding)) {
                    best = n;
                    bestScore = score;
                }
            }
            return new Choice(best, String.format(Locale.ROOT, "%s: %d queued, %d running, %d cores, cpu %.0f%%%s",
                    best.id, best.queued + best.placedNow, best.running, best.cores, best.cpuPercent,
                    best.saturated ? ", all nodes saturated" : ""));
        }

        /** Tasks ahead of a new one, per unit of capacity left for our work. */
        static double score(NodeLoad n) {
            double capacity = n.cores * (1 - n.otherCpu());
            return (n.outstanding + 1) / Math.max(0.1, capacity);
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
