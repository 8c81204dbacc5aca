package org.aio4j.bench;

import java.util.List;
import java.util.Locale;

/**
 * The figures of the benchmark, in the order BenchMain runs and prints them.
 *
 * <p>Each figure has an id (used on the command line, in the RESULT lines of child processes and by
 * {@code asyncio_bench.py}) and one or more {@link Metric}s, each printed as one line. Figures 1-5
 * have a target for aio4j; figures 6 and 7 (the {@code org.aio4j.sync} primitives) have none yet.
 * Figure 1's target is relative: at most 1.1x its continuation floor ({@link ContinuationFloor}),
 * which aio4j's JMH run measures beside it.
 * Figures 8 (echo), 9 (asyncgen), 10 (tls-echo), 11 (subprocess), 12 (watchdog) and 13 (echo-group) have lines of
 * their own and are measured by their own classes.
 */
enum Figure {
    /** Two tasks handing a future back and forth; target: at most 1.1x the continuation floor of the same run. */
    PING_PONG("ping-pong", "pingPong", "pingPongFloor", 0,
            Metric.timesFloor("ping-pong", "ping-pong", "ns/switch", 1.1)),
    SLEEP0("sleep0", "sleep0", 0,
            new Metric("sleep0", "sleep(0) loop", "ns/iter", 50, false)),
    SLEEP0_PAIR("sleep0-pair", "sleep0Pair", 0,
            new Metric("sleep0-pair", "sleep(0) x2 tasks", "ns/switch", 200, false)),
    /** Spawn and gather; target: no slower than plain virtual threads doing the same in the same run. */
    GATHER("gather", "gather", Workload.GATHER_TASKS,
            Metric.relativeTo("gather", "spawn+gather %s tasks", "s", "vthreads", 0)),
    /**
     * Parked tasks; targets: a live heap at most a parked virtual thread's + 64 bytes, and an RSS
     * at most CPython asyncio's, both measured in the same run.
     */
    MEMORY("memory", null, Workload.MEMORY_TASKS,
            Metric.relativeTo("memory-heap", "%s parked tasks, live heap", "bytes/task", "vthreads", 64),
            Metric.relativeTo("memory-rss", "%s parked tasks, RSS", "bytes/task", "asyncio", 0)),
    QUEUE("queue", "queue", 0,
            new Metric("queue", "queue(" + Workload.QUEUE_SIZE + ") producer->consumer", "ns/item")),
    LOCK("lock", "lock", 0,
            new Metric("lock", "lock x" + Workload.LOCK_TASKS + " tasks, sleep(0) held", "ns/acquire")),
    /** TCP echo servers; measured and printed by {@link EchoFigure}, run only when named. */
    ECHO("echo", null, 0,
            new Metric("echo", "echo", "req/s")),
    /**
     * ns per item through an async generator, several aio4j consumers against several peers;
     * measured and printed by {@link AsyncGenFigure} (the metric gives only the line's label).
     */
    ASYNCGEN("asyncgen", null, Workload.ASYNCGEN_ITEMS,
            new Metric("asyncgen", "asyncgen %s items", "ns/item")),
    /** TLS echo servers (1 KiB, 10 connections); measured and printed by {@link TlsEchoFigure}, run only when named. */
    TLS_ECHO("tls-echo", null, 0,
            new Metric("tls-echo", "tls-echo", "req/s")),
    /**
     * Microseconds per child process (spawn true + wait; cat round trips); measured and printed by
     * {@link SubprocessFigure} (the metric gives only the label).
     */
    SUBPROCESS("subprocess", null, Workload.SUBPROCESS_COUNT,
            new Metric("subprocess", "subprocess %s processes", "us/process")),
    /** What the always-on watchdog costs the loop (on against -Daio4j.watchdog=false); {@link WatchdogFigure}. */
    WATCHDOG("watchdog", null, 0,
            new Metric("watchdog", "watchdog cost", "ns/switch")),
    /** Echo on one loop against a two-loop LoopGroup (and Netty 1/2 threads, uvloop); {@link EchoGroupFigure}, run only when named. */
    ECHO_GROUP("echo-group", null, 0,
            new Metric("echo-group", "echo-group", "req/s")),
    /** Only the echo half of figure 12 (the watchdog on and off under the echo server); run only when named. */
    WATCHDOG_ECHO("watchdog-echo", null, 0,
            new Metric("watchdog-echo", "watchdog cost, echo", "req/s")),
    /** 10,000 queries from 100 tasks over a pool of 20 against asyncpg; {@link DbFigure}, run only when named. */
    DB("db", null, 0,
            new Metric("db", "db", "queries/s")),
    /** 1M callLater timers (delays 0-999 us) scheduled and fired; the target is a ratio: <= 1/6 of uvloop. */
    TIMERS("timers", "timers", 0,
            new Metric("timers", "callLater " + Workload.TIMERS / 1000 + "k timers scheduled and fired", "ns/timer")),
    /** 100k tasks through Semaphore(50), each sleep(0) while holding; target: within 1.5x of kotlinx. */
    SEMAPHORE("semaphore", "semaphore", 0,
            new Metric("semaphore", Workload.SEMAPHORE_TASKS / 1000 + "k tasks through Semaphore("
                    + Workload.SEMAPHORE_PERMITS + "), sleep(0) held", "ns/task")),
    /** One timeout() scope entered and left without firing; target <= 100 ns. */
    TIMEOUT_SCOPE("timeout-scope", "timeoutScope", 0,
            new Metric("timeout-scope", "timeout() scope entered and left", "ns/scope", 100, false));

    /**
     * One printed line of a figure.
     *
     * @param key the key of the RESULT line that reports it
     * @param label the line's label, without the unit; {@code %s} stands for the task count ("1M")
     * @param unit the unit of the values, e.g. "ns/switch"
     * @param target aio4j's target for the full-size run (an upper bound), or NaN if it has none;
     *     if {@code targetTimesFloor}, a multiple of the figure's floor instead of a value
     * @param targetScalesWithCount whether the target is a total that shrinks with quick mode's
     *     smaller count (true for the seconds of figure 4, false for per-operation figures)
     * @param targetTimesFloor whether the target is {@code target} times the floor that aio4j's JMH
     *     run measures beside the figure ({@link Figure#floorJmhMethod()}), reported under
     *     {@link #floorKey()}
     */
    record Metric(String key, String label, String unit, double target, boolean targetScalesWithCount,
            boolean targetTimesFloor, String targetPeer) {
        /** A metric with a fixed target (NaN: none). */
        Metric(String key, String label, String unit, double target, boolean targetScalesWithCount) {
            this(key, label, unit, target, targetScalesWithCount, false, null);
        }

        /** A metric without a target: its line has no target column. */
        Metric(String key, String label, String unit) {
            this(key, label, unit, Double.NaN, false, false, null);
        }

        /** A metric whose target is at most {@code multiple} times the figure's floor measured in the same run. */
        static Metric timesFloor(String key, String label, String unit, double multiple) {
            return new Metric(key, label, unit, multiple, false, true, null);
        }

        /**
         * A metric whose target is at most {@code peer}'s value (a variant's label) plus {@code plus},
         * both measured in the same run; {@link #target} then holds {@code plus}.
         */
        static Metric relativeTo(String key, String label, String unit, String peer, double plus) {
            return new Metric(key, label, unit, plus, false, false, peer);
        }

        /** The key under which aio4j's results hold the floor of a {@link #targetTimesFloor()} metric. */
        String floorKey() {
            return key + "-floor";
        }

        /** Whether aio4j has a target for this metric. */
        boolean hasTarget() {
            return !Double.isNaN(target);
        }

        /** The label followed by the unit, with the task count of this plan. */
        String label(Figure figure, Plan plan) {
            return String.format(Locale.ROOT, label, countLabel(plan.count(figure.fullCount))) + " " + unit;
        }

        /** The line a child process prints to report {@code value}. */
        String resultLine(double value) {
            return String.format(Locale.ROOT, "RESULT %s %.6g %s", key, value, unit);
        }

        /**
         * The target of aio4j for the size of this plan; for a {@link #targetTimesFloor()} metric,
         * the multiple of the floor.
         */
        double target(Figure figure, Plan plan) {
            return targetScalesWithCount ? target * plan.count(figure.fullCount) / figure.fullCount : target;
        }
    }

    private final String id;
    private final String jmhMethod;
    private final String floorJmhMethod;
    private final int fullCount;
    private final List<Metric> metrics;

    Figure(String id, String jmhMethod, int fullCount, Metric... metrics) {
        this(id, jmhMethod, null, fullCount, metrics);
    }

    Figure(String id, String jmhMethod, String floorJmhMethod, int fullCount, Metric... metrics) {
        this.id = id;
        this.jmhMethod = jmhMethod;
        this.floorJmhMethod = floorJmhMethod;
        this.fullCount = fullCount;
        this.metrics = List.of(metrics);
    }

    String id() {
        return id;
    }

    /** The JMH benchmark method of {@link Aio4jBenchmarks}, or null if aio4j is not measured by JMH. */
    String jmhMethod() {
        return jmhMethod;
    }

    /**
     * The JMH benchmark method of {@link Aio4jBenchmarks} that measures this figure's floor in the
     * same JMH run as {@link #jmhMethod()}, or null if the figure has no floor (all but figure 1).
     */
    String floorJmhMethod() {
        return floorJmhMethod;
    }

    List<Metric> metrics() {
        return metrics;
    }

    /** The only metric of every figure but 5. */
    Metric metric() {
        if (metrics.size() != 1) {
            throw new IllegalStateException(id + " has " + metrics.size() + " metrics");
        }
        return metrics.getFirst();
    }

    /** Whether each measurement needs a fresh process (figure 5, memory). */
    boolean freshProcessPerRun() {
        return this == MEMORY;
    }

    /** Whether a run without figure arguments includes this figure (not echo: it takes ~20 min). */
    boolean inDefaultRun() {
        return this != ECHO && this != TLS_ECHO && this != ECHO_GROUP && this != WATCHDOG_ECHO && this != DB;
    }

    /** The figure named by {@code arg}: its id or its number (1-18). */
    static Figure parse(String arg) {
        for (Figure figure : values()) {
            if (figure.id.equals(arg) || String.valueOf(figure.ordinal() + 1).equals(arg)) {
                return figure;
            }
        }
        throw new IllegalArgumentException("unknown figure '" + arg + "'; figures: " + ids());
    }

    /** All ids, for usage messages. */
    static String ids() {
        StringBuilder ids = new StringBuilder();
        for (Figure figure : values()) {
            ids.append(ids.isEmpty() ? "" : ", ").append(figure.ordinal() + 1).append('=').append(figure.id);
        }
        return ids.toString();
    }

    private static String countLabel(int count) {
        if (count % 1_000_000 == 0) {
            return count / 1_000_000 + "M";
        }
        return count % 1000 == 0 ? count / 1000 + "k" : String.valueOf(count);
    }
}
