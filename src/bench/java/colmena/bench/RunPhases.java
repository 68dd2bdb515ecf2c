package colmena.bench;

import colmena.broker.Redis;
import colmena.broker.RedisKeys;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a burst's time went, from the queues' lengths read while it runs: how long placing took,
 * how fast results were stored meanwhile and after, and how many results waited to be stored at
 * most. It shows which stage held the burst up: when results pile up while tasks are placed and
 * are stored much faster once placing is over, the stages share the processors and the storing
 * thread, alone at the end, sets the pace.
 */
final class RunPhases {
    /** Redis commands each {@link #sample} sends (subtracted from a run's count of commands). */
    static final int COMMANDS_PER_SAMPLE = 4;

    private record Sample(double seconds, long toPlace, long toStore, long stored) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final long t0;
    private final int n;

    /** @param t0 the run's start ({@link System#nanoTime()}); {@code n} its tasks */
    RunPhases(long t0, int n) {
        this.t0 = t0;
        this.n = n;
    }

    /** Reads the queues' lengths now; {@code stored} is how many of the run's tasks are stored so far. */
    void sample(Redis redis, long stored) {
        long[] lengths = redis.call(j -> {
            redis.clients.jedis.Pipeline p = j.pipelined(); // Jedis's, not this package's
            List<Response<Long>> r = List.of(p.llen(RedisKeys.submitted()), p.llen(RedisKeys.placing()),
                    p.llen(RedisKeys.resultsQueue()), p.llen(RedisKeys.storing()));
            p.sync();
            return new long[] {r.get(0).get() + r.get(1).get(), r.get(2).get() + r.get(3).get()};
        });
        samples.add(new Sample((System.nanoTime() - t0) / 1e9, lengths[0], lengths[1], stored));
    }

    int samples() {
        return samples.size();
    }

    /**
     * The lines to print, or none when the run was too short to tell ({@code submitSeconds}: when
     * the last task was submitted; {@code seconds}: when the last was stored).
     */
    List<String> describe(double submitSeconds, double seconds) {
        Sample placed = null;
        long mostWaiting = 0;
        for (Sample s : samples) {
            mostWaiting = Math.max(mostWaiting, s.toStore);
            if (placed == null && s.seconds >= submitSeconds && s.toPlace == 0) {
                placed = s;
            }
        }
        if (placed == null || placed.seconds <= 0 || seconds - placed.seconds <= 0.05) {
            return List.of();
        }
        double during = placed.stored / placed.seconds;
        double after = (n - placed.stored) / (seconds - placed.seconds);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  phases (queues read every 20 ms): all placed after %.2f s (%,.0f tasks/s), "
                + "%,d stored meanwhile (%,.0f/s); the other %,d stored in the %.2f s after (%,.0f/s); results waiting to be "
                + "stored peaked at %,d", placed.seconds, n / placed.seconds, placed.stored, during, n - placed.stored,
                seconds - placed.seconds, after, mostWaiting));
        if (after > 1.5 * during && mostWaiting > n / 10) {
            lines.add(String.format(Locale.ROOT, "  so the storing thread held the burst up: while tasks were placed it shared the "
                    + "processors with the placer, the agents and Redis and stored %.0f%% as fast as alone after, and alone "
                    + "it is one thread", 100 * during / after));
        }
        return lines;
    }
}
