package org.aio4j.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTestExtension;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many producers and consumers on a small bounded queue of each kind, every operation in a task of
 * its own that a chaos task cancels at random (also in the same loop iteration as the wake it was
 * about to get), under random timeouts ({@code Aio.timeout} and {@code waitFor}), with barging
 * {@code tryPut}/{@code tryGet} calls, and a graceful or immediate shutdown at a random moment.
 * Invariants: every item put was got exactly once, or discarded by the immediate shutdown (no loss, no
 * duplicate, nothing got that was not put); every {@code taskDone} matched, so the unfinished count
 * ends at zero and {@code join} returns; no getter or putter is left parked; the kit checks that no
 * task is left pending. Seeded: a failure prints the seed; {@code -Daio4j.stress.seed} replays it.
 * Scale with {@code -Daio4j.stress.scale} (default 1: about a second per strand mode).
 */
@Tag("stress") // ./aio4j test -Pstress runs only these, larger
class QueueStressTest {

    private static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);

    static Stream<String> kinds() {
        return Stream.of("fifo", "lifo", "priority");
    }

    /** What one run saw, shared by its tasks (all on the loop thread). */
    static final class Run {
        final Queue<Integer> q;
        final SplittableRandom rnd;
        final Set<Integer> put = new HashSet<>();
        final List<Integer> got = new ArrayList<>();
        final List<Task<?>> live = new ArrayList<>();
        int cancelledOps;
        int timeouts;
        int discarded;
        int joins;

        Run(Queue<Integer> q, SplittableRandom rnd) {
            this.q = q;
            this.rnd = rnd;
        }

        void recordPut(int item) {
            assertThat(put.add(item)).as("item %d put twice", item).isTrue();
        }

        void recordGot(Integer item) {
            got.add(item);
            q.taskDone();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    @ExtendWith(AioTestExtension.class)
    void producersAndConsumersUnderRandomCancellationLoseAndDuplicateNothing(String kind, TestLoop test) {
        long seed = Long.getLong("aio4j.stress.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        int maxsize = 1 + rnd.nextInt(4);
        Queue<Integer> q = switch (kind) {
            case "fifo" -> Queue.create(maxsize);
            case "lifo" -> Queue.lifo(maxsize);
            default -> rnd.nextBoolean() ? Queue.priority(maxsize) : Queue.priority(maxsize, Comparator.reverseOrder());
        };
        Run run = new Run(q, rnd);
        int producers = 12;
        int consumers = 12;
        int perProducer = 120 * SCALE;
        boolean immediate = rnd.nextBoolean();
        // shut down once this many items were put: mid-run for some seeds, after the producers for others
        int total = producers * perProducer;
        int shutdownAfter = rnd.nextBoolean() ? rnd.nextInt(total / 4, total * 3 / 4) : Integer.MAX_VALUE;

        boolean[] stop = {false};
        SplittableRandom jr = rnd.split();
        Task<Void> joiner = Aio.createTask(Aio.async(() -> {
            while (!stop[0]) {
                q.join(); // returns each time every item put so far has had its taskDone
                run.joins++;
                Aio.sleep(jr.nextDouble(0, 0.003));
            }
        }), "joiner");
        List<Task<Void>> producing = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            SplittableRandom r = rnd.split();
            producing.add(Aio.createTask(Aio.async(() -> {
                for (int k = 0; k < perProducer; k++) {
                    int item = id * 1_000_000 + k;
                    if (!operation(run, () -> putOnce(run, r, item))) {
                        return; // shut down
                    }
                    pause(r);
                }
            }), "producer-" + p));
        }
        List<Task<Void>> consuming = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            SplittableRandom r = rnd.split();
            consuming.add(Aio.createTask(Aio.async(() -> {
                while (operation(run, () -> getOnce(run, r))) {
                    pause(r);
                }
            }), "consumer-" + c));
        }
        Task<Void> chaos = Aio.createTask(Aio.async(() -> chaos(run, rnd.split(), stop)), "chaos");
        Task<Void> closer = Aio.createTask(Aio.async(() -> {
            while (run.put.size() < shutdownAfter && !producing.stream().allMatch(Task::done)) {
                Aio.sleep(0.0005);
            }
            run.discarded = immediate ? q.qsize() : 0;
            q.shutdown(immediate);
        }), "closer");

        Aio.await(Aio.gather(producing));
        Aio.await(closer);
        Aio.await(Aio.gather(consuming));
        stop[0] = true;
        Aio.await(chaos);
        Aio.await(joiner);

        String where = "seed " + seed + " (" + kind + ", maxsize " + maxsize + ", immediate " + immediate + ")";
        assertThat(new HashSet<>(run.got)).as("%s: no item got twice", where).hasSize(run.got.size());
        assertThat(run.put).as("%s: every item got was put", where).containsAll(run.got);
        assertThat(run.put.size()).as("%s: every item put was got or discarded", where)
                .isEqualTo(run.got.size() + run.discarded + q.qsize());
        assertThat(q.qsize()).as("%s: consumers drained the queue", where).isZero();
        assertThat(q.statistics()).as("%s: nothing parked, nothing unfinished", where)
                .isEqualTo(new Queue.Statistics(0, maxsize, 0, 0, 0, true));
        q.join();
        System.out.printf("QueueStressTest seed=%d mode=%s kind=%s maxsize=%d immediate=%b put=%d got=%d"
                + " discarded=%d cancelledOps=%d timeouts=%d joins=%d virtual=%.3fs%n", seed, Aio.strandMode(), kind,
                maxsize, immediate, run.put.size(), run.got.size(), run.discarded, run.cancelledOps, run.timeouts,
                run.joins, test.time());
        assertThat(run.got).as("%s: some items went through", where).isNotEmpty();
        assertThat(run.cancelledOps).as("%s: the chaos task cancelled some operations", where).isPositive();
    }

    /**
     * Runs one queue operation as a task of its own, which the chaos task may cancel; false once the
     * queue is shut down.
     */
    private static boolean operation(Run run, AsyncRunnable body) {
        Task<Void> op = Aio.createTask(Aio.async(body));
        run.live.add(op);
        try {
            Aio.await(op);
        } catch (CancelledError e) {
            if (Aio.currentTask().cancelling() > 0) {
                throw e; // our own cancellation (never expected here): propagate
            }
            run.cancelledOps++;
        } catch (TimeoutError e) {
            run.timeouts++;
        } catch (QueueShutDown e) {
            return false;
        } finally {
            run.live.remove(op);
        }
        return true;
    }

    /** One put, in one of four forms; the item is recorded in the same step as the put returns. */
    private static void putOnce(Run run, SplittableRandom r, int item) {
        Queue<Integer> q = run.q;
        switch (r.nextInt(4)) {
            case 0 -> {
                q.put(item);
                run.recordPut(item);
            }
            case 1 -> {
                if (q.tryPut(item)) {
                    run.recordPut(item);
                }
            }
            case 2 -> Aio.timeout(r.nextDouble(0, 0.002), () -> {
                q.put(item);
                run.recordPut(item);
            });
            default -> Aio.waitFor(Aio.async(() -> {
                q.put(item);
                run.recordPut(item);
            }), r.nextDouble(0, 0.002));
        }
    }

    /** One get, in one of four forms; the item is recorded (and its taskDone called) in the same step. */
    private static void getOnce(Run run, SplittableRandom r) {
        Queue<Integer> q = run.q;
        switch (r.nextInt(4)) {
            case 0 -> run.recordGot(q.get());
            case 1 -> {
                Integer item = q.tryGet();
                if (item != null) {
                    run.recordGot(item);
                } else {
                    Aio.sleep(0.0002);
                }
            }
            case 2 -> Aio.timeout(r.nextDouble(0, 0.002), () -> run.recordGot(q.get()));
            default -> Aio.waitFor(Aio.async(() -> run.recordGot(q.get())), r.nextDouble(0, 0.002));
        }
    }

    private static void pause(SplittableRandom r) {
        switch (r.nextInt(3)) {
            case 0 -> Aio.sleep(r.nextDouble(0, 0.001));
            case 1 -> Aio.sleep(0);
            default -> {
                // straight on
            }
        }
    }

    /**
     * Cancels random live operations, and barges in with tryPut/tryGet; half the time it cancels right
     * after its own put or get, in the same loop iteration as the wake that call gave.
     */
    private static void chaos(Run run, SplittableRandom r, boolean[] stop) {
        Queue<Integer> q = run.q;
        int own = 0;
        while (!stop[0]) {
            Aio.sleep(r.nextInt(4) == 0 ? 0 : r.nextDouble(0, 0.0005));
            try {
                switch (r.nextInt(6)) {
                    case 0 -> {
                        int item = -(++own);
                        if (q.tryPut(item)) {
                            run.recordPut(item);
                        }
                    }
                    case 1 -> {
                        Integer item = q.tryGet();
                        if (item != null) {
                            run.recordGot(item);
                        }
                    }
                    default -> cancelOne(run, r);
                }
            } catch (QueueShutDown e) {
                // put after shutdown, or get once shut down and empty: expected near the end
            }
            if (r.nextBoolean()) {
                cancelOne(run, r);
            }
        }
    }

    private static void cancelOne(Run run, SplittableRandom r) {
        if (!run.live.isEmpty()) {
            run.live.get(r.nextInt(run.live.size())).cancel();
        }
    }
}
