package colmena.coordinator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RebalanceTest {

    private static NodeLoad node(String id, int cores, double cpuPercent, long queued, long running, double rate,
                                 boolean saturated) {
        NodeLoad n = new NodeLoad(id, cores, cpuPercent, 20, queued, running, saturated);
        n.observedRate = rate;
        return n;
    }

    private static NodeLoad observed(String id, long queued, long running, double rate) {
        return node(id, 1, 100, queued, running, rate, false);
    }

    private static List<Rebalance.Transfer> plan(NodeLoad... nodes) {
        return Rebalance.plan(List.of(nodes), Set.of(), Set.of(), Rebalance.MAX_MOVES);
    }

    private static int moved(List<Rebalance.Transfer> plan, String from, String to) {
        return plan.stream().filter(t -> t.from().id.equals(from) && t.to().id.equals(to))
                .mapToInt(Rebalance.Transfer::count).sum();
    }

    @Test
    void aNodeThatFallsBehindHandsItsTailToTheFasterNodeUntilBothEndTogether() {
        // nodo2, sharing its core with another program, finishes 10 a second and holds 100 (10 s);
        // nodo1 finishes 20 a second and holds 60 (3 s).
        List<Rebalance.Transfer> plan = plan(observed("nodo1", 59, 1, 20), observed("nodo2", 99, 1, 10));
        int n = moved(plan, "nodo2", "nodo1");
        // Even at 160 tasks over 30 a second: 107 on nodo1 and 53 on nodo2, so 47 move.
        assertEquals(47, n, 1, plan.toString());
        assertEquals(0, moved(plan, "nodo1", "nodo2"));
        Rebalance.Transfer t = plan.get(0);
        assertEquals("nodo2 fell behind", t.why());
        assertEquals(10.0, t.fromEnds(), 1e-9);
        assertTrue(t.note().startsWith("nodo2 fell behind; expected done in about 5."), t.note());
    }

    @Test
    void aDriftSmallerThanTheMinimumGainMovesNothing() {
        // nodo2's queue ends 12% after nodo1's: within what a rate may be off by.
        assertEquals(List.of(), plan(observed("nodo1", 49, 1, 20), observed("nodo2", 27, 1, 10)));
        // 28% after (3.2 s against 2.5 s): enough to start, and then it balances all the way
        // (2.7 s and 2.75 s), though the last moves each save less than the minimum.
        List<Rebalance.Transfer> plan = plan(observed("nodo1", 49, 1, 20), observed("nodo2", 31, 1, 10));
        assertEquals(5, moved(plan, "nodo2", "nodo1"), plan.toString());
    }

    @Test
    void nodesThatEndAboutTogetherAreLeftAlone() {
        assertEquals(List.of(), plan(observed("nodo1", 39, 1, 20), observed("nodo2", 20, 1, 10)));
        assertEquals(List.of(), plan(observed("nodo1", 0, 1, 20), observed("nodo2", 1, 0, 10)),
                "one task waiting on a node that ends within the minimum gain");
    }

    @Test
    void aNewNodeTakesItsShareOfWhatIsQueued() {
        // nodo1 finishes 10 a second on 2 cores; nodo3 has just joined with 2 idle cores, so is
        // expected to do as well: of 40 tasks, it takes about half.
        NodeLoad nodo1 = node("nodo1", 2, 100, 38, 2, 10, false);
        NodeLoad nodo3 = new NodeLoad("nodo3", 2, 3, 20, 0, 0, false);
        List<Rebalance.Transfer> plan = plan(nodo1, nodo3);
        assertEquals(20, moved(plan, "nodo1", "nodo3"), 1, plan.toString());
        assertEquals("nodo3 had nothing waiting", plan.get(0).why());
    }

    @Test
    void aNewNodeTakesItsShareEvenBeforeAnyRateIsKnown() {
        NodeLoad nodo1 = new NodeLoad("nodo1", 2, 100, 20, 28, 2, false);
        NodeLoad nodo2 = new NodeLoad("nodo2", 2, 0, 20, 0, 0, false);
        List<Rebalance.Transfer> plan = plan(nodo1, nodo2);
        assertEquals(15, moved(plan, "nodo1", "nodo2"), 1, plan.toString());
        assertEquals("nodo2 had nothing waiting", plan.get(0).note(), "no figures in seconds without a rate");
    }

    @Test
    void aBusyNodeWithoutAnObservedRateNeitherGivesNorReceivesByRate() {
        // nodo2's CPU reading cannot show what shares its core while our task runs; wait for its rate.
        NodeLoad nodo2 = new NodeLoad("nodo2", 1, 100, 20, 5, 1, false);
        assertEquals(List.of(), plan(observed("nodo1", 100, 1, 20), nodo2));
        assertEquals(List.of(), plan(observed("nodo1", 5, 1, 20), new NodeLoad("nodo2", 1, 100, 20, 100, 1, false)));
    }

    @Test
    void aSaturatedNodeGivesAwayWhatWouldBeDoneSoonerElsewhere() {
        NodeLoad saturated = node("nodo1", 4, 99, 12, 4, 8, true);
        List<Rebalance.Transfer> plan = plan(saturated, observed("nodo2", 0, 1, 10));
        assertTrue(moved(plan, "nodo1", "nodo2") >= 6, plan.toString());
        assertEquals("nodo1 is saturated", plan.get(0).why());
    }

    @Test
    void aSaturatedNodeReceivesNothingWhileAnotherIsNot() {
        NodeLoad saturated = node("nodo2", 8, 99, 0, 0, 50, true);
        assertEquals(0, moved(plan(observed("nodo1", 100, 1, 10), saturated), "nodo1", "nodo2"));
    }

    @Test
    void whenEveryNodeIsSaturatedNothingMoves() {
        assertEquals(List.of(), plan(node("nodo1", 1, 99, 50, 1, 10, true), node("nodo2", 1, 99, 0, 0, 10, true)));
    }

    @Test
    void aNodeThatJustReceivedDoesNotGiveBackAndOneThatJustGaveDoesNotReceive() {
        NodeLoad behind = observed("nodo2", 99, 1, 10);
        NodeLoad ahead = observed("nodo1", 59, 1, 20);
        assertEquals(List.of(), Rebalance.plan(List.of(ahead, behind), Set.of(), Set.of("nodo2"), 200));
        assertEquals(List.of(), Rebalance.plan(List.of(ahead, behind), Set.of("nodo1"), Set.of(), 200));
    }

    @Test
    void aNodeWithAFreeCoreTakesTheTailEvenFromOneThatJustReceived() {
        // The end of a batch: nodo1 has run out while nodo2 still has four waiting (0.5 s of work).
        // Three move: nodo1 ends in 0.15 s and nodo2 in 0.2 s; a fourth would end at 0.2 s on nodo1.
        List<Rebalance.Transfer> plan = Rebalance.plan(List.of(observed("nodo1", 0, 0, 20), observed("nodo2", 4, 1, 10)),
                Set.of("nodo2"), Set.of("nodo2"), 200);
        assertEquals(3, moved(plan, "nodo2", "nodo1"), plan.toString());
    }

    @Test
    void noMoreThanTheBoundMovesInOnePass() {
        List<Rebalance.Transfer> plan = Rebalance.plan(List.of(observed("nodo1", 10_000, 1, 10), observed("nodo2", 0, 1, 10)),
                Set.of(), Set.of(), 50);
        assertEquals(50, plan.stream().mapToInt(Rebalance.Transfer::count).sum());
    }

    @Test
    void aPlanCarriedOutIsNotUndoneByTheNextPass() {
        // After moving what the plan said, the same rates find nothing more to move either way.
        List<Rebalance.Transfer> plan = plan(observed("nodo1", 59, 1, 20), observed("nodo2", 99, 1, 10));
        int n = moved(plan, "nodo2", "nodo1");
        assertEquals(List.of(), plan(observed("nodo1", 59 + n, 1, 20), observed("nodo2", 99 - n, 1, 10)));
    }
}
