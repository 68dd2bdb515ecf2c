package colmena.metrics;

import colmena.support.Ci;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeSamplerTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0-3,8,10-11 | {0, 1, 2, 3, 8, 10, 11}",
            "0           | {0}",
            "5           | {5}",
            "0-0         | {0}",
            "1,3         | {1, 3}",
            "' 2 , 4-5 ' | {2, 4, 5}",
            "0-1,,3      | {0, 1, 3}",
            "3,1,2       | {1, 2, 3}",
            "0-2,1-3     | {0, 1, 2, 3}",
            "''          | {}"})
    void parsesALinuxCpuList(String list, String expected) {
        assertEquals(expected, NodeSampler.parseCpuList(list).toString());
    }

    @Test
    void parsesAWideCpuList() {
        BitSet set = NodeSampler.parseCpuList("0-63,128");
        assertEquals(65, set.cardinality());
        assertTrue(set.get(63) && set.get(128) && !set.get(64));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"a", "0-x", "1-", "-"})
    void aCpuListThatIsNotNumbersIsRefused(String list) {
        assertThrows(NumberFormatException.class, () -> NodeSampler.parseCpuList(list));
    }

    @Test
    void aSampleOfThisMachineIsWithinRange() throws Exception {
        NodeSampler sampler = new NodeSampler("nodo1", 3, 1000, Path.of("."));
        Thread.sleep(200);
        long before = System.currentTimeMillis();
        NodeStats s = sampler.sample();
        long after = System.currentTimeMillis();

        assertEquals("nodo1", s.nodeId());
        assertNotNull(s.host());
        assertNotNull(s.os());
        assertTrue(s.cores() >= 1, "cores " + s.cores());
        assertEquals(sampler.cores(), s.cores());
        assertTrue(s.cpuPercent() >= 0 && s.cpuPercent() <= 100, "cpu " + s.cpuPercent());
        assertTrue(s.memTotalBytes() > 0, "mem total " + s.memTotalBytes());
        assertTrue(s.memUsedBytes() >= 0 && s.memUsedBytes() <= s.memTotalBytes(),
                "mem used " + s.memUsedBytes() + " of " + s.memTotalBytes());
        assertTrue(s.memPercent() >= 0 && s.memPercent() <= 100, "mem% " + s.memPercent());
        assertTrue(s.diskTotalBytes() > 0, "disk total " + s.diskTotalBytes());
        assertTrue(s.diskUsedBytes() >= 0 && s.diskUsedBytes() <= s.diskTotalBytes(),
                "disk used " + s.diskUsedBytes() + " of " + s.diskTotalBytes());
        assertTrue(s.netRxBytesPerSec() >= 0 && s.netTxBytesPerSec() >= 0);
        assertTrue(s.uptimeSeconds() > 0, "uptime " + s.uptimeSeconds());
        assertEquals(3, s.workers());
        assertEquals(1000, s.intervalMs());
        assertTrue(before <= s.sampledAtMs() && s.sampledAtMs() <= after, "sampled at " + s.sampledAtMs());
    }

    @Test
    void metricsMoveWhenTheMachinesLoadMoves() throws Exception {
        NodeSampler sampler = new NodeSampler("nodo1", 1, 1000, Path.of("."));
        // The quietest of a few half-second samples: other work on a shared machine comes and goes.
        NodeStats idle = null;
        for (int i = 0; i < 4 && (idle == null || idle.cpuPercent() > 50); i++) {
            Thread.sleep(500);
            NodeStats s = sampler.sample();
            if (idle == null || s.cpuPercent() < idle.cpuPercent()) {
                idle = s;
            }
        }
        // If other programs keep the CPUs full all along, there is no room to see our load.
        Ci.assume(idle.cpuPercent() <= 70, "machine already busy: cpu " + idle.cpuPercent() + "%");

        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < sampler.cores(); i++) {
            Thread t = new Thread(() -> {
                long x = 1;
                while (!stop.get()) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "cpu-burner-" + i);
            t.setDaemon(true);
            burners.add(t);
        }
        NodeStats busy;
        try {
            sampler.sample(); // start the busy interval now
            burners.forEach(Thread::start);
            Thread.sleep(1_500);
            busy = sampler.sample();
        } finally {
            stop.set(true);
            for (Thread t : burners) {
                t.join(5_000);
            }
        }
        assertTrue(busy.cpuPercent() >= idle.cpuPercent() + 20,
                "cpu idle " + idle.cpuPercent() + "%, busy " + busy.cpuPercent() + "%");
    }
}
