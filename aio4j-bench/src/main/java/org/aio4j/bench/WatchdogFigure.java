package org.aio4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Figure {@code watchdog}: what the always-on watchdog costs the loop. The ping-pong and
 * sleep(0)-pair benchmarks (figures 1 and 3, the ones with the most loop steps per second) run in
 * JMH forks with the watchdog as shipped and with {@code -Daio4j.watchdog=false} (which removes its
 * stores from the loop), alternately, twice each, and the line gives the medians and the
 * difference:
 *
 * <pre>
 * watchdog cost ns/switch: ping-pong on 182 | off 179 (+1.7%) || sleep0-pair on 150 | off 149 (+0.7%) | target &lt; 3%: met
 * </pre>
 *
 * <p>There is no peer: asyncio has no watchdog (its debug mode times every callback, and costs far
 * more). Alternating the forks (on, off, on, off) spreads the machine's drift over both sides.
 */
final class WatchdogFigure {
    /** The bound on the always-on parts. */
    static final double TARGET_PERCENT = 3;
    private static final List<String> BENCHMARKS = List.of("pingPong", "sleep0Pair");
    private static final Map<String, String> LABELS = Map.of("pingPong", "ping-pong", "sleep0Pair", "sleep0-pair");

    private final Plan plan;
    private final Path logDir;

    WatchdogFigure(Plan plan, Path logDir) {
        this.plan = plan;
        this.logDir = logDir;
    }

    void run() throws IOException {
        Map<String, List<Double>> on = new LinkedHashMap<>();
        Map<String, List<Double>> off = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        int rounds = plan.quick() ? 1 : 2;
        for (int round = 0; round < rounds; round++) {
            measure("on", round, List.of(), on, failures);
            measure("off", round, List.of("-Daio4j.watchdog=false"), off, failures);
        }
        StringBuilder line = new StringBuilder("watchdog cost ns/switch:");
        boolean met = true;
        boolean any = false;
        for (String b : BENCHMARKS) {
            if (!on.containsKey(b) || !off.containsKey(b)) {
                line.append(' ').append(LABELS.get(b)).append(" n/a |");
                continue;
            }
            double withIt = Samples.median(on.get(b).stream().mapToDouble(Double::doubleValue).toArray());
            double without = Samples.median(off.get(b).stream().mapToDouble(Double::doubleValue).toArray());
            double percent = (withIt / without - 1) * 100;
            met &= percent < TARGET_PERCENT;
            any = true;
            line.append(String.format(Locale.ROOT, " %s on %.0f | off %.0f (%+.1f%%) ||", LABELS.get(b), withIt,
                    without, percent));
        }
        line.setLength(line.length() - (line.toString().endsWith("||") ? 3 : 2));
        line.append(String.format(Locale.ROOT, " | target < %.0f%%: %s", TARGET_PERCENT,
                any ? (met ? "met" : "MISSED") : "n/a"));
        System.out.println(line);
        for (String f : failures) {
            System.out.println("  " + f);
        }
    }

    private void measure(String side, int round, List<String> flags, Map<String, List<Double>> into,
                         List<String> failures) throws IOException {
        Path log = logDir.resolve("watchdog-" + side + "-" + round + ".log");
        Files.deleteIfExists(log);
        System.err.printf(Locale.ROOT, "[aio4j-bench] watchdog: %s, round %d ...%n", side, round + 1);
        try {
            JmhFigures.runAll(Aio4jBenchmarks.class, BENCHMARKS, flags, plan, log)
                    .forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        } catch (RunnerException e) {
            failures.add("watchdog " + side + " failed: " + e.getMessage() + " (log: " + log + ")");
        }
    }
}
