package colmena.coordinator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks waiting in node queues should move, and where: a pure function of the live nodes,
 * tested without Redis; {@link Rebalancer} does the moving. Only tasks not yet started move, from
 * the tail of a queue (the last to start there) to the tail of another.
 *
 * <p>A node's queue ends when its backlog (queued and running) is done at its rate (observed, else
 * estimated: see {@link NodeLoad#rate}). One task at a time, the tail task of the queue that ends
 * last moves to the node where it would be done soonest. A queue starts giving only when that
 * saves its tail task at least {@link #MIN_GAIN_SECONDS} and {@link #MIN_GAIN_SHARE} of its wait,
 * and then gives while each move still saves something, until the queues end together: a
 * hysteresis, so rates that drift a little do not move a task at every pass. Two kinds of move:
 * <ol>
 *   <li>to a node with nothing waiting (one that has just joined, or is running out of work) from
 *       any queue, so a new node takes its share of what is queued;</li>
 *   <li>between nodes whose rate has been observed, so a node that falls behind (a program
 *       sharing its CPU, a slower CPU) hands on the tasks it would finish last.</li>
 * </ol>
 * A saturated node gives away what it holds whenever that is done sooner elsewhere, and gets
 * nothing while another node is not saturated.
 *
 * <p>So that it does not fight itself: the gain that starts the moves must exceed the error of the
 * rates; a node that received tasks recently gives none by the second kind of move, and one that
 * gave recently receives none by it; and at most {@code maxMoves} tasks move per pass.
 */
final class Rebalance {
    static final int MAX_MOVES = 200;
    static final double MIN_GAIN_SECONDS = 0.1;
    static final double MIN_GAIN_SHARE = 0.15;

    private Rebalance() {
    }

    /**
     * {@code count} tasks from the tail of {@code from}'s queue to {@code to}'s, and why.
     *
     * @param fromEnds when {@code from}'s queue was to end before these moves
     * @param toEnds   when the last of them is to be done on {@code to}
     * @param timed    whether those two are seconds (some node's rate has been observed) or only
     *                 a comparison (none has: the figures are tasks per core)
     */
    record Transfer(NodeLoad from, NodeLoad to, int count, String why, double fromEnds, double toEnds,
                    boolean timed) {

        /** The note added to each moved task's history, after "moved from X to Y at time: ". */
        String note() {
            if (!timed) {
                return why;
            }
            return String.format(Locale.ROOT, "%s; expected done in about %.1f s there instead of %.1f s",
                    why, toEnds, fromEnds);
        }
    }

    /** A node as the plan changes it. */
    private static final class Slot {
        final NodeLoad node;
        final double rate;
        /** It had nothing waiting when the pass began: all it holds is running, so a core is free or soon will be. */
        final boolean hadRoom;
        long backlog;
        long movable;

        Slot(NodeLoad node, double rate) {
            this.node = node;
            this.rate = rate;
            this.backlog = node.queued + node.running;
            this.movable = node.queued;
            this.hadRoom = !node.saturated && node.queued == 0 && node.running <= node.cores;
        }

        double ends() {
            return backlog / rate;
        }

        double endsWithOneMore() {
            return (backlog + 1) / rate;
        }
    }

    /**
     * @param gaveRecently     nodes that gave tasks away within the cool-down
     * @param receivedRecently nodes that received tasks within the cool-down
     */
    static List<Transfer> plan(List<NodeLoad> nodes, Set<String> gaveRecently, Set<String> receivedRecently,
                               int maxMoves) {
        if (nodes.stream().allMatch(n -> n.saturated)) {
            return List.of();
        }
        double perCoreRate = NodeLoad.perCoreRate(nodes);
        boolean timed = nodes.stream().anyMatch(NodeLoad::hasObservedRate);
        List<Slot> slots = new ArrayList<>(nodes.size());
        for (NodeLoad n : nodes) {
            slots.add(new Slot(n, n.rate(perCoreRate)));
        }
        Plan plan = new Plan(timed, maxMoves);
        plan.fillEmpty(slots);
        plan.evenOut(slots, gaveRecently, receivedRecently);
        return List.copyOf(plan.transfers.values());
    }

    /** The moves chosen so far by one {@link #plan}, in its two phases. */
    private static final class Plan {
        final Map<String, Transfer> transfers = new LinkedHashMap<>();
        final Set<Slot> giving = new HashSet<>();
        final boolean timed;
        final int maxMoves;
        int moves;

        Plan(boolean timed, int maxMoves) {
            this.timed = timed;
            this.maxMoves = maxMoves;
        }

        /** 1. Nodes with nothing waiting take their share, from whichever queue ends last. */
        void fillEmpty(List<Slot> slots) {
            while (moves < maxMoves) {
                Slot to = soonest(slots, null, s -> s.hadRoom);
                Slot from = latest(slots, to, s -> true);
                if (to == null || from == null || !worthIt(from, to, giving)) {
                    break;
                }
                moveOne(from, to, from.node.saturated ? from.node.id + " is saturated"
                        : to.node.id + " had nothing waiting");
            }
        }

        /** 2. Between observed nodes: the queue that ends last hands its tail to where it ends soonest. */
        void evenOut(List<Slot> slots, Set<String> gaveRecently, Set<String> receivedRecently) {
            while (moves < maxMoves) {
                Slot from = latest(slots, null, s -> s.node.saturated
                        || (s.node.hasObservedRate() && !receivedRecently.contains(s.node.id)));
                Slot to = soonest(slots, from, s -> !s.node.saturated && s.node.hasObservedRate()
                        && !gaveRecently.contains(s.node.id));
                if (to == null || from == null || !worthIt(from, to, giving)) {
                    break;
                }
                moveOne(from, to, from.node.saturated ? from.node.id + " is saturated"
                        : from.node.id + " fell behind");
            }
        }

        private void moveOne(Slot from, Slot to, String why) {
            move(transfers, from, to, why, timed);
            giving.add(from);
            moves++;
        }
    }

    /** Whether moving {@code from}'s tail task to {@code to} saves enough: to start giving, or to go on. */
    private static boolean worthIt(Slot from, Slot to, Set<Slot> giving) {
        double here = from.ends();
        double there = to.endsWithOneMore();
        boolean started = from.node.saturated || giving.contains(from);
        double needed = started ? 0 : Math.max(MIN_GAIN_SECONDS, MIN_GAIN_SHARE * here);
        return here - there > needed;
    }

    private static void move(Map<String, Transfer> transfers, Slot from, Slot to, String why, boolean timed) {
        String key = from.node.id + "\n" + to.node.id + "\n" + why;
        Transfer before = transfers.get(key);
        double fromEnds = before == null ? from.ends() : before.fromEnds();
        int count = before == null ? 1 : before.count() + 1;
        from.backlog--;
        from.movable--;
        to.backlog++;
        transfers.put(key, new Transfer(from.node, to.node, count, why, fromEnds, to.ends(), timed));
    }

    private interface Test {
        boolean ok(Slot s);
    }

    /** The slot, other than {@code not}, passing {@code test}, where one more task would be done soonest. */
    private static Slot soonest(List<Slot> slots, Slot not, Test test) {
        Slot best = null;
        for (Slot s : slots) {
            if (s != not && test.ok(s) && (best == null || s.endsWithOneMore() < best.endsWithOneMore())) {
                best = s;
            }
        }
        return best;
    }

    /** The slot, other than {@code not}, with tasks to give and passing {@code test}, whose queue ends last. */
    private static Slot latest(List<Slot> slots, Slot not, Test test) {
        Slot best = null;
        for (Slot s : slots) {
            if (s != not && s.movable > 0 && test.ok(s) && (best == null || s.ends() > best.ends())) {
                best = s;
            }
        }
        return best;
    }
}
