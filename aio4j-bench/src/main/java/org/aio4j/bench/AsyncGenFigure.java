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
 * Figure 9, {@code asyncgen}: nanoseconds per item through an async generator whose body yields
 * the integers 0 .. n-1, for each way of consuming it in aio4j and its peers.
 *
 * <ul>
 *   <li>aio4j ({@link AsyncGenBenchmarks}, JMH): <b>pull</b>, a {@code for (Integer v : gen)} loop
 *       (the body runs on its own stack, one stack switch per item); <b>push</b>,
 *       {@code gen.forEach(v -> ...)} (the body runs on the consumer's stack and calls the
 *       consumer at each yield); <b>filter+toList</b>, {@code gen.filter(i -> i % 2 == 1).toList()};
 *       and pull again in the portable strand mode ({@code -Daio4j.strands=portable}, on a smaller
 *       count: there every item is a hand-over between two threads).
 *   <li>kotlinx.coroutines (a child JVM, {@link KotlinPeers#asyncGen}): {@code flow { emit }.collect},
 *       the named peer; {@code flow.filter { }.toList()}; {@code sequence { yield }} (pull, stackless);
 *       {@code produce} over a rendezvous {@code Channel} consumed by a for loop (pull across two
 *       coroutines).
 *   <li>CPython asyncio and uvloop ({@code asyncio_bench.py asyncgen}): {@code async for v in agen()}
 *       and {@code [i async for i in agen() if i % 2]}.
 * </ul>
 *
 * <p>It prints one line of figures, one of ratios (peer / aio4j: how many times faster aio4j is),
 * one of the targets with met or MISSED, and one line for the portable pull:
 *
 * <pre>
 * asyncgen 1M items ns/item: aio4j pull 90 | push 2 | filter+toList 6 || kotlin flow 1.5 | ...
 *   ratios (peer / aio4j: &gt; 1 means aio4j is faster): pull: uvloop async-for 0.69x, sequence 0.05x, ...
 *   targets: pull &gt;= 20x faster than uvloop async-for: 0.69x MISSED | push &gt;= 20x faster than uvloop async-for: 31x met | ...
 *   aio4j pull, portable strands (-Daio4j.strands=portable, 20k items) ns/item: 9000 (100x the loop-scheduled pull, uvloop 0.007x)
 * </pre>
 */
final class AsyncGenFigure {
    /*
     * Targets (issue "generators and threads"): aio4j at least 20x faster than uvloop, and within
     * 1.5x of kotlinx flow. The issue does not say which consumer they are for, so every consumer
     * is checked against its counterpart: pull, push and filter+toList against uvloop's async for
     * (the comprehension against uvloop's comprehension), push and pull against flow.collect, and
     * filter+toList against flow.filter.toList.
     *
     * Who measures what follows the other figures: aio4j in JMH forks (in-process, one fork per
     * benchmark), the JVM peers in one child JVM that warms up and reports medians, CPython in
     * asyncio_bench.py, each with the sizes of Workload. The portable strand mode is a separate
     * JMH run because the mode is chosen per JVM, by a system property read once.
     */

    /** One column: its label, the key under which its measurement reports it, and its group. */
    private record Column(String group, String label, String key) {}

    private static final String PULL = "pull";
    private static final String PUSH = "push";
    private static final String COMPREHENSION = "filterToList";
    private static final String PULL_PORTABLE = "pullPortable";

    private static final List<Column> COLUMNS = List.of(
            new Column("aio4j", "pull", PULL),
            new Column("aio4j", "push", PUSH),
            new Column("aio4j", "filter+toList", COMPREHENSION),
            new Column("kotlin", "flow", "asyncgen-flow"),
            new Column("kotlin", "flow.filter.toList", "asyncgen-flow-filter-tolist"),
            new Column("kotlin", "sequence", "asyncgen-sequence"),
            new Column("kotlin", "channel", "asyncgen-channel"),
            new Column("asyncio", "async-for", "asyncio:asyncgen-for"),
            new Column("asyncio", "comprehension", "asyncio:asyncgen-comp"),
            new Column("uvloop", "async-for", "uvloop:asyncgen-for"),
            new Column("uvloop", "comprehension", "uvloop:asyncgen-comp"));

    /** The targets: at least this many times faster than uvloop, at most this much slower than flow. */
    static final double UVLOOP_FACTOR = 20;
    static final double FLOW_FACTOR = 1.5;

    private final Plan plan;
    private final Path logDir;
    private final Path script;
    private final String asyncioPython;
    private final String uvloopPython;
    /** Why asyncio or uvloop is skipped (null: it runs); printed under the figure. */
    private final String asyncioSkipped;
    private final String uvloopSkipped;
    /** Every measured value, by column key; a missing key prints as n/a. */
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    /**
     * @param script asyncio_bench.py, already extracted
     * @param asyncioPython the asyncio interpreter
     * @param uvloopPython the uvloop interpreter
     * @param asyncioSkipped why asyncio cannot run here (its columns then show n/a), or null
     * @param uvloopSkipped why uvloop cannot run here (e.g. it is not importable), or null
     */
    AsyncGenFigure(Plan plan, Path logDir, Path script, String asyncioPython, String uvloopPython,
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
    void run() throws IOException, InterruptedException {
        step("aio4j", () -> values.putAll(JmhFigures.runAll(AsyncGenBenchmarks.class,
                List.of(PULL, PUSH, COMPREHENSION), List.of(), plan, log("aio4j"))));
        step("aio4j-portable", () -> values.putAll(JmhFigures.runAll(AsyncGenBenchmarks.class,
                List.of(PULL_PORTABLE), List.of("-Daio4j.strands=portable"), plan, log("aio4j-portable"))));
        step("kotlin", () -> values.putAll(ChildProcess.run(
                BenchMain.childJvmCommand("kotlin", Figure.ASYNCGEN, plan), log("kotlin"))));
        if (asyncioSkipped == null) {
            step("asyncio", () -> python("asyncio", asyncioPython, false));
        }
        if (uvloopSkipped == null) {
            step("uvloop", () -> python("uvloop", uvloopPython, true));
        }
        print();
    }

    /** A measurement step that may fail without stopping the figure. */
    private interface Step {
        void run() throws Exception;
    }

    private void step(String name, Step step) throws IOException {
        Path log = log(name);
        Files.deleteIfExists(log);
        System.err.printf(Locale.ROOT, "[aio4j-bench] asyncgen: %s ...%n", name);
        long start = System.nanoTime();
        boolean failed = false;
        try {
            step.run();
        } catch (Exception e) {
            failed = true;
            failures.add(name + " failed: " + e.getMessage() + " (log: " + log + ")");
        }
        System.err.printf(Locale.ROOT, "[aio4j-bench] asyncgen: %s %s in %.1f s%n", name,
                failed ? "FAILED" : "done", Samples.since(start) / 1e9);
    }

    private void python(String name, String python, boolean uvloop) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), Figure.ASYNCGEN.id()));
        if (uvloop) {
            command.add("--uvloop");
        }
        command.addAll(List.of(plan.args()));
        ChildProcess.run(command, log(name)).forEach((key, value) -> values.put(name + ":" + key, value));
    }

    private Path log(String name) {
        return logDir.resolve("asyncgen-" + name + ".log");
    }

    // ================================================================ output

    private void print() {
        StringBuilder line = new StringBuilder(Figure.ASYNCGEN.metric().label(Figure.ASYNCGEN, plan));
        if (plan.quick()) { // JMH's @OperationsPerInvocation needs the constant: aio4j keeps the full count
            line.append(" (aio4j ").append(countLabel(Workload.ASYNCGEN_ITEMS)).append(')');
        }
        line.append(':');
        String group = null;
        for (Column column : COLUMNS) {
            if (!column.group().equals(group)) {
                line.append(group == null ? " " : " || ").append(column.group()).append(' ');
                group = column.group();
            } else {
                line.append(" | ");
            }
            line.append(column.label()).append(' ').append(format(values.get(column.key())));
        }
        System.out.println(line);

        System.out.println("  ratios (peer / aio4j: > 1 means aio4j is faster): "
                + "pull: " + ratios(PULL, "uvloop:asyncgen-for", "asyncgen-sequence", "asyncgen-channel")
                + " | push: " + ratios(PUSH, "uvloop:asyncgen-for", "asyncgen-flow")
                + " | filter+toList: " + ratios(COMPREHENSION, "uvloop:asyncgen-comp", "asyncgen-flow-filter-tolist"));

        System.out.println("  targets: " + String.join(" | ",
                fasterThanUvloop("pull", PULL, "uvloop:asyncgen-for"),
                fasterThanUvloop("push", PUSH, "uvloop:asyncgen-for"),
                fasterThanUvloop("filter+toList", COMPREHENSION, "uvloop:asyncgen-comp"),
                withinFlow("push", PUSH, "asyncgen-flow", "flow"),
                withinFlow("pull", PULL, "asyncgen-flow", "flow"),
                withinFlow("filter+toList", COMPREHENSION, "asyncgen-flow-filter-tolist", "flow.filter.toList")));

        Double portable = values.get(PULL_PORTABLE);
        Double pull = values.get(PULL);
        Double uvloop = values.get("uvloop:asyncgen-for");
        StringBuilder portableLine = new StringBuilder(String.format(Locale.ROOT,
                "  aio4j pull, portable strands (-Daio4j.strands=portable, %s items) ns/item: %s",
                countLabel(Workload.ASYNCGEN_PORTABLE_ITEMS), format(portable)));
        if (portable != null && pull != null) {
            portableLine.append(" (").append(BenchMain.ratio(portable / pull)).append(" the loop-scheduled pull");
            if (uvloop != null) {
                portableLine.append(", uvloop ").append(BenchMain.ratio(uvloop / portable));
            }
            portableLine.append(')');
        }
        System.out.println(portableLine);
        if (asyncioSkipped != null) {
            System.out.println("#   asyncio skipped (its columns and ratios show n/a): " + asyncioSkipped);
        }
        if (uvloopSkipped != null) {
            System.out.println("#   uvloop skipped (its columns and ratios show n/a, so the 20x target is not checked): "
                    + uvloopSkipped);
        }
        failures.forEach(why -> System.out.println("#   " + why));
        System.out.flush();
    }

    /** {@code peer-label ratio} for each peer, peer / aio4j's {@code key}. */
    private String ratios(String key, String... peers) {
        List<String> parts = new ArrayList<>();
        for (String peer : peers) {
            parts.add(labelOf(peer) + ' ' + ratio(values.get(peer), values.get(key)));
        }
        return String.join(", ", parts);
    }

    /** The target "aio4j's {@code key} is at least 20x faster than {@code uvloopKey}". */
    private String fasterThanUvloop(String what, String key, String uvloopKey) {
        Double aio4j = values.get(key);
        Double uvloop = values.get(uvloopKey);
        String verdict = aio4j == null || uvloop == null ? "" : uvloop / aio4j >= UVLOOP_FACTOR ? " met" : " MISSED";
        return String.format(Locale.ROOT, "%s >= %sx faster than %s: %s%s", what,
                BenchMain.number(UVLOOP_FACTOR), labelOf(uvloopKey), ratio(uvloop, aio4j), verdict);
    }

    /** The target "aio4j's {@code key} takes at most 1.5x as long as {@code flowKey}". */
    private String withinFlow(String what, String key, String flowKey, String flowLabel) {
        Double aio4j = values.get(key);
        Double flow = values.get(flowKey);
        String verdict = aio4j == null || flow == null ? "" : aio4j / flow <= FLOW_FACTOR ? " met" : " MISSED";
        return String.format(Locale.ROOT, "%s <= %sx %s: %s%s", what, BenchMain.number(FLOW_FACTOR), flowLabel,
                ratio(aio4j, flow), verdict);
    }

    private static String ratio(Double numerator, Double denominator) {
        return numerator == null || denominator == null ? "n/a" : BenchMain.ratio(numerator / denominator);
    }

    private static String format(Double value) {
        return value == null ? "n/a" : BenchMain.number(value);
    }

    private static String labelOf(String key) {
        for (Column column : COLUMNS) {
            if (column.key().equals(key)) {
                return column.group().equals("kotlin") ? column.label() : column.group() + ' ' + column.label();
            }
        }
        return key;
    }

    private static String countLabel(int count) {
        if (count % 1_000_000 == 0) {
            return count / 1_000_000 + "M";
        }
        return count % 1000 == 0 ? count / 1000 + "k" : String.valueOf(count);
    }
}
