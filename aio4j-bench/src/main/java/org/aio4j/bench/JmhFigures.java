package org.aio4j.bench;

import java.nio.file.Path;
import java.util.Collection;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs one aio4j figure of {@link Aio4jBenchmarks} through JMH's Runner API. */
final class JmhFigures {
    /*
     * One fork (a fresh JVM with the same flags as every other JVM of the run), a warm-up, then
     * Plan.runs() measurement iterations. The figure is the median of the iterations' scores, as the
     * other variants report the median of their measurements, rather than JMH's mean:
     * - time-based benchmarks (figures 1-3, 6, 7): each iteration's score is the mean time per
     *   operation over the iteration (@OperationsPerInvocation divides by the switches, items or
     *   acquisitions);
     * - the single-shot benchmark (figure 4): each iteration is one spawn+gather.
     * JMH's own report goes to a log file, so that the harness prints only its one line per figure.
     */

    /** Longest any single JMH iteration may take before JMH gives up on it. */
    private static final TimeValue ITERATION_TIMEOUT = TimeValue.minutes(5);

    private JmhFigures() {}

    /**
     * Runs the JMH benchmark of {@code figure} and returns the median of its measurement
     * iterations, in the benchmark's output unit (ns for figures 1-3, 6 and 7, seconds for figure 4).
     *
     * @param log where JMH writes its report
     * @throws RunnerException if the benchmark fails or JMH cannot run it
     */
    static double run(Figure figure, Plan plan, Path log) throws RunnerException {
        String benchmark = Aio4jBenchmarks.class.getName() + "." + figure.jmhMethod();
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark) + "$")
                .forks(1)
                .jvmArgs(BenchMain.JVM_FLAGS.toArray(String[]::new))
                .shouldDoGC(true)
                .shouldFailOnError(true)
                .timeout(ITERATION_TIMEOUT)
                .output(log.toString())
                .measurementIterations(plan.runs());
        if (figure == Figure.GATHER) {
            options.warmupIterations(plan.jmhSingleShotWarmups())
                    .param("tasks", String.valueOf(plan.count(Workload.GATHER_TASKS)));
        } else {
            TimeValue iteration = TimeValue.milliseconds(plan.jmhIterationMillis());
            options.warmupIterations(plan.jmhWarmupIterations())
                    .warmupTime(iteration)
                    .measurementTime(iteration);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        double[] scores = results.stream()
                .flatMap(run -> run.getBenchmarkResults().stream())
                .flatMap(forkResult -> forkResult.getIterationResults().stream())
                .mapToDouble(iteration -> iteration.getPrimaryResult().getScore())
                .toArray();
        if (scores.length == 0) {
            throw new RunnerException("JMH returned no results for " + benchmark + "; see " + log);
        }
        return Samples.median(scores);
    }
}
