package org.aio4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs aio4j's JMH benchmarks ({@link Aio4jBenchmarks}, {@link AsyncGenBenchmarks}) through JMH's Runner API. */
final class JmhFigures {
    /*
     * One fork (a fresh JVM with the same flags as every other JVM of the run), a warm-up, then
     * Plan.runs() measurement iterations. The figure is the median of the iterations' scores, as the
     * other variants report the median of their measurements, rather than JMH's mean:
     * - time-based benchmarks (figures 1-3, 6, 7): each iteration's score is the mean time per
     *   operation over the iteration (@OperationsPerInvocation divides by the switches, items or
     *   acquisitions); figure 9 runs several such benchmarks in one call (runAll), one fork each,
     *   and so does figure 1 with its continuation floor (runWithFloor), so that the target's
     *   reference is measured in the same run, by the same harness, right after aio4j;
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
        double[] scores = scores(results.stream());
        if (scores.length == 0) {
            throw new RunnerException("JMH returned no results for " + benchmark + "; see " + log);
        }
        return Samples.median(scores);
    }

    /**
     * Runs the time-based JMH benchmark of {@code figure} and its floor benchmark
     * ({@link Figure#floorJmhMethod()}) in one JMH run, one fork each, and returns the median of
     * each, in ns, under the metric's key and {@link Figure.Metric#floorKey()}.
     *
     * @param log where JMH writes its report (of both benchmarks)
     * @throws RunnerException if either benchmark fails or JMH cannot run it (then neither value is reported)
     */
    static Map<String, Double> runWithFloor(Figure figure, Plan plan, Path log) throws RunnerException {
        Figure.Metric metric = figure.metric();
        Map<String, Double> medians = runAll(Aio4jBenchmarks.class,
                List.of(figure.jmhMethod(), figure.floorJmhMethod()), List.of(), plan, log);
        return Map.of(metric.key(), medians.get(figure.jmhMethod()),
                metric.floorKey(), medians.get(figure.floorJmhMethod()));
    }

    /**
     * Runs the time-based benchmarks {@code methods} of {@code benchmarks} (one fork each, the
     * iterations of {@code plan}) and returns the median score of each, by method name, in the
     * benchmark's output unit.
     *
     * @param extraJvmArgs flags added to {@link BenchMain#JVM_FLAGS} in the forks, e.g. a system property
     * @param log where JMH writes its report
     * @throws RunnerException if a benchmark fails or JMH cannot run it
     */
    static Map<String, Double> runAll(Class<?> benchmarks, List<String> methods, List<String> extraJvmArgs,
            Plan plan, Path log) throws RunnerException {
        String prefix = benchmarks.getName() + ".";
        List<String> jvmArgs = new ArrayList<>(BenchMain.JVM_FLAGS);
        jvmArgs.addAll(extraJvmArgs);
        TimeValue iteration = TimeValue.milliseconds(plan.jmhIterationMillis());
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(prefix) + "(" + methods.stream().map(Pattern::quote)
                        .collect(Collectors.joining("|")) + ")$")
                .forks(1)
                .jvmArgs(jvmArgs.toArray(String[]::new))
                .shouldDoGC(true)
                .shouldFailOnError(true)
                .timeout(ITERATION_TIMEOUT)
                .output(log.toString())
                .warmupIterations(plan.jmhWarmupIterations())
                .warmupTime(iteration)
                .measurementIterations(plan.runs())
                .measurementTime(iteration);
        Map<String, Double> medians = new LinkedHashMap<>();
        for (RunResult run : new Runner(options.build()).run()) {
            String method = run.getParams().getBenchmark().substring(prefix.length());
            double[] scores = scores(Stream.of(run));
            if (scores.length > 0) {
                medians.put(method, Samples.median(scores));
            }
        }
        for (String method : methods) {
            if (!medians.containsKey(method)) {
                throw new RunnerException("JMH returned no results for " + prefix + method + "; see " + log);
            }
        }
        return medians;
    }

    /** The scores of every measurement iteration of {@code results}. */
    private static double[] scores(Stream<RunResult> results) {
        return results
                .flatMap(run -> run.getBenchmarkResults().stream())
                .flatMap(forkResult -> forkResult.getIterationResults().stream())
                .mapToDouble(iteration -> iteration.getPrimaryResult().getScore())
                .toArray();
    }
}
