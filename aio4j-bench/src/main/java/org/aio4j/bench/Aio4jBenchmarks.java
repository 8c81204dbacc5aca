package org.aio4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
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
 * The aio4j side of the figures: JMH benchmarks for figures 1-4, and the figure-5 memory scenario.
 *
 * <p>{@link BenchMain} runs the benchmarks through JMH's Runner API (see {@link JmhFigures}), which
 * overrides the iteration counts; the annotations here hold what does not change between runs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // JmhFigures passes the JVM flags (BenchMain.JVM_FLAGS, with the --add-opens of DESIGN.md)
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
     * Every benchmark returns a value derived from the work, so JMH's dead-code elimination
     * cannot remove any of it.
     */

    /** Figure 1: ns per switch. */
    @Benchmark
    @OperationsPerInvocation(2 * Workload.PING_PONG_ROUNDS)
    public int pingPong() {
        return pingPong(Workload.PING_PONG_ROUNDS);
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
}
