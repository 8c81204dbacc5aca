package org.aio4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.sync.Acquired;
import org.aio4j.sync.Lock;
import org.aio4j.sync.Queue;
import org.aio4j.sync.Semaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The aio4j side of the figures: JMH benchmarks for figures 1-4, 6 and 7, figure 1's continuation
 * floor (no aio4j code; see {@link ContinuationFloor}), and the figure-5 memory scenario.
 *
 * <p>{@link BenchMain} runs the benchmarks through JMH's Runner API (see {@link JmhFigures}), which
 * overrides the iteration counts; the annotations here hold what does not change between runs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // JmhFigures passes the JVM flags (BenchMain.JVM_FLAGS, with the --add-opens of docs/architecture.md)
public class Aio4jBenchmarks {
    /*
     * Each invocation runs a whole scenario inside its own Aio.run (a new loop, a main task, the
     * scenario's tasks), and @OperationsPerInvocation turns the time of the invocation into ns per
     * switch or per iteration. Starting and closing the loop is included, as asyncio_bench.py
     * includes asyncio.Runner.run and the Kotlin peers runBlocking; it is a few microseconds against
     * tens of milliseconds of work.
     *
     * Ping-pong design: each player creates the future it will wait on next, publishes it in the
     * shared box, completes the peer's future and awaits its own. The loop runs one task at a time,
     * so the box needs no synchronisation, and each switch is exactly one future completion plus one
     * await (the completion schedules the waiter's wake-up with callSoon, as asyncio does).
     *
     * Figures 6 and 7 also check their work (Workload.checkQueueSum, checkLockCount): the consumer
     * sums the items it got, and each critical section increments a shared counter across its
     * sleep(0), so lost items or a broken mutual exclusion fail the benchmark instead of making it
     * fast.
     *
     * Every benchmark returns a value derived from the work, so JMH's dead-code elimination
     * cannot remove any of it.
     */

    /** Figure 1: ns per switch. */
    @Benchmark
    @OperationsPerInvocation(2 * Workload.PING_PONG_ROUNDS)
    public int pingPong() {
        return pingPong(Workload.PING_PONG_ROUNDS);
    }

    /**
     * Figure 1's continuation floor: ns per switch of two bare virtual threads handing a baton back
     * and forth with park/unpark on a single-thread scheduler run by the benchmark thread (no aio4j
     * code); aio4j's target is at most 1.1x this, measured in the same run.
     */
    @Benchmark
    @OperationsPerInvocation(2 * Workload.PING_PONG_ROUNDS)
    public int pingPongFloor() {
        return ContinuationFloor.pingPong(Workload.PING_PONG_ROUNDS);
    }

    /**
     * Figure 12 (watchdog): figure 1 while a {@link org.aio4j.Timeline} records every step, for what
     * recording costs.
     */
    @Benchmark
    @OperationsPerInvocation(2 * Workload.PING_PONG_ROUNDS)
    public int pingPongTimelineRecording(Recording recording) {
        return pingPong(Workload.PING_PONG_ROUNDS);
    }

    /** A timeline recording for the whole trial (its ring is allocated once, as in a real program). */
    @State(Scope.Benchmark)
    public static class Recording {
        private org.aio4j.Timeline timeline;

        @org.openjdk.jmh.annotations.Setup(org.openjdk.jmh.annotations.Level.Trial)
        public void start() {
            timeline = org.aio4j.Timeline.start();
        }

        @org.openjdk.jmh.annotations.TearDown(org.openjdk.jmh.annotations.Level.Trial)
        public void stop() {
            timeline.stop();
        }
    }

    /** Figure 2: ns per {@code sleep(0)} of one task. */
    @Benchmark
    @OperationsPerInvocation(Workload.SLEEP0_ITERATIONS)
    public int sleep0() {
        return sleep0Loops(1, Workload.SLEEP0_ITERATIONS);
    }

    /** Figure 3: ns per switch of two tasks each looping {@code sleep(0)}. */
    @Benchmark
    @OperationsPerInvocation(2 * Workload.SLEEP0_PAIR_ITERATIONS)
    public int sleep0Pair() {
        return sleep0Loops(2, Workload.SLEEP0_PAIR_ITERATIONS);
    }

    /** Figure 4: seconds to spawn and gather {@link GatherSize#tasks} tasks that each sleep(0). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int gather(GatherSize size) {
        return gather(size.tasks);
    }

    /** Figure 6: ns per item that one producer task passes to one consumer task through a Queue(64). */
    @Benchmark
    @OperationsPerInvocation(Workload.QUEUE_ITEMS)
    public long queue() {
        return queue(Workload.QUEUE_ITEMS);
    }

    /** Figure 7: ns per acquire of a Lock that 4 tasks contend for, each yielding while holding it. */
    @Benchmark
    @OperationsPerInvocation(Workload.LOCK_TASKS * Workload.LOCK_ACQUIRES_PER_TASK)
    public int lock() {
        return lock(Workload.LOCK_TASKS, Workload.LOCK_ACQUIRES_PER_TASK);
    }

    /** Figure 16: ns per callLater timer, 1M scheduled (delays 0-999 us) and fired. */
    @Benchmark
    @OperationsPerInvocation(Workload.TIMERS)
    public int timers() {
        return timers(Workload.TIMERS);
    }

    /** Figure 17: ns per task of 100k tasks through Semaphore(50), each sleep(0) while holding. */
    @Benchmark
    @OperationsPerInvocation(Workload.SEMAPHORE_TASKS)
    public int semaphore() {
        return semaphore(Workload.SEMAPHORE_TASKS);
    }

    /** Figure 18: ns per timeout() scope entered and left without firing. */
    @Benchmark
    @OperationsPerInvocation(Workload.TIMEOUT_SCOPES)
    public int timeoutScope() {
        return timeoutScopes(Workload.TIMEOUT_SCOPES);
    }

    /** The number of tasks of figure 4 (quick mode passes a tenth through JMH's -p). */
    @State(Scope.Benchmark)
    public static class GatherSize {
        /** Tasks to spawn and gather. */
        @Param({"" + Workload.GATHER_TASKS})
        public int tasks;
    }

    /** Runs {@code rounds} rounds of ping-pong (two switches each); returns the rounds played. */
    static int pingPong(int rounds) {
        return Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Future<?>[] box = {loop.createFuture(), loop.createFuture()};
            Task<Integer> a = Aio.createTask(player(box, 0, rounds));
            Task<Integer> b = Aio.createTask(player(box, 1, rounds));
            return Aio.await(a) + Aio.await(b);
        }));
    }

    private static Coro<Integer> player(Future<?>[] box, int me, int rounds) {
        return Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            for (int i = 0; i < rounds; i++) {
                Future<Void> mine = loop.createFuture();
                Future<?> peer = box[1 - me];
                box[me] = mine;
                peer.setResult(null); // wake the peer...
                Aio.await(mine); // ...and wait until it wakes us
            }
            Future<?> peer = box[1 - me]; // release the peer from its last await
            if (!peer.done()) {
                peer.setResult(null);
            }
            return rounds;
        });
    }

    /** Runs {@code tasks} tasks that each sleep(0) {@code iterations} times; returns the total. */
    static int sleep0Loops(int tasks, int iterations) {
        return Aio.run(Aio.async(() -> {
            List<Task<Integer>> loops = new ArrayList<>(tasks);
            for (int t = 0; t < tasks; t++) {
                loops.add(Aio.createTask(Aio.async(() -> {
                    for (int i = 0; i < iterations; i++) {
                        Aio.sleep(0);
                    }
                    return iterations;
                })));
            }
            int total = 0;
            for (Integer done : Aio.await(Aio.gather(loops))) {
                total += done;
            }
            return total;
        }));
    }

    /** Spawns {@code count} tasks that each sleep(0), gathers them; returns the results' count. */
    static int gather(int count) {
        return Aio.run(Aio.async(() -> {
            List<Task<Void>> tasks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                tasks.add(Aio.createTask(Aio.async(() -> {
                    Aio.sleep(0);
                })));
            }
            return Aio.await(Aio.gather(tasks)).size();
        }));
    }

    /**
     * One producer task puts the integers 0 .. items-1 into a {@code Queue(64)}, one consumer task
     * gets {@code items} of them; returns their sum, checked.
     */
    static long queue(int items) {
        long sum = Aio.run(Aio.async(() -> {
            Queue<Integer> queue = Queue.create(Workload.QUEUE_SIZE);
            Task<Void> producer = Aio.createTask(Aio.async(() -> {
                for (int i = 0; i < items; i++) {
                    queue.put(i);
                }
            }));
            Task<Long> consumer = Aio.createTask(Aio.async(() -> {
                long total = 0;
                for (int i = 0; i < items; i++) {
                    total += queue.get();
                }
                return total;
            }));
            Aio.await(producer);
            return Aio.await(consumer);
        }));
        return Workload.checkQueueSum(items, sum);
    }

    /**
     * {@code tasks} tasks each acquire one shared Lock {@code acquiresPerTask} times and
     * {@code sleep(0)} while holding it; returns the shared counter the critical sections
     * increment, checked.
     */
    @SuppressWarnings("try") // `held` is only there to release the lock when the block ends
    static int lock(int tasks, int acquiresPerTask) {
        int counter = Aio.run(Aio.async(() -> {
            Lock lock = Lock.create();
            int[] shared = {0}; // only touched with the lock held
            List<Task<Void>> workers = new ArrayList<>(tasks);
            for (int t = 0; t < tasks; t++) {
                workers.add(Aio.createTask(Aio.async(() -> {
                    for (int i = 0; i < acquiresPerTask; i++) {
                        try (Acquired held = lock.acquire()) {
                            int seen = shared[0];
                            Aio.sleep(0);
                            shared[0] = seen + 1;
                        }
                    }
                })));
            }
            Aio.await(Aio.gather(workers));
            return shared[0];
        }));
        return Workload.checkLockCount(tasks, acquiresPerTask, counter);
    }

    /**
     * Figure 5 (one measurement; call in a fresh JVM): memory per task parked on one
     * never-completed future. {@code Aio.run} cancels the parked tasks when the main task ends.
     */
    static TaskMemory parkedTaskMemory(Plan plan) {
        int count = plan.count(Workload.MEMORY_TASKS);
        return Aio.run(Aio.async(() -> {
            Future<Void> never = Aio.runningLoop().createFuture();
            List<Task<Void>> tasks = new ArrayList<>(count); // allocated before the baseline
            MemoryProbe probe = MemoryProbe.baseline();
            for (int i = 0; i < count; i++) {
                tasks.add(Aio.createTask(Aio.async(() -> {
                    Aio.await(never);
                })));
            }
            // Every task's first step was scheduled before this task's wake-up, so after yielding
            // all of them have run and are parked on `never`.
            Aio.sleep(0);
            Aio.sleep(0);
            return probe.perTask(count);
        }));
    }

    /** Schedules {@code count} callLater timers (delays 0-999 us) and waits until all fired; returns how many fired. */
    static int timers(int count) {
        return Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Future<Integer> done = loop.createFuture();
            int[] fired = {0};
            Runnable callback = () -> {
                if (++fired[0] == count) {
                    done.setResult(fired[0]);
                }
            };
            for (int i = 0; i < count; i++) {
                loop.callLater((i % 1000) * 1e-6, callback);
            }
            return Workload.checkCount("timers", count, Aio.await(done));
        }));
    }

    /** {@code tasks} tasks each acquire a Semaphore(50) permit, sleep(0) and release; returns how many passed. */
    @SuppressWarnings("try") // `held` is only there to release the permit when the block ends
    static int semaphore(int tasks) {
        return Aio.run(Aio.async(() -> {
            Semaphore sem = Semaphore.create(Workload.SEMAPHORE_PERMITS);
            int[] passed = {0};
            List<Coro<Void>> workers = new ArrayList<>(tasks);
            for (int t = 0; t < tasks; t++) {
                workers.add(Aio.async(() -> {
                    try (Acquired held = sem.acquire()) {
                        Aio.sleep(0);
                        passed[0]++;
                    }
                }));
            }
            Aio.await(Aio.gather(workers));
            return Workload.checkCount("semaphore", tasks, passed[0]);
        }));
    }

    /** Enters and leaves {@code count} timeout(10 s) scopes whose body returns at once; returns how many ran. */
    static int timeoutScopes(int count) {
        return Aio.run(Aio.async(() -> {
            int[] ran = {0};
            for (int i = 0; i < count; i++) {
                Aio.timeout(10.0, () -> {
                    ran[0]++;
                });
            }
            return Workload.checkCount("timeout-scope", count, ran[0]);
        }));
    }
}
