package org.aio4j.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * The simple warmed-up measurement loop used for the Kotlin and virtual-thread peers (aio4j itself
 * is measured by JMH, see {@link Aio4jBenchmarks}).
 */
final class Samples {
    /*
     * Warm-up runs the same measurement as the real runs, until both the minimum count and the
     * minimum time of the plan are reached, so that a scenario whose run takes 20 ms still gets
     * seconds of JIT warm-up, as the JMH-measured aio4j does. A System.gc() before every run keeps
     * the garbage of one run (a million finished tasks) out of the next, like JMH's -gc true.
     */

    private Samples() {}

    /**
     * Warms up, then returns the median of {@link Plan#runs()} values of {@code measurement}.
     */
    static double medianOf(Plan plan, DoubleSupplier measurement) {
        long warmupEnd = System.nanoTime() + (long) (plan.warmupSeconds() * 1e9);
        for (int i = 0; i < plan.warmupRuns() || System.nanoTime() - warmupEnd < 0; i++) {
            System.gc();
            measurement.getAsDouble();
        }
        double[] values = new double[plan.runs()];
        for (int i = 0; i < values.length; i++) {
            System.gc();
            values[i] = measurement.getAsDouble();
        }
        return median(values);
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    static double median(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Nanoseconds elapsed since {@code startNanos} (a {@link System#nanoTime()} reading). */
    static double since(long startNanos) {
        return System.nanoTime() - startNanos;
    }
}
