package colmena.broker;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class NodeSamplesTest {
    @Test
    void samplesAreReadAsWritten() {
        List<double[]> read = Nodes.samples(List.of("[1733140000000,12.5,40.0,70.1]", "[1733140001000,100.0,41.0,70.1]"));
        assertEquals(2, read.size());
        assertArrayEquals(new double[] {1733140000000d, 12.5, 40.0, 70.1}, read.get(0));
        assertArrayEquals(new double[] {1733140001000d, 100.0, 41.0, 70.1}, read.get(1));
    }

    @Test
    void textThatIsNotASampleIsLeftOutAndTheOthersKept() {
        List<double[]> read = Nodes.samples(List.of("[1,2,3,4]", "", "garbage", "[1,2]", "{\"a\":1}", "[5,6,7],[8,9,10]", "[2,3,4,5]"));
        assertEquals(2, read.size());
        assertArrayEquals(new double[] {1, 2, 3, 4}, read.get(0));
        assertArrayEquals(new double[] {2, 3, 4, 5}, read.get(1));
    }

    @Test
    void noSamplesReadAsNone() {
        assertEquals(0, Nodes.samples(List.of()).size());
        assertNull(Nodes.sample(null));
    }
}
