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
 * Figure {@code watchdog}: what the always-on watchdog costs the loop. The ping-pong, sleep(0)-pair
 * and spawn+gather benchmarks (figures 1, 3 and 4: the most loop steps per second, and task spawns) run in
 * JMH forks with the watchdog as shipped and with {@code -Daio4j.watchdog=false} (which removes its
 * stores from the loop), alternately, twice each, and the line gives the medians and the
 * difference; the "on" forks also run ping-pong while a {@link org.aio4j.Timeline} records, for the
 * cost of recording:
 *
 * <pre>
 * watchdog cost ns/switch: ping-pong on 182 | off 179 (+1.7%) || sleep0-pair on 150 | off 149 (+0.7%) | target &lt; 3%: met
 * </pre>
 *
 * <p>Then the echo server (aio4j-protocol, 100 B x 100 connections, see {@link EchoFigure}) runs
 * with the watchdog on and off, alternately, for requests/s and server CPU per request:
 *
 * <pre>
 * watchdog cost, echo 100B x100 conns (aio4j-protocol, req/s, server CPU us/req): on 146k 6.64 | off 139k 7.04 (req/s -4.6%, CPU/req -5.7%) | target &lt; 3%: met
 * </pre>
 *
 * <p>There is no peer: asyncio has no watchdog (its debug mode times every callback, and costs far
 * more). Alternating the forks (on, off, on, off) spreads the machine's drift over both sides.
 */
final class WatchdogFigure {
    /** The bound on the always-on parts. */
    static final double TARGET_PERCENT = 3;
    private static final List<String> BENCHMARKS = List.of("pingPong", "sleep0Pair", "gather");
    private static final Map<String, String> LABELS = Map.of("pingPong", "ping-pong", "sleep0Pair", "sleep0-pair",
            "gather", "spawn+gather (ms)");
    /** The timeline's cost while it records: ping-pong with a recording timeline, in the "on" forks. */
    private static final String RECORDING = "pingPongTimelineRecording";
    /** The bound on a recording timeline. */
    static final double TIMELINE_TARGET_PERCENT = 30;

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
            measure("on", round, List.of(), on, failures, true);
            measure("off", round, List.of("-Daio4j.watchdog=false"), off, failures, false);
        }
        StringBuilder line = new StringBuilder("watchdog cost ns/switch:");
        boolean met = true;
        boolean any = false;
        for (String b : BENCHMARKS) {
            if (!on.containsKey(b) || !off.containsKey(b)) {
                line.append(' ').append(LABELS.get(b)).append(" n/a |");
                continue;
            }
            double scale = b.equals("gather") ? 1e3 : 1; // seconds -> ms
            double withIt = scale * Samples.median(on.get(b).stream().mapToDouble(Double::doubleValue).toArray());
            double without = scale * Samples.median(off.get(b).stream().mapToDouble(Double::doubleValue).toArray());
            double percent = (withIt / without - 1) * 100;
            met &= percent < TARGET_PERCENT;
            any = true;
            line.append(String.format(Locale.ROOT, " %s on %.0f | off %.0f (%+.1f%%) ||", LABELS.get(b), withIt,
                    without, percent));
        }
        line.setLength(line.length() - (line.toString().endsWith("||") ? 3 : 2));
        line.append(String.format(Locale.ROOT, " | target < %.0f%%: %s", TARGET_PERCENT,
                any ? (met ? "met" : "MISSED") : "n/a"));
        if (on.containsKey(RECORDING) && on.containsKey("pingPong")) {
            double recording = Samples.median(on.get(RECORDING).stream().mapToDouble(Double::doubleValue).toArray());
            double plain = Samples.median(on.get("pingPong").stream().mapToDouble(Double::doubleValue).toArray());
            double percent = (recording / plain - 1) * 100;
            line.append(String.format(Locale.ROOT, "%n  timeline recording, ping-pong ns/switch: %.0f against %.0f"
                            + " (%+.1f%%) | target < %.0f%%: %s", recording, plain, percent, TIMELINE_TARGET_PERCENT,
                    percent < TIMELINE_TARGET_PERCENT ? "met" : "MISSED"));
        }
        System.out.println(line);
        echo(failures);
        for (String f : failures) {
            System.out.println("  " + f);
        }
    }

    /** Only the echo half ({@code watchdog-echo}): the JMH half takes most of the figure's time. */
    void runEcho() {
        List<String> failures = new ArrayList<>();
        echo(failures);
        for (String f : failures) {
            System.out.println("  " + f);
        }
    }

    /**
     * The echo server (aio4j-protocol, 100 B messages over 100 connections: the most steps per
     * second of the echo figure) with the watchdog on and off, alternately (on-off, off-on, ...), four
     * times each (once with --quick): requests/s and server CPU per request, medians of each side.
     */
    private void echo(List<String> failures) {
        EchoFigure echo = new EchoFigure(plan, logDir, BenchMain.UVLOOP_PYTHON, 1);
        List<Double> onRps = new ArrayList<>();
        List<Double> offRps = new ArrayList<>();
        List<Double> onCpu = new ArrayList<>();
        List<Double> offCpu = new ArrayList<>();
        int rounds = plan.quick() ? 1 : 4;
        for (int round = 0; round < rounds; round++) {
            // on-off, off-on, ...: a drift of the machine during the run falls on both sides alike
            for (boolean watchdog : round % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                String side = watchdog ? "on" : "off";
                Path log = logDir.resolve("watchdog-echo-" + side + "-" + round + ".log");
                System.err.printf(Locale.ROOT, "[aio4j-bench] watchdog: echo, %s, round %d ...%n", side, round + 1);
                try {
                    Files.deleteIfExists(log);
                    EchoFigure.Result r = echo.measureAio4j(EchoFigure.Server.AIO4J_PROTOCOL,
                            watchdog ? List.of() : List.of("-Daio4j.watchdog=false"), ECHO_SIZE, ECHO_CONNECTIONS, log);
                    (watchdog ? onRps : offRps).add(r.rps());
                    (watchdog ? onCpu : offCpu).add(r.cpuUs());
                } catch (IOException | RuntimeException e) {
                    failures.add("watchdog echo " + side + " failed: " + e.getMessage() + " (log: " + log + ")");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add("watchdog echo interrupted");
                    return;
                }
            }
        }
        if (onRps.isEmpty() || offRps.isEmpty()) {
            System.out.println("watchdog cost, echo: n/a");
            return;
        }
        double rpsOn = median(onRps);
        double rpsOff = median(offRps);
        double cpuOn = median(onCpu);
        double cpuOff = median(offCpu);
        double rpsCost = (rpsOff / rpsOn - 1) * 100; // how much faster without it
        double cpuCost = (cpuOn / cpuOff - 1) * 100;
        System.out.printf(Locale.ROOT, "watchdog cost, echo %dB x%d conns (aio4j-protocol, req/s, server CPU us/req):"
                        + " on %s %.2f | off %s %.2f (req/s %+.1f%%, CPU/req %+.1f%%) | target < %.0f%%: %s%n",
                ECHO_SIZE, ECHO_CONNECTIONS, EchoFigure.kilo(rpsOn), cpuOn, EchoFigure.kilo(rpsOff), cpuOff, rpsCost,
                cpuCost, TARGET_PERCENT, rpsCost < TARGET_PERCENT && cpuCost < TARGET_PERCENT ? "met" : "MISSED");
    }

    private static final int ECHO_SIZE = 100;
    private static final int ECHO_CONNECTIONS = 100;

    private static double median(List<Double> xs) {
        return Samples.median(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private void measure(String side, int round, List<String> flags, Map<String, List<Double>> into,
                         List<String> failures, boolean withRecording) throws IOException {
        Path log = logDir.resolve("watchdog-" + side + "-" + round + ".log");
        Files.deleteIfExists(log);
        System.err.printf(Locale.ROOT, "[aio4j-bench] watchdog: %s, round %d ...%n", side, round + 1);
        try {
            List<String> methods = new ArrayList<>(BENCHMARKS);
            if (withRecording) {
                methods.add(RECORDING);
            }
            JmhFigures.runAll(Aio4jBenchmarks.class, methods, flags, plan, log)
                    .forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        } catch (RunnerException e) {
            failures.add("watchdog " + side + " failed: " + e.getMessage() + " (log: " + log + ")");
        }
    }
}
