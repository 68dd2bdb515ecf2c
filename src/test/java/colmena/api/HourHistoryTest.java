package colmena.api;

import colmena.broker.Nodes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An hour of a node's samples: kept by the agent, and sent in 10-second buckets that keep each bucket's peak. */
class HourHistoryTest {

    @Test
    void anAgentSamplingEverySecondKeepsAnHour() {
        assertEquals(3_600, Nodes.historyLength(1_000));
        assertTrue(Nodes.historyLength(100) <= Nodes.HISTORY_MAX, "bounded for a fast interval");
    }

    @Test
    void bucketsKeepThePeakOfEachTenSecondsAndDropWhatIsOlderThanTheRange() {
        List<double[]> samples = new ArrayList<>();
        long t0 = 1_000_000;
        for (int i = 0; i < 40; i++) {
            // CPU 10 % everywhere but one spike to 95 % at the 13th second.
            samples.add(new double[] {t0 + i * 1_000L, i == 13 ? 95 : 10, 20 + i, 50});
        }
        List<double[]> out = NodesApi.buckets(samples, t0 + 5_000, 10_000);
        assertEquals(4, out.size(), "seconds 5-9, 10-19, 20-29, 30-39");
        assertArrayEquals(new double[] {t0 + 9_000, 10, 29, 50}, out.get(0));
        assertArrayEquals(new double[] {t0 + 19_000, 95, 39, 50}, out.get(1), "the spike and the highest memory kept");
        assertEquals(t0 + 39_000, (long) out.get(3)[0], "each bucket at its last sample's time");
    }
}
