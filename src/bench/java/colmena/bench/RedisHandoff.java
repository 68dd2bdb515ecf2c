package colmena.bench;

import colmena.broker.Redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What Redis alone allows for a plain hand-off of messages, as a yardstick for the pipeline: two
 * producers {@code LPUSH} one message at a time and two consumers {@code BRPOP} one at a time, no
 * pipelining, no scripts, nothing stored, on the same Redis and in the same minutes as the run it
 * is compared with.
 */
final class RedisHandoff {
    private static final String KEY = "bench:handoff";
    private static final String MESSAGE = "{\"id\":\"0192c1f4-0000-7000-8000-000000000000\",\"type\":\"sleep\",\"params\":{\"ms\":0}}";

    private RedisHandoff() {
    }

    /** Messages handed from producer to consumer a second, over {@code seconds}. */
    static double perSecond(Redis redis, double seconds) throws InterruptedException {
        redis.call(j -> j.del(KEY));
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder consumed = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            threads.add(new Thread(() -> redis.call(j -> {
                while (running.get()) {
                    // Producers keep the list short, so the consumers measure the hand-off, not a backlog.
                    if (j.lpush(KEY, MESSAGE) > 1_000) {
                        j.brpop(1, KEY + ":never");
                    }
                }
                return null;
            }), "handoff-producer-" + i));
            threads.add(new Thread(() -> redis.call(j -> {
                while (running.get()) {
                    if (j.brpop(1, KEY) != null) {
                        consumed.increment();
                    }
                }
                return null;
            }), "handoff-consumer-" + i));
        }
        threads.forEach(Thread::start);
        Thread.sleep(500); // warm-up, not counted
        long before = consumed.sum();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long n = consumed.sum() - before;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        for (Thread t : threads) {
            t.join(5_000);
        }
        redis.call(j -> j.del(KEY));
        return n / elapsed;
    }
}
