package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Tag;

/**
 * Thousands of tasks doing random work (sleeps, awaits of each other, timeouts, waitFor, shields,
 * task groups, gathers) while a chaos task cancels random ones at random times, on virtual time.
 * Invariants: every task ends; each ends the way its story allows (result, CancelledError, or the
 * failures the program raises on purpose); every cleanup block runs exactly once per task that
 * entered it; nothing is left pending (the kit checks leaks, unretrieved failures, never-awaited
 * coroutines and handler errors). Seeded: a failure prints the seed; -Daio4j.stress.seed replays it.
 * Scale with -Daio4j.stress.scale (default 1: ~2,000 tasks, about a second per strand mode).
 */
@Tag("stress") // ./aio4j test -Pstress runs only these, larger
class CancellationStressTest {

    private static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);

    /** A failure the random program raises on purpose. */
    static final class Planned extends RuntimeException {
        Planned(String m) {
            super(m, null, false, false);
        }
    }

    @AioTest(virtualTimeout = 1e6)
    void randomWorkUnderRandomCancellationLeavesNothingBehind(TestLoop test) {
        long seed = Long.getLong("aio4j.stress.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 2000 * SCALE;
        AtomicInteger cleanupsEntered = new AtomicInteger();
        AtomicInteger cleanupsDone = new AtomicInteger();
        List<Task<Integer>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(Aio.createTask(work(i, rnd.split(), tasks, cleanupsEntered, cleanupsDone), "w" + i));
        }
        Task<Void> chaos = Aio.createTask(Aio.async(() -> {
            SplittableRandom r = rnd.split();
            for (int k = 0; k < n / 2; k++) {
                Aio.sleep(r.nextDouble(0, 0.002)); // n/2 cancellations within ~n/2 ms: while tasks live
                tasks.get(r.nextInt(n)).cancel(r.nextBoolean() ? "chaos" : null);
            }
        }), "chaos");
        List<Object> outcomes = Aio.await(Aio.gather(true, tasks));
        Aio.await(chaos);
        int ok = 0;
        int cancelled = 0;
        int planned = 0;
        for (int i = 0; i < n; i++) {
            Object o = outcomes.get(i);
            Task<Integer> t = tasks.get(i);
            assertThat(t.done()).as("seed %d: task %d done", seed, i).isTrue();
            if (o instanceof CancelledError) {
                cancelled++;
                assertThat(t.cancelled()).as("seed %d: task %d", seed, i).isTrue();
            } else if (o instanceof Planned || o instanceof ExceptionGroup || o instanceof TimeoutError) {
                planned++;
            } else {
                assertThat(o).as("seed %d: task %d result", seed, i).isEqualTo(i);
                ok++;
            }
        }
        assertThat(cleanupsDone.get()).as("seed %d: every cleanup ran to its end", seed).isEqualTo(cleanupsEntered.get());
        assertThat(Aio.allTasks()).as("seed %d: nothing pending", seed).containsExactly(Aio.currentTask());
        System.out.printf("CancellationStressTest seed=%d mode=%s tasks=%d ok=%d cancelled=%d planned=%d"
                + " cleanups=%d virtual=%.3fs%n", seed, Aio.strandMode(), n, ok, cancelled, planned,
                cleanupsDone.get(), test.time());
        assertThat(ok + cancelled + planned).isEqualTo(n);
        assertThat(cancelled).as("seed %d: the chaos task cancelled some", seed).isPositive();
        assertThat(ok).as("seed %d: some finished normally", seed).isPositive();
    }

    private static Coro<Integer> work(int id, SplittableRandom r, List<Task<Integer>> all,
                                      AtomicInteger entered, AtomicInteger done) {
        return Aio.async(() -> {
            try {
                for (int step = 0, steps = r.nextInt(2, 8); step < steps; step++) {
                    switch (r.nextInt(8)) {
                        case 0 -> Aio.sleep(r.nextDouble(0, 1.0));
                        case 1 -> Aio.sleep(0);
                        case 2 -> {
                            Task<Integer> other = all.get(r.nextInt(all.size()));
                            if (other != Aio.currentTask() && other.getName().compareTo(Aio.currentTask().getName()) < 0) {
                                // await only "older" tasks: no cycles, so no deadlock by construction
                                try {
                                    Aio.await(Aio.shield(other));
                                } catch (Exception | CancelledError e) {
                                    if (e instanceof CancelledError && Aio.currentTask().cancelling() > 0) {
                                        throw e; // our own cancellation: propagate
                                    }
                                    // the other task's failure or cancellation is not ours
                                }
                            }
                        }
                        case 3 -> {
                            try {
                                Aio.timeout(r.nextDouble(0, 0.05), () -> Aio.sleep(r.nextDouble(0, 0.1)));
                            } catch (TimeoutError e) {
                                // expected sometimes
                            }
                        }
                        case 4 -> {
                            try {
                                Aio.waitFor(Aio.async(() -> Aio.sleep(r.nextDouble(0, 0.1), 1)), r.nextDouble(0, 0.05));
                            } catch (TimeoutError e) {
                                // expected sometimes
                            }
                        }
                        case 5 -> Aio.taskGroup(tg -> {
                            for (int c = 0, k = r.nextInt(1, 4); c < k; c++) {
                                double d = r.nextDouble(0, 0.05);
                                boolean fail = r.nextInt(10) == 0;
                                tg.createTask(Aio.async(() -> {
                                    Aio.sleep(d);
                                    if (fail) {
                                        throw new Planned("child of " + id);
                                    }
                                }));
                            }
                        });
                        case 6 -> Aio.await(Aio.gather(Aio.async(() -> Aio.sleep(r.nextDouble(0, 0.05))),
                                Aio.async(() -> Aio.sleep(0))));
                        default -> {
                            if (r.nextInt(20) == 0) {
                                throw new Planned("task " + id);
                            }
                        }
                    }
                }
                return id;
            } catch (CancelledError e) {
                entered.incrementAndGet();
                try {
                    Aio.sleep(r.nextDouble(0, 0.01)); // cleanup that awaits, even while being cancelled
                } finally {
                    done.incrementAndGet();
                }
                throw e;
            }
        });
    }
}
