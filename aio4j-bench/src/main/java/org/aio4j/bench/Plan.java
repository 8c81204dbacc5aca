package org.aio4j.bench;

/**
 * How long to measure: the full run (warm-up, then the median of 5 measurements) or the quick smoke
 * run ({@code --quick}: counts divided by 10, one warm-up and one measurement, each still about a
 * second long so that the JIT has compiled the hot loops; the figures are indicative only).
 *
 * @param quick whether this is the quick smoke run
 */
public record Plan(boolean quick) {
    /** The count to use for a workload whose full-run size is {@code full}. */
    int count(int full) {
        return quick ? full / 10 : full;
    }

    /** Measurements per figure and variant; the figure is their median. */
    int runs() {
        return quick ? 1 : 5;
    }

    /** Minimum warm-up runs before measuring, for the simple (non-JMH) loops. */
    int warmupRuns() {
        return quick ? 1 : 3;
    }

    /** Minimum warm-up time for the simple loops: they keep warming up until both minima are met. */
    double warmupSeconds() {
        return quick ? 1.0 : 3.0;
    }

    /** JMH warm-up iterations of the time-based benchmarks (figures 1-3, 6, 7). */
    int jmhWarmupIterations() {
        return quick ? 1 : 5;
    }

    /** JMH warm-up iterations of the single-shot benchmark (figure 4). */
    int jmhSingleShotWarmups() {
        return quick ? 1 : 3;
    }

    /** Length of one JMH iteration of the time-based benchmarks, in milliseconds. */
    int jmhIterationMillis() {
        return 1000;
    }

    /** The command-line arguments that recreate this plan in a child process. */
    String[] args() {
        return quick ? new String[] {"--quick"} : new String[0];
    }
}
