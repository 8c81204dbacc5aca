package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop's cross-thread entry points in real time, on the real (native) selector, with random
 * timing: what {@link InboxWakeupModelTest} and {@link ForeignCompletionModelTest} model-check on a
 * model selector, and what the checker cannot follow (native select, PORTABLE strands), as seeded
 * randomized multi-thread runs. Invariants: every accepted callback runs exactly once, in the order its
 * thread posted it; the loop never sleeps with work in its inbox (each burst must be taken within
 * {@link #WAKEUP_DEADLINE_NANOS}, while nothing else would wake the loop); calls on a closed loop are
 * refused; tasks parked in blocking JDK calls resume; awaits of CompletableFutures end once, with the
 * value, the failure or the cancellation, and leave nothing counted in flight.
 * {@code -Daio4j.stress.seed} replays a run, {@code -Daio4j.stress.scale} multiplies its size (the
 * default takes a few seconds per strand mode).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossThreadEntryStressTest {

    private static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);
    /** A posted burst not taken by a sleeping loop within this is a lost wakeup (nothing else wakes it). */
    private static final long WAKEUP_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static long seed() {
        return Long.getLong("aio4j.stress.seed", System.nanoTime());
    }

    /** A short random pause: nothing, a spin, a yield or a park of some microseconds. */
    private static void jitter(SplittableRandom r) {
        switch (r.nextInt(4)) {
            case 0 -> { }
            case 1 -> {
                for (int i = r.nextInt(200); i > 0; i--) {
                    Thread.onSpinWait();
                }
            }
            case 2 -> Thread.yield();
            default -> LockSupport.parkNanos(r.nextLong(1_000, 200_000));
        }
    }

    private static Thread startLoop(EventLoop loop, AtomicBoolean failedToStop) {
        Thread t = new Thread(() -> {
            try {
                loop.runForever();
            } catch (Throwable e) {
                failedToStop.set(true);
                throw e;
            }
        }, "stress-loop");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void awaitCount(AtomicInteger count, int expected, String what, long seed) {
        long deadline = System.nanoTime() + WAKEUP_DEADLINE_NANOS;
        while (count.get() < expected) {
            assertThat(System.nanoTime() - deadline)
                    .as("seed %d: %s: the loop ran %d of %d callbacks; the rest sit in its inbox while it sleeps"
                            + " (a lost wakeup)", seed, what, count.get(), expected)
                    .isNegative();
            LockSupport.parkNanos(50_000);
        }
    }

    @Test
    void burstsFromManyThreadsIntoASleepingLoopRunOnceEachInPostingOrder() throws Exception {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int producers = 3;
        int rounds = 2000 * SCALE;
        EventLoop loop = EventLoop.create();
        // Loop thread only: the next sequence number expected from each producer, and violations.
        int[] next = new int[producers];
        List<String> violations = new ArrayList<>();
        AtomicInteger ran = new AtomicInteger();
        AtomicBoolean loopFailed = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(producers + 1);
        CyclicBarrier end = new CyclicBarrier(producers + 1);
        int[] burst = new int[rounds];
        for (int i = 0; i < rounds; i++) {
            burst[i] = 1 + rnd.nextInt(4);
        }
        // For the first half of the rounds a far timer makes the loop sleep in a timed select; then it
        // is cancelled and the loop sleeps in an untimed one.
        TimerHandle far = loop.callLater(3600, () -> { });
        Thread looper = startLoop(loop, loopFailed);
        List<Thread> threads = new ArrayList<>();
        int[] sent = new int[producers];
        for (int p = 0; p < producers; p++) {
            int id = p;
            SplittableRandom r = rnd.split();
            Thread t = new Thread(() -> {
                try {
                    for (int round = 0; round < rounds; round++) {
                        start.await();
                        jitter(r);
                        for (int k = 0; k < burst[round]; k++) {
                            int seq = sent[id]++;
                            loop.callSoonThreadsafe(() -> {
                                if (next[id] != seq) {
                                    violations.add("producer " + id + " item " + seq + " ran when " + next[id]
                                            + " was due");
                                }
                                next[id] = seq + 1;
                                ran.incrementAndGet();
                            });
                            if (r.nextInt(4) == 0) {
                                jitter(r);
                            }
                        }
                        end.await();
                    }
                } catch (InterruptedException | java.util.concurrent.BrokenBarrierException e) {
                    // the round failed and the test is cleaning up
                }
            }, "producer-" + p);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        int expected = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                if (round == rounds / 2) {
                    AtomicInteger cancelled = new AtomicInteger();
                    loop.callSoonThreadsafe(() -> {
                        far.cancel();
                        cancelled.incrementAndGet();
                    });
                    awaitCount(cancelled, 1, "cancelling the far timer", seed);
                }
                start.await(10, TimeUnit.SECONDS);
                end.await(10, TimeUnit.SECONDS);
                expected += producers * burst[round];
                awaitCount(ran, expected, "round " + round, seed);
            }
        } finally {
            loop.stop();
            looper.join(2_000);
            for (Thread t : threads) {
                t.interrupt(); // if a round failed, they wait at a barrier
                t.join(2_000);
            }
            if (!looper.isAlive()) {
                loop.close();
            }
        }
        assertThat(loopFailed).isFalse();
        assertThat(violations).as("seed %d: per-thread FIFO, exactly once", seed).isEmpty();
        for (int p = 0; p < producers; p++) {
            assertThat(next[p]).as("seed %d: producer %d", seed, p).isEqualTo(sent[p]);
        }
    }

    @Test
    void callbacksRacingStopRunAtTheNextRunAndCallsRacingCloseAreRefusedOnceItReturned() throws Exception {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int rounds = 150 * SCALE;
        for (int round = 0; round < rounds; round++) {
            SplittableRandom r = rnd.split();
            EventLoop loop = EventLoop.create();
            int producers = 2;
            int perProducer = 20;
            // Loop thread only.
            int[] next = new int[producers];
            List<String> violations = new ArrayList<>();
            AtomicInteger ran = new AtomicInteger();
            AtomicBoolean closeReturned = new AtomicBoolean();
            AtomicBoolean loopFailed = new AtomicBoolean();
            ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
            int[] accepted = new int[producers];
            int[][] acceptedInPhase2 = new int[producers][1];

            // Phase 1: stop() from another thread at a random moment while callbacks pour in; whatever
            // was accepted and not run yet runs at the next run.
            Thread looper = startLoop(loop, loopFailed);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int id = p;
                SplittableRandom pr = r.split();
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int seq = 0; seq < perProducer; seq++) {
                        int s = seq;
                        loop.callSoonThreadsafe(() -> {
                            if (next[id] != s) {
                                violations.add("producer " + id + " item " + s + " ran when " + next[id] + " was due");
                            }
                            next[id] = s + 1;
                            ran.incrementAndGet();
                        });
                        accepted[id]++;
                        if (pr.nextInt(3) == 0) {
                            jitter(pr);
                        }
                    }
                }));
            }
            jitter(r);
            loop.stop();
            looper.join(10_000);
            assertThat(looper.isAlive()).as("seed %d round %d: stop() from another thread ended the loop", seed, round)
                    .isFalse();
            for (Thread t : threads) {
                t.join(10_000);
            }
            Thread again = new Thread(() -> {
                loop.callSoon(loop::stop);
                loop.runForever();
            });
            again.start();
            again.join(10_000);
            assertThat(ran.get()).as("seed %d round %d: every callback accepted around stop() ran at the next run",
                    seed, round).isEqualTo(producers * perProducer);

            // Phase 2: close() after the loop stops, while callbacks keep coming.
            threads.clear();
            looper = startLoop(loop, loopFailed);
            for (int p = 0; p < producers; p++) {
                int id = p;
                SplittableRandom pr = r.split();
                threads.add(Thread.ofPlatform().start(() -> {
                    boolean refusedOnce = false;
                    for (int seq = perProducer; seq < 2 * perProducer; seq++) {
                        boolean closedBefore = closeReturned.get();
                        int s = seq;
                        try {
                            loop.callSoonThreadsafe(() -> {
                                if (next[id] > s) {
                                    violations.add("producer " + id + " item " + s + " ran after " + (next[id] - 1));
                                }
                                next[id] = s + 1;
                            });
                            acceptedInPhase2[id][0]++;
                            if (closedBefore) {
                                refusals.add("accepted after close() returned: item " + s);
                            }
                            if (refusedOnce) {
                                refusals.add("accepted after a refusal: item " + s);
                            }
                        } catch (IllegalStateException e) {
                            refusedOnce = true;
                            if (!e.getMessage().contains("Event loop is closed")) {
                                refusals.add("unexpected refusal: " + e.getMessage());
                            }
                        }
                        if (pr.nextInt(3) == 0) {
                            jitter(pr);
                        }
                    }
                }));
            }
            jitter(r);
            Thread stopper = Thread.ofPlatform().start(loop::stop);
            stopper.join(10_000);
            looper.join(10_000);
            loop.close();
            closeReturned.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertThat(loopFailed).isFalse();
            assertThat(refusals).as("seed %d round %d", seed, round).isEmpty();
            assertThat(violations).as("seed %d round %d: per-thread FIFO, exactly once", seed, round).isEmpty();
            for (int p = 0; p < producers; p++) {
                assertThat(next[p]).as("seed %d round %d: producer %d ran no more than it had accepted", seed, round, p)
                        .isLessThanOrEqualTo(perProducer + acceptedInPhase2[p][0]);
            }
            assertThat(loop.isClosed()).isTrue();
            assertThat(accepted).containsOnly(perProducer);
        }
    }

    /** A task parks inside one of these JDK calls; a platform thread does the other side. */
    private enum Blocking { QUEUE, LOCK, LATCH, SEMAPHORE, SLEEP }

    @Test
    void tasksParkedInBlockingJdkCallsAreResumedWhenPlatformThreadsReleaseThem() throws Exception {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 2000 * SCALE;
        ExecutorService platform = Executors.newFixedThreadPool(3);
        try (Runner runner = Runner.create()) {
            List<Integer> results = runner.run(Aio.async(() -> {
                List<Task<Integer>> tasks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int id = i;
                    SplittableRandom r = rnd.split();
                    Blocking kind = Blocking.values()[r.nextInt(Blocking.values().length)];
                    long delayNanos = r.nextLong(0, 300_000);
                    Coro<Integer> body = switch (kind) {
                        case QUEUE -> {
                            ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(1);
                            platform.execute(() -> {
                                LockSupport.parkNanos(delayNanos);
                                q.add(id);
                            });
                            yield Aio.async(() -> q.take());
                        }
                        case LOCK -> {
                            ReentrantLock lock = new ReentrantLock();
                            CountDownLatch held = new CountDownLatch(1);
                            platform.execute(() -> {
                                lock.lock();
                                held.countDown();
                                LockSupport.parkNanos(delayNanos);
                                lock.unlock();
                            });
                            yield Aio.async(() -> {
                                held.await(); // the platform thread holds the lock now (or soon releases it)
                                lock.lock();
                                lock.unlock();
                                return id;
                            });
                        }
                        case LATCH -> {
                            CountDownLatch latch = new CountDownLatch(1);
                            platform.execute(() -> {
                                LockSupport.parkNanos(delayNanos);
                                latch.countDown();
                            });
                            yield Aio.async(() -> {
                                latch.await();
                                return id;
                            });
                        }
                        case SEMAPHORE -> {
                            Semaphore sem = new Semaphore(0);
                            platform.execute(() -> {
                                LockSupport.parkNanos(delayNanos);
                                sem.release();
                            });
                            yield Aio.async(() -> {
                                sem.acquire();
                                return id;
                            });
                        }
                        case SLEEP -> Aio.async(() -> { // woken by the JDK's own timer thread
                            Thread.sleep(0, (int) (delayNanos % 1_000_000));
                            return id;
                        });
                    };
                    tasks.add(Aio.createTask(body, kind + "-" + i));
                    if (r.nextInt(8) == 0) {
                        Aio.sleep(0);
                    }
                }
                return Aio.await(Aio.gather(tasks));
            }));
            for (int i = 0; i < n; i++) {
                assertThat(results.get(i)).as("seed %d task %d", seed, i).isEqualTo(i);
            }
        } finally {
            platform.shutdownNow();
            assertThat(platform.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void awaitsOfCompletableFuturesCompletedAndCancelledFromOtherThreadsEndOnceAndLeaveNothingInFlight()
            throws Exception {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 2000 * SCALE;
        ExecutorService completers = Executors.newFixedThreadPool(2);
        try (Runner runner = Runner.create()) {
            EventLoop loop = runner.getLoop();
            List<CompletableFuture<Integer>> stages = new ArrayList<>();
            List<Task<Integer>> tasks = new ArrayList<>();
            boolean[] stageDoneWhenCancelled = new boolean[n];
            List<Object> outcomes = runner.run(Aio.async(() -> {
                for (int i = 0; i < n; i++) {
                    int id = i;
                    CompletableFuture<Integer> stage = new CompletableFuture<>();
                    stages.add(stage);
                    tasks.add(Aio.createTask(Aio.async(() -> {
                        try {
                            return Aio.await(stage);
                        } catch (CancelledError e) {
                            stageDoneWhenCancelled[id] = stage.isDone();
                            throw e;
                        }
                    }), "await-" + i));
                }
                Aio.sleep(0); // every task's first step runs: all of them now await their stage
                SplittableRandom cr = rnd.split();
                long[] delays = new long[n];
                boolean[] fail = new boolean[n];
                for (int i = 0; i < n; i++) {
                    delays[i] = cr.nextLong(0, 200_000);
                    fail[i] = cr.nextInt(5) == 0;
                }
                // The completers start a little after the canceller, so that each wins some races.
                for (int first = 0; first < 2; first++) {
                    int from = first;
                    completers.execute(() -> {
                        LockSupport.parkNanos(500_000);
                        for (int i = from; i < n; i += 2) {
                            LockSupport.parkNanos(delays[i] / 20);
                            complete(stages.get(i), i, fail[i]);
                        }
                    });
                }
                SplittableRandom kr = rnd.split();
                Thread canceller = Thread.ofPlatform().start(() -> {
                    for (int k = 0; k < n / 3; k++) {
                        Task<Integer> t = tasks.get(kr.nextInt(n));
                        loop.callSoonThreadsafe(() -> t.cancel("from another thread"));
                        if (kr.nextInt(4) == 0) {
                            LockSupport.parkNanos(kr.nextLong(1_000, 50_000));
                        }
                    }
                });
                List<Object> all = Aio.await(Aio.gather(true, tasks));
                // Completions that lost to a cancellation may still be on their way in.
                long deadline = System.nanoTime() + WAKEUP_DEADLINE_NANOS;
                while ((canceller.isAlive() || ModelCheck.workInFlightOutside(loop) > 0)
                        && System.nanoTime() < deadline) {
                    Aio.sleep(0.001);
                }
                return all;
            }));
            int values = 0;
            int cancelled = 0;
            for (int i = 0; i < n; i++) {
                Object o = outcomes.get(i);
                CompletableFuture<Integer> stage = stages.get(i);
                if (o instanceof CancelledError) {
                    cancelled++;
                    assertThat(tasks.get(i).cancelled()).isTrue();
                    assertThat(stageDoneWhenCancelled[i])
                            .as("seed %d task %d: a cancelled await cancels its stage, or the stage had completed",
                                    seed, i)
                            .isTrue();
                } else if (o instanceof IllegalStateException e) {
                    assertThat(e).as("seed %d task %d", seed, i).hasMessage("failed " + i);
                } else {
                    values++;
                    assertThat(o).as("seed %d task %d", seed, i).isEqualTo(i);
                    assertThat(stage.isCancelled()).isFalse();
                }
            }
            assertThat(values).as("seed %d: some awaits got their value", seed).isPositive();
            assertThat(cancelled).as("seed %d: some awaits were cancelled", seed).isPositive();
            assertThat(ModelCheck.workInFlightOutside(loop)).as("seed %d: work in flight outside the loop", seed)
                    .isZero();
        } finally {
            completers.shutdown();
            assertThat(completers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void complete(CompletableFuture<Integer> stage, int i, boolean fail) {
        if (fail) {
            stage.completeExceptionally(new IllegalStateException("failed " + i));
        } else {
            stage.complete(i);
        }
    }

    @Test
    void runInExecutorResultsRacingCancelsAndCloseArriveOnceOrAreDroppedQuietly() throws Exception {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 1000 * SCALE;
        ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "executor-worker");
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(3, factory);
        try {
            EventLoop loop = EventLoop.create();
            List<Future<Integer>> futures = new ArrayList<>();
            long[] work = new long[n];
            for (int i = 0; i < n; i++) {
                work[i] = rnd.nextLong(0, 100_000);
            }
            SplittableRandom kr = rnd.split();
            Object[] outcomes = new Object[n];
            // Half of the work is waited for; the loop closes while the other half may still be running.
            loop.runUntilComplete(Aio.async(() -> {
                for (int i = 0; i < n; i++) {
                    int id = i;
                    futures.add(loop.runInExecutor(pool, () -> {
                        LockSupport.parkNanos(work[id]);
                        return id;
                    }));
                }
                Thread canceller = Thread.ofPlatform().start(() -> {
                    for (int k = 0; k < n / 4; k++) {
                        Future<Integer> f = futures.get(kr.nextInt(n));
                        loop.callSoonThreadsafe(f::cancel);
                        LockSupport.parkNanos(kr.nextLong(1_000, 20_000));
                    }
                });
                for (int i = 0; i < n / 2; i++) {
                    try {
                        outcomes[i] = Aio.await(futures.get(i));
                    } catch (CancelledError e) {
                        outcomes[i] = e;
                    }
                }
                while (canceller.isAlive()) {
                    Aio.sleep(0.001);
                }
                return null;
            }));
            loop.close();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < n / 2; i++) {
                Object o = outcomes[i];
                if (o instanceof CancelledError) {
                    assertThat(futures.get(i).cancelled()).isTrue();
                } else {
                    assertThat(o).as("seed %d future %d", seed, i).isEqualTo(i);
                }
            }
            assertThat(uncaught).as("seed %d: results posted to a closed loop are dropped quietly", seed).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}
