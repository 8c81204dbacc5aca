package org.aio4j.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.AsyncGenerator;
import org.aio4j.StrandMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The aio4j side of figure 9 ({@link AsyncGenFigure}): JMH benchmarks of ns per item through an
 * {@link AsyncGenerator} whose body yields 0 .. n-1, consumed three ways.
 *
 * <p>{@link AsyncGenFigure} runs them through JMH's Runner API ({@link JmhFigures#runAll}), which
 * sets the iterations; {@link #pullPortable()} is run in a fork with {@code -Daio4j.strands=portable}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // JmhFigures passes the JVM flags (BenchMain.JVM_FLAGS)
public class AsyncGenBenchmarks {
    /*
     * As in Aio4jBenchmarks, each invocation is a whole Aio.run (a loop, a main task, the
     * generator and its consumption inside the main task), and @OperationsPerInvocation turns the
     * time of the invocation into ns per item of the generator (for filter+toList: per item
     * generated, half of which are kept, as asyncio_bench.py divides its comprehension). Every
     * benchmark checks its result (Workload.checkGeneratorSum, checkOddList), so a generator that
     * drops or repeats items fails instead of being fast, and returns it against dead-code
     * elimination. The body boxes each int into an Integer (beyond the small-integer cache, an
     * allocation per item), as Kotlin's Flow<Int> and CPython's ints do.
     */

    /** Pull: a plain for loop over the generator; each item is one switch to the body's stack and back. */
    @Benchmark
    @OperationsPerInvocation(Workload.ASYNCGEN_ITEMS)
    public long pull() {
        return pull(Workload.ASYNCGEN_ITEMS);
    }

    /** Push: {@code forEach}; the body runs on the consumer's stack and calls the consumer at each yield. */
    @Benchmark
    @OperationsPerInvocation(Workload.ASYNCGEN_ITEMS)
    public long push() {
        return push(Workload.ASYNCGEN_ITEMS);
    }

    /** The comprehension: {@code filter(i -> i % 2 == 1).toList()}. */
    @Benchmark
    @OperationsPerInvocation(Workload.ASYNCGEN_ITEMS)
    public int filterToList() {
        return filterToList(Workload.ASYNCGEN_ITEMS);
    }

    /** Pull on the smaller count of the portable strand mode (run with {@code -Daio4j.strands=portable}). */
    @Benchmark
    @OperationsPerInvocation(Workload.ASYNCGEN_PORTABLE_ITEMS)
    public long pullPortable() {
        return pull(Workload.ASYNCGEN_PORTABLE_ITEMS);
    }

    /** A generator of the integers 0 .. items-1. */
    static AsyncGenerator<Integer> counter(int items) {
        return Aio.asyncGenerator("counter", out -> {
            for (int i = 0; i < items; i++) {
                out.yield(i);
            }
        });
    }

    /** Sums {@code items} items with a for loop over the generator; returns the sum, checked. */
    static long pull(int items) {
        long sum = Aio.run(Aio.async(() -> {
            long total = 0;
            try (AsyncGenerator<Integer> gen = counter(items)) {
                for (Integer v : gen) {
                    total += v;
                }
            }
            return total;
        }));
        return Workload.checkGeneratorSum(items, sum);
    }

    /** Sums {@code items} items with forEach; returns the sum, checked. */
    static long push(int items) {
        long sum = Aio.run(Aio.async(() -> {
            long[] total = {0};
            try (AsyncGenerator<Integer> gen = counter(items)) {
                gen.forEach(v -> total[0] += v);
            }
            return total[0];
        }));
        return Workload.checkGeneratorSum(items, sum);
    }

    /** Collects the odd items into a list; returns its size, checked. */
    static int filterToList(int items) {
        List<Integer> odd = Aio.run(Aio.async(() -> {
            try (AsyncGenerator<Integer> gen = counter(items)) {
                return gen.filter(i -> i % 2 == 1).toList();
            }
        }));
        return Workload.checkOddList(items, odd);
    }

    /**
     * The same scenarios in the simple warmed-up loop of the peers ({@code --child aio4j asyncgen}),
     * a debugging aid: in the portable strand mode only the pull, on its smaller count.
     */
    static Map<String, Double> simpleLoops(Plan plan) {
        Map<String, Double> values = new LinkedHashMap<>();
        if (Aio.strandMode() == StrandMode.PORTABLE) {
            int items = Workload.ASYNCGEN_PORTABLE_ITEMS;
            values.put("pullPortable", Samples.medianOf(plan, () -> timed(() -> pull(items)) / items));
            return values;
        }
        int items = plan.count(Workload.ASYNCGEN_ITEMS);
        values.put("pull", Samples.medianOf(plan, () -> timed(() -> pull(items)) / items));
        values.put("push", Samples.medianOf(plan, () -> timed(() -> push(items)) / items));
        values.put("filterToList", Samples.medianOf(plan, () -> timed(() -> filterToList(items)) / items));
        return values;
    }

    private static double timed(Runnable scenario) {
        long start = System.nanoTime();
        scenario.run();
        return Samples.since(start);
    }
}
