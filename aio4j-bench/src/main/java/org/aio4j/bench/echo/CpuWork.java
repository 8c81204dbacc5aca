package org.aio4j.bench.echo;

/**
 * A fixed amount of CPU work per request for the echo servers' {@code --work-us W} option (the
 * {@code echo-group} figure): a loop of integer arithmetic whose iteration count is calibrated once
 * at startup to take {@code W} microseconds on an idle core of this machine.
 *
 * <p>Counted iterations rather than spinning until a clock deadline: a thread that spins on the
 * clock and is descheduled (two server loops and the load client share two cores) would "finish"
 * its work without having used the CPU, and so inflate the requests per second of exactly the
 * configurations that compete for cores. The figure calibrates once and gives every Java server the
 * same count ({@code --work-iterations}), so they all do the same work per request; Python's echo
 * server calibrates its own loop the same way ({@code --work-us}).
 */
public final class CpuWork {
    private static volatile long sink;

    private final long iterations;

    private CpuWork(long iterations) {
        this.iterations = iterations;
    }

    /** Work of {@code micros} per {@link #run()} (none for 0); calibrates for about half a second. */
    public static CpuWork of(double micros) {
        return new CpuWork(calibrate(micros));
    }

    /** Work of exactly {@code iterations} per {@link #run()} (as calibrated once by the figure for every server). */
    public static CpuWork ofIterations(long iterations) {
        return new CpuWork(Math.max(0, iterations));
    }

    /** The iteration count that takes {@code micros} on an idle core of this machine (0 for 0). */
    public static long calibrate(double micros) {
        if (micros <= 0) {
            return 0;
        }
        long probe = 1 << 16;
        double nsPerIteration = Double.MAX_VALUE;
        for (int round = 0; round < 6; round++) {          // the first rounds warm the JIT up
            long start = System.nanoTime();
            long n = 0;
            while (System.nanoTime() - start < 80_000_000L) {
                spin(probe);
                n += probe;
            }
            nsPerIteration = Math.min(nsPerIteration, (double) (System.nanoTime() - start) / n);
        }
        return Math.max(1, Math.round(micros * 1000 / nsPerIteration));
    }

    /** Does the calibrated work on the calling thread. */
    public void run() {
        if (iterations > 0) {
            spin(iterations);
        }
    }

    private static void spin(long n) {
        long x = sink | 1;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink = x;
    }
}
