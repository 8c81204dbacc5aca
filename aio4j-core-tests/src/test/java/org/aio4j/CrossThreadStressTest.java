package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aio4j.test.AioTest;
import org.junit.jupiter.api.Tag;

/**
 * The cross-thread paths under load, in real time: tasks await CompletableFutures that other threads
 * complete, send work to threads with toThread, and receive callbacks through callSoonThreadsafe,
 * while random tasks are cancelled. Invariants: every task ends; a cancelled await cancels its
 * CompletableFuture; every callSoonThreadsafe callback runs exactly once; the loop's count of work
 * in flight outside it returns to zero (else virtual time could never jump again). Seeded;
 * -Daio4j.stress.scale multiplies the size (default: 600 tasks, well under a second).
 */
@Tag("stress") // ./aio4j test -Pstress runs only these, larger
class CrossThreadStressTest {

    private static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);

    @AioTest(realTime = true, timeout = 60)
    void crossThreadCompletionsAndCancellationsLoseNothing(EventLoop loop) throws Exception {
        long seed = Long.getLong("aio4j.stress.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 600 * SCALE;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger callbacksSent = new AtomicInteger();
        AtomicInteger callbacksRun = new AtomicInteger();
        List<CompletableFuture<Integer>> stages = new ArrayList<>();
        List<Task<Integer>> tasks = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int id = i;
                SplittableRandom r = rnd.split();
                CompletableFuture<Integer> stage = new CompletableFuture<>();
                stages.add(stage);
                long delayMicros = r.nextLong(0, 3000);
                pool.execute(() -> {
                    sleepMicros(delayMicros);
                    stage.complete(id);
                    callbacksSent.incrementAndGet();
                    loop.callSoonThreadsafe(callbacksRun::incrementAndGet);
                });
                tasks.add(Aio.createTask(Aio.async(() -> switch (r.nextInt(3)) {
                    case 0 -> Aio.await(stage);
                    case 1 -> Aio.toThread(() -> {
                        sleepMicros(r.nextLong(0, 2000));
                        return id;
                    });
                    default -> {
                        Aio.sleep(r.nextDouble(0, 0.003));
                        yield Aio.await(stage);
                    }
                }), "x" + i));
            }
            SplittableRandom chaos = rnd.split();
            for (int k = 0; k < n / 4; k++) {
                tasks.get(chaos.nextInt(n)).cancel("chaos");
                Aio.sleep(0);
            }
            List<Object> outcomes = Aio.await(Aio.gather(true, tasks));
            int ok = 0;
            for (int i = 0; i < n; i++) {
                Object o = outcomes.get(i);
                if (o instanceof CancelledError) {
                    assertThat(tasks.get(i).cancelled()).as("seed %d task %d", seed, i).isTrue();
                } else {
                    assertThat(o).as("seed %d task %d", seed, i).isEqualTo(i);
                    ok++;
                }
            }
            assertThat(ok).as("seed %d: some tasks finished", seed).isPositive();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        // Let every callSoonThreadsafe sent by the pool arrive, then check the books.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (callbacksRun.get() < n && System.nanoTime() < deadline) {
            Aio.sleep(0.001);
        }
        assertThat(callbacksSent.get()).isEqualTo(n);
        assertThat(callbacksRun.get()).as("seed %d: each threadsafe callback ran once", seed).isEqualTo(n);
        for (CompletableFuture<Integer> s : stages) {
            assertThat(s.isDone()).isTrue();
        }
        while (loop.outsideWorkCount() > 0 && System.nanoTime() < deadline) {
            Aio.sleep(0.001); // completions of cancelled awaits may still be on their way in
        }
        assertThat(loop.outsideWorkCount()).as("seed %d: work in flight outside the loop", seed).isZero();
    }

    private static void sleepMicros(long micros) {
        try {
            TimeUnit.MICROSECONDS.sleep(micros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
