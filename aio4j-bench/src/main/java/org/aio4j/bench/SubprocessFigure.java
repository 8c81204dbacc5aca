package org.aio4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 11, {@code subprocess}: microseconds per child process, for 200 {@code true} processes
 * spawned and waited for one after the other, and for 200 {@code cat} round trips (spawn, write a
 * line, read it back, close stdin, wait), in aio4j (its pipes on the loop's selector, and in the
 * threaded fallback), plain {@link ProcessBuilder} on a virtual thread, asyncio and uvloop. One line
 * per scenario:
 *
 * <pre>
 * subprocess 200 x spawn true + wait us/process: aio4j 900 | aio4j threads-fallback 950 (1.06x) | vthreads 850 (0.94x) | asyncio 1400 (1.56x) | uvloop 800 (0.89x)
 * </pre>
 *
 * where the ratio after a peer is peer / aio4j (&gt; 1: aio4j is faster).
 */
final class SubprocessFigure {
    /*
     * Every JVM column runs in a child JVM of its own ("--child <variant> subprocess"), warmed up,
     * median of the plan's runs (Samples); the threads-fallback child gets
     * -Daio4j.subprocess.threadPipes=true. CPython runs asyncio_bench.py's "subprocess" scenario,
     * which repeats the same two loops. The issue sets no target for this figure.
     */

    private record Column(String label, String key) {}

    private static final List<Column> COLUMNS = List.of(
            new Column("aio4j", "aio4j"),
            new Column("aio4j threads-fallback", "aio4j-threads"),
            new Column("vthreads ProcessBuilder", "vthreads"),
            new Column("asyncio", "asyncio"),
            new Column("uvloop", "uvloop"));

    private static final Map<String, String> LINES = new LinkedHashMap<>();

    static {
        LINES.put("subprocess-spawn", "x spawn true + wait us/process");
        LINES.put("subprocess-cat", "x cat round trip (spawn, write a line, read it back, close stdin, wait) us/process");
    }

    private final Plan plan;
    private final Path logDir;
    private final Path script;
    private final String asyncioPython;
    private final String uvloopPython;
    private final String asyncioSkipped;
    private final String uvloopSkipped;
    /** column key to (RESULT key to value). */
    private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    SubprocessFigure(Plan plan, Path logDir, Path script, String asyncioPython, String uvloopPython,
            String asyncioSkipped, String uvloopSkipped) {
        this.plan = plan;
        this.logDir = logDir;
        this.script = script;
        this.asyncioPython = asyncioPython;
        this.uvloopPython = uvloopPython;
        this.asyncioSkipped = asyncioSkipped;
        this.uvloopSkipped = uvloopSkipped;
    }

    /** Measures every column, then prints the figure's lines on stdout. */
    void run() throws IOException {
        step("aio4j", () -> ChildProcess.run(BenchMain.childJvmCommand("aio4j", Figure.SUBPROCESS, plan), log("aio4j")));
        step("aio4j-threads", () -> {
            List<String> command = new ArrayList<>(BenchMain.childJvmCommand("aio4j", Figure.SUBPROCESS, plan));
            command.add(1, "-Daio4j.subprocess.threadPipes=true");
            return ChildProcess.run(command, log("aio4j-threads"));
        });
        step("vthreads", () -> ChildProcess.run(BenchMain.childJvmCommand("vthreads", Figure.SUBPROCESS, plan),
                log("vthreads")));
        if (asyncioSkipped == null) {
            step("asyncio", () -> python("asyncio", asyncioPython, false));
        }
        if (uvloopSkipped == null) {
            step("uvloop", () -> python("uvloop", uvloopPython, true));
        }
        print();
    }

    private interface Step {
        Map<String, Double> run() throws Exception;
    }

    private void step(String column, Step step) throws IOException {
        Path log = log(column);
        Files.deleteIfExists(log);
        System.err.printf(Locale.ROOT, "[aio4j-bench] subprocess: %s ...%n", column);
        long start = System.nanoTime();
        boolean failed = false;
        try {
            values.put(column, step.run());
        } catch (Exception e) {
            failed = true;
            failures.add(column + " failed: " + e.getMessage() + " (log: " + log + ")");
        }
        System.err.printf(Locale.ROOT, "[aio4j-bench] subprocess: %s %s in %.1f s%n", column,
                failed ? "FAILED" : "done", Samples.since(start) / 1e9);
    }

    private Map<String, Double> python(String name, String python, boolean uvloop) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), Figure.SUBPROCESS.id()));
        if (uvloop) {
            command.add("--uvloop");
        }
        command.addAll(List.of(plan.args()));
        return ChildProcess.run(command, log(name));
    }

    private Path log(String column) {
        return logDir.resolve("subprocess-" + column + ".log");
    }

    private void print() {
        int count = plan.count(Workload.SUBPROCESS_COUNT);
        for (Map.Entry<String, String> metric : LINES.entrySet()) {
            Double aio4j = value("aio4j", metric.getKey());
            StringBuilder line = new StringBuilder("subprocess ").append(count).append(' ').append(metric.getValue())
                    .append(':');
            boolean first = true;
            for (Column column : COLUMNS) {
                Double v = value(column.key(), metric.getKey());
                line.append(first ? " " : " | ").append(column.label()).append(' ')
                        .append(v == null ? "n/a" : BenchMain.number(v));
                if (!first && v != null && aio4j != null) {
                    line.append(" (").append(BenchMain.ratio(v / aio4j)).append(')');
                }
                first = false;
            }
            System.out.println(line);
        }
        if (asyncioSkipped != null) {
            System.out.println("#   asyncio skipped (its columns show n/a): " + asyncioSkipped);
        }
        if (uvloopSkipped != null) {
            System.out.println("#   uvloop skipped (its columns show n/a): " + uvloopSkipped);
        }
        failures.forEach(why -> System.out.println("#   " + why));
        System.out.flush();
    }

    private Double value(String column, String key) {
        Map<String, Double> m = values.get(column);
        return m == null ? null : m.get(key);
    }
}
