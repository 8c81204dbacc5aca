package org.aio4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import kotlin.KotlinVersion;
import org.aio4j.Aio;

/**
 * The benchmark harness: measures each figure for aio4j and its peers and prints one line per
 * figure, with ratios.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -jar aio4j-bench/target/aio4j-bench.jar [figure...] [--quick]
 * </pre>
 *
 * <p>Figures are given by id or number (default: all): 1 {@code ping-pong} (with its continuation
 * floor, see below), 2 {@code sleep0},
 * 3 {@code sleep0-pair}, 4 {@code gather}, 5 {@code memory}, 6 {@code queue}, 7 {@code lock}
 * (figures 6 and 7 have no target, so their lines have no target column), and 8 {@code echo}, TCP
 * echo servers (see {@link EchoFigure}; it runs only when named, {@code --echo-depth N} sets its
 * requests in flight per connection, default 1), and 9 {@code asyncgen}, ns per item through an
 * async generator (see {@link AsyncGenFigure}: several aio4j consumers and peers, so several lines),
 * and 10 {@code tls-echo}, TLS echo servers against asyncio's and uvloop's with {@code ssl=} (see
 * {@link TlsEchoFigure}; it runs only when named), 11 {@code subprocess}, microseconds per child
 * process (see {@link SubprocessFigure}), 12 {@code watchdog}, what the always-on watchdog
 * costs (see {@link WatchdogFigure}), and 13 {@code echo-group}, the echo server on one loop
 * against a two-loop {@code LoopGroup} (see {@link EchoGroupFigure}; it runs only when named), and
 * 14 {@code watchdog-echo}, only the echo half of figure 12 (it runs only when named), and 15 {@code db},
 * 10,000 queries from 100 tasks over a pool of 20 against asyncpg on asyncio and uvloop (see
 * {@link DbFigure}; it runs only when named); 16 {@code timers} (1M callLater timers scheduled and fired),
 * 17 {@code semaphore} (100k tasks through Semaphore(50), each sleep(0) while holding) and 18
 * {@code timeout-scope} (one timeout() scope entered and left without firing).
 * {@code --quick} divides
 * the counts by 10 and measures once after one warm-up: a smoke run of a minute or two (a full run
 * of figures 1-5 takes about 13 minutes on 2 cores; figures 6, 7 and 9 add about a minute each). Figure
 * lines go to stdout, progress to stderr, and every child's full output (JMH's report included) to
 * {@code target/bench-logs/}.
 * A line looks like
 *
 * <pre>
 * sleep(0) loop ns/iter: aio4j 5.3 | target &lt;=50 (0.11x) | kotlin 17.4 (3.28x) | vthreads 220 (41.5x) | asyncio 2900 (547x) | uvloop 1280 (242x)
 * </pre>
 *
 * where the ratio after a peer is peer / aio4j (how many times faster, or smaller, aio4j is) and
 * the ratio after the target is aio4j / target (at most 1 when the target is met).
 *
 * <p>Figure 1's target is relative: at most 1.1 times the continuation floor, two bare virtual
 * threads parked and unparked by a single-thread scheduler with no aio4j code
 * ({@link ContinuationFloor}), measured by JMH in the same run as aio4j's ping-pong. Its line shows
 * the floor as a column after the target, with floor / aio4j like a peer's ratio, while the
 * target's ratio is aio4j / (1.1 x floor):
 *
 * <pre>
 * ping-pong ns/switch: aio4j 180 | target &lt;=1.1x floor (0.96x) | floor 170 (0.94x) | kotlin 210 (1.17x) | vthreads 400 (2.22x) | asyncio 2900 (16.1x) | uvloop 1400 (7.78x)
 * </pre>
 *
 * <p>Figures 4 and 5 have targets relative to a peer of the same run: spawn + gather no slower than
 * plain virtual threads ({@code target <=vthreads}), a parked task's live heap at most a parked
 * virtual thread's plus 64 bytes ({@code <=vthreads+64}), and its RSS at most asyncio's
 * ({@code <=asyncio}); the ratio is aio4j / (that peer's value + the allowance).
 *
 * <p>{@code --only aio4j,vthreads} runs only the variants named (the others' columns show n/a), and
 * the environment variable {@code AIO4J_BENCH_JVM_FLAGS} adds flags to every JVM of the run (see
 * {@link #JVM_FLAGS}).
 */
public final class BenchMain {
    /*
     * Who measures what, per figure:
     * - aio4j, figures 1-4, 6, 7 and 9: JMH through its Runner API (JmhFigures), one fork per
     *   benchmark (figure 9: AsyncGenFigure, which also runs one benchmark in the portable mode;
     *   figure 1: the continuation floor too, in the same JMH run, under the aio4j variant).
     * - kotlin, vthreads: one child JVM per figure ("--child <variant> <figure>"), which warms up and
     *   returns the median of its measurements (Samples). A child per figure keeps the JIT profile
     *   and the heap of one scenario out of the next, as JMH's fork does for aio4j.
     * - memory (figure 5), all JVM variants: one fresh child JVM per measurement, as heap and RSS
     *   are process-wide readings; the figure is the median over the children.
     * - asyncio, uvloop: asyncio_bench.py (extracted from this jar), which repeats the measurement
     *   itself (in fresh interpreters for memory) and prints the median.
     * Every JVM of the run uses the same java binary and JVM_FLAGS, so the collector (G1 unless
     * AIO4J_BENCH_JVM_FLAGS names another) and heap limit are the same for aio4j, Kotlin and virtual
     * threads.
     */

    /**
     * Flags of every JVM the harness starts: the strand flag of docs/architecture.md, "How a coroutine
     * suspends", room, and what the environment variable {@code AIO4J_BENCH_JVM_FLAGS} adds
     * (whitespace-separated, e.g. {@code "-XX:+UseParallelGC -Xms8g"}): a collector or heap setting is
     * then measured for aio4j, Kotlin and virtual threads alike, in the same invocation.
     */
    static final List<String> JVM_FLAGS = jvmFlags(System.getenv("AIO4J_BENCH_JVM_FLAGS"));

    private static List<String> jvmFlags(String extra) {
        List<String> flags = new ArrayList<>(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xmx8g"));
        if (extra != null && !extra.isBlank()) {
            flags.addAll(List.of(extra.trim().split("\\s+")));
        }
        return List.copyOf(flags);
    }

    /** The interpreter of the asyncio peer (system property aio4j.bench.python overrides it). */
    private static final String PYTHON = System.getProperty("aio4j.bench.python", "python3");
    /**
     * The interpreter of the uvloop peer, where Debian's python3-uvloop installs it (system
     * property aio4j.bench.uvloopPython overrides it).
     */
    static final String UVLOOP_PYTHON = System.getProperty("aio4j.bench.uvloopPython", "/usr/bin/python3");

    /** The implementations compared, in column order; aio4j first, as the reference. */
    private enum Variant {
        AIO4J("aio4j"), KOTLIN("kotlin"), VTHREADS("vthreads"), ASYNCIO("asyncio"), UVLOOP("uvloop");

        final String label;

        Variant(String label) {
            this.label = label;
        }

        static Variant parse(String label) {
            for (Variant variant : values()) {
                if (variant.label.equals(label)) {
                    return variant;
                }
            }
            throw new IllegalArgumentException("unknown variant '" + label + "'");
        }
    }

    private final Plan plan;
    private final Path logDir;
    /** Variants that cannot run on this machine, with the reason. */
    private final Map<Variant, String> unavailable = new EnumMap<>(Variant.class);
    private Path script;
    /** Requests in flight per connection in the echo figure ({@code --echo-depth}). */
    private int echoDepth = 1;

    private BenchMain(Plan plan, Path logDir) {
        this.plan = plan;
        this.logDir = logDir;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        boolean quick = false;
        int echoDepth = 1;
        List<Variant> only = List.of(Variant.values());
        TreeSet<Figure> figures = new TreeSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--echo-depth" -> {
                    try {
                        echoDepth = Integer.parseInt(args[++i]);
                    } catch (RuntimeException e) {
                        echoDepth = 0;
                    }
                    if (echoDepth < 1) {
                        System.err.println("--echo-depth needs a whole number >= 1" + System.lineSeparator() + usage());
                        System.exit(2);
                    }
                }
                case "--only" -> {
                    try {
                        only = List.of(args[++i].split(",")).stream().map(Variant::parse).toList();
                    } catch (RuntimeException e) {
                        System.err.println("--only needs a comma-separated list of variants (aio4j,kotlin,vthreads,"
                                + "asyncio,uvloop)" + System.lineSeparator() + usage());
                        System.exit(2);
                    }
                }
                case "-h", "--help" -> {
                    System.out.println(usage());
                    return;
                }
                default -> {
                    try {
                        figures.add(Figure.parse(arg));
                    } catch (IllegalArgumentException e) {
                        System.err.println(e.getMessage() + System.lineSeparator() + usage());
                        System.exit(2);
                    }
                }
            }
        }
        if (figures.isEmpty()) {
            for (Figure figure : Figure.values()) {
                if (figure.inDefaultRun()) {
                    figures.add(figure);
                }
            }
        }
        BenchMain main = new BenchMain(new Plan(quick), defaultLogDir());
        main.echoDepth = echoDepth;
        for (Variant variant : Variant.values()) {
            if (!only.contains(variant)) {
                main.unavailable.put(variant, "not selected (--only)");
            }
        }
        main.run(List.copyOf(figures));
    }

    private static String usage() {
        return "usage: java --add-opens java.base/java.lang=ALL-UNNAMED -jar aio4j-bench.jar"
                + " [figure...] [--quick] [--echo-depth N] [--only aio4j,vthreads,...]" + System.lineSeparator() + "figures: " + Figure.ids()
                + " (default: all but echo, tls-echo and echo-group, which run only when named: echo ~20 min, --quick ~5 min; tls-echo ~2 min; echo-group ~9 min, --quick ~2 min; watchdog-echo, the echo half of watchdog, ~3 min; db ~2 min)";
    }

    // ================================================================ the harness

    private void run(List<Figure> figures) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        script = logDir.resolve("asyncio_bench.py");
        try (InputStream in = BenchMain.class.getResourceAsStream("/asyncio_bench.py")) {
            if (in == null) {
                throw new IllegalStateException("asyncio_bench.py is missing from the class path");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        printHeader();
        for (Figure figure : figures) {
            if (figure == Figure.ECHO) {
                new EchoFigure(plan, logDir, UVLOOP_PYTHON, echoDepth).run();
                continue;
            }
            if (figure == Figure.TLS_ECHO) {
                new TlsEchoFigure(plan, logDir, UVLOOP_PYTHON).run();
                continue;
            }
            if (figure == Figure.ECHO_GROUP) {
                new EchoGroupFigure(plan, logDir, UVLOOP_PYTHON).run();
                continue;
            }
            if (figure == Figure.WATCHDOG) {
                new WatchdogFigure(plan, logDir).run();
                continue;
            }
            if (figure == Figure.DB) {
                new DbFigure(plan, logDir, UVLOOP_PYTHON).run();
                continue;
            }
            if (figure == Figure.WATCHDOG_ECHO) {
                new WatchdogFigure(plan, logDir).runEcho();
                continue;
            }
            if (figure == Figure.SUBPROCESS) {
                new SubprocessFigure(plan, logDir, script, PYTHON, UVLOOP_PYTHON,
                        unavailable.get(Variant.ASYNCIO), unavailable.get(Variant.UVLOOP)).run();
                continue;
            }
            if (figure == Figure.ASYNCGEN) {
                new AsyncGenFigure(plan, logDir, script, PYTHON, UVLOOP_PYTHON,
                        unavailable.get(Variant.ASYNCIO), unavailable.get(Variant.UVLOOP)).run();
                continue;
            }
            Map<Variant, Map<String, Double>> results = new EnumMap<>(Variant.class);
            Map<Variant, String> failures = new EnumMap<>(Variant.class);
            for (Variant variant : Variant.values()) {
                if (unavailable.containsKey(variant) || hasNoEquivalent(variant, figure)) {
                    continue; // its column shows n/a
                }
                Path log = logDir.resolve(figure.id() + "-" + variant.label + ".log");
                Files.deleteIfExists(log);
                System.err.printf(Locale.ROOT, "[aio4j-bench] %s: %s%s ...%n", figure.id(), variant.label,
                        variant == Variant.AIO4J && figure.floorJmhMethod() != null ? " and its continuation floor" : "");
                long start = System.nanoTime();
                try {
                    results.put(variant, measure(variant, figure, log));
                } catch (Exception e) {
                    failures.put(variant, e.getMessage() + " (log: " + log + ")");
                }
                System.err.printf(Locale.ROOT, "[aio4j-bench] %s: %s %s in %.1f s%n", figure.id(),
                        variant.label, failures.containsKey(variant) ? "FAILED" : "done",
                        Samples.since(start) / 1e9);
            }
            for (Figure.Metric metric : figure.metrics()) {
                System.out.println(line(figure, metric, results));
            }
            failures.forEach((variant, why) -> System.out.println("#   " + variant.label + " failed: " + why));
            System.out.flush();
        }
    }

    /** Measures {@code figure} for {@code variant}; returns its values by metric key. */
    private Map<String, Double> measure(Variant variant, Figure figure, Path log) throws Exception {
        return switch (variant) {
            case AIO4J -> figure.floorJmhMethod() != null
                    ? JmhFigures.runWithFloor(figure, plan, log)
                    : figure.jmhMethod() != null
                    ? Map.of(figure.metric().key(), JmhFigures.run(figure, plan, log))
                    : inChildJvms(variant, figure, log);
            case KOTLIN, VTHREADS -> inChildJvms(variant, figure, log);
            case ASYNCIO -> ChildProcess.run(pythonCommand(PYTHON, figure, false), log);
            case UVLOOP -> ChildProcess.run(pythonCommand(UVLOOP_PYTHON, figure, true), log);
        };
    }

    /**
     * Runs the figure in a child JVM (a fresh one per measurement for figure 5), returning the
     * median of each value over the children.
     */
    private Map<String, Double> inChildJvms(Variant variant, Figure figure, Path log)
            throws IOException, InterruptedException {
        List<String> command = childJvmCommand(variant.label, figure, plan);
        int children = figure.freshProcessPerRun() ? plan.runs() : 1;
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (int i = 0; i < children; i++) {
            ChildProcess.run(command, log)
                    .forEach((key, value) -> values.computeIfAbsent(key, k -> new ArrayList<>()).add(value));
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        values.forEach((key, list) -> medians.put(key,
                Samples.median(list.stream().mapToDouble(Double::doubleValue).toArray())));
        return medians;
    }

    /**
     * The command of a child JVM ({@code --child <variant> <figure>}) with this JVM's binary,
     * {@link #JVM_FLAGS} and class path.
     */
    static List<String> childJvmCommand(String variant, Figure figure, Plan plan) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(),
                "--child", variant, figure.id()));
        command.addAll(List.of(plan.args()));
        return command;
    }

    private List<String> pythonCommand(String python, Figure figure, boolean uvloop) {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), figure.id()));
        if (uvloop) {
            command.add("--uvloop");
        }
        command.addAll(List.of(plan.args()));
        return command;
    }

    /**
     * Formats one figure line: aio4j, its target (if the metric has one; for a target relative to a
     * floor, then the floor with floor / aio4j), then each peer with peer / aio4j.
     */
    private String line(Figure figure, Figure.Metric metric, Map<Variant, Map<String, Double>> results) {
        Double aio4j = value(results, Variant.AIO4J, metric);
        StringBuilder line = new StringBuilder(metric.label(figure, plan)).append(": ");
        line.append("aio4j ").append(aio4j == null ? "n/a" : number(aio4j));
        if (metric.targetTimesFloor()) {
            Map<String, Double> own = results.get(Variant.AIO4J);
            Double floor = own == null ? null : own.get(metric.floorKey());
            double multiple = metric.target(figure, plan);
            line.append(" | target <=").append(number(multiple)).append("x floor");
            if (aio4j != null && floor != null) {
                line.append(" (").append(ratio(aio4j / (multiple * floor))).append(')');
            }
            line.append(" | floor ").append(floor == null ? "n/a" : number(floor));
            if (aio4j != null && floor != null) {
                line.append(" (").append(ratio(floor / aio4j)).append(')');
            }
        } else if (metric.targetPeer() != null) {
            Double peer = value(results, Variant.parse(metric.targetPeer()), metric);
            double plus = metric.target(figure, plan);
            line.append(" | target <=").append(metric.targetPeer()).append(plus > 0 ? "+" + number(plus) : "");
            if (aio4j != null && peer != null) {
                line.append(" (").append(ratio(aio4j / (peer + plus))).append(')');
            }
        } else if (metric.hasTarget()) {
            double target = metric.target(figure, plan);
            line.append(" | target <=").append(number(target));
            if (aio4j != null) {
                line.append(" (").append(ratio(aio4j / target)).append(')');
            }
        }
        for (Variant peer : Variant.values()) {
            if (peer == Variant.AIO4J || !measures(peer, metric)) {
                continue;
            }
            Double value = value(results, peer, metric);
            line.append(" | ").append(peer.label).append(' ').append(value == null ? "n/a" : number(value));
            if (value != null && aio4j != null) {
                line.append(" (").append(ratio(value / aio4j)).append(')');
            }
        }
        return line.toString();
    }

    private static Double value(Map<Variant, Map<String, Double>> results, Variant variant, Figure.Metric metric) {
        Map<String, Double> values = results.get(variant);
        return values == null ? null : values.get(metric.key());
    }

    /** Whether {@code variant} has nothing to compare in {@code figure}: plain threads have no timeout scope. */
    private static boolean hasNoEquivalent(Variant variant, Figure figure) {
        return variant == Variant.VTHREADS && figure == Figure.TIMEOUT_SCOPE;
    }

    /** Whether {@code variant} reports {@code metric} at all (CPython has no JVM heap to report). */
    private static boolean measures(Variant variant, Figure.Metric metric) {
        boolean python = variant == Variant.ASYNCIO || variant == Variant.UVLOOP;
        return !(python && metric.key().equals("memory-heap"));
    }

    /** Three significant digits, no decimals from 100 up, no trailing zeros: 0.08, 45.3, 180, 2900. */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static String ratio(double ratio) {
        return String.format(Locale.ROOT, ratio >= 100 ? "%.0fx" : ratio >= 10 ? "%.1fx" : "%.2fx", ratio);
    }

    // ================================================================ header

    private void printHeader() {
        Runtime.Version jdk = Runtime.version();
        String mode = plan.quick()
                ? "quick smoke run (counts / 10, 1 warm-up, 1 measurement: indicative only)"
                : "full run (median of " + plan.runs() + " measurements per figure and variant)";
        System.out.println("# aio4j-bench: " + mode);
        System.out.printf(Locale.ROOT, "# JDK %s, %d cores, JVM flags: %s; aio4j strand mode %s%n", jdk,
                Runtime.getRuntime().availableProcessors(), String.join(" ", JVM_FLAGS), Aio.strandMode());
        System.out.printf(Locale.ROOT, "# aio4j figures 1-4, 6, 7, 9: JMH, 1 fork, %d warm-up + %d measurement"
                        + " iterations of %d ms (figure 4: %d + %d single shots); median of the iterations%n",
                plan.jmhWarmupIterations(), plan.runs(), plan.jmhIterationMillis(),
                plan.jmhSingleShotWarmups(), plan.runs());
        System.out.printf(Locale.ROOT, "# kotlin: kotlinx.coroutines %s (Kotlin %s), runBlocking on one thread;"
                + " vthreads: virtual threads on the default scheduler; median after >= %d runs and %.1f s"
                + " of warm-up%n", kotlinxCoroutinesVersion(), KotlinVersion.CURRENT, plan.warmupRuns(),
                plan.warmupSeconds());
        unavailable.forEach((variant, why) -> System.out.println("# " + variant.label + ": " + why + "; its column shows n/a"));
        String asyncio = probe(List.of(PYTHON, "-c", "import sys; print(sys.version.split()[0])"));
        if (asyncio == null) {
            unavailable.put(Variant.ASYNCIO, PYTHON + " not found");
            System.out.println("# asyncio: unavailable (" + PYTHON + " did not run); its column shows n/a");
        } else {
            System.out.println("# asyncio: " + PYTHON + " = CPython " + asyncio);
        }
        String uvloop = probe(List.of(UVLOOP_PYTHON, "-c",
                "import sys, uvloop; print(sys.version.split()[0], 'uvloop', uvloop.__version__)"));
        if (uvloop == null) {
            unavailable.put(Variant.UVLOOP, "cannot import uvloop in " + UVLOOP_PYTHON + "; install python3-uvloop");
            System.out.println("# uvloop: unavailable (cannot import uvloop in " + UVLOOP_PYTHON
                    + "); install it with: apt-get install python3-uvloop. Its column shows n/a");
        } else {
            System.out.println("# uvloop: " + UVLOOP_PYTHON + " = CPython " + uvloop);
        }
        System.out.println("# (Nx) after a peer = peer / aio4j: how many times faster (or smaller) aio4j is;"
                + " after the target = aio4j / target: <= 1 means met");
        System.out.println("# logs: " + logDir);
        System.out.flush();
    }

    /** The first line {@code command} prints, or null if it cannot run or fails. */
    private static String probe(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return null;
            }
            return output.lines().findFirst().orElse("");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String kotlinxCoroutinesVersion() {
        try (InputStream in = BenchMain.class.getResourceAsStream("/META-INF/kotlinx_coroutines_core.version")) {
            return in == null ? "?" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** {@code bench-logs} next to this jar (or classes directory): target/bench-logs in a build. */
    private static Path defaultLogDir() throws URISyntaxException {
        Path codeSource = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return codeSource.toAbsolutePath().getParent().resolve("bench-logs");
    }

    // ================================================================ child mode

    /**
     * {@code --child <variant> <figure> [--quick]}: measures one figure of one JVM variant in this
     * JVM and prints its RESULT lines (figure 5: a single measurement, this JVM being fresh).
     * aio4j's other figures run here with the simple loop of the peers: a debugging aid, as the
     * harness measures them with JMH.
     */
    private static void child(String[] args) {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: --child <variant> <figure> [--quick]");
        }
        Variant variant = Variant.parse(args[1]);
        Figure figure = Figure.parse(args[2]);
        Plan plan = new Plan(List.of(args).contains("--quick"));
        if (figure == Figure.MEMORY) {
            TaskMemory memory = switch (variant) {
                case AIO4J -> Aio4jBenchmarks.parkedTaskMemory(plan);
                case KOTLIN -> KotlinPeers.parkedCoroutineMemory(plan);
                case VTHREADS -> VirtualThreadPeers.parkedThreadMemory(plan);
                default -> throw new IllegalArgumentException(variant.label + " is not a JVM variant");
            };
            System.out.println(memory.resultLines());
            return;
        }
        if (figure == Figure.SUBPROCESS) {
            SubprocessPeers.measure(variant.label, plan).forEach((key, value) ->
                    System.out.printf(Locale.ROOT, "RESULT %s %.6g us/process%n", key, value));
            return;
        }
        if (figure == Figure.ASYNCGEN) {
            Map<String, Double> values = switch (variant) {
                case AIO4J -> AsyncGenBenchmarks.simpleLoops(plan);
                case KOTLIN -> KotlinPeers.asyncGen(plan);
                default -> throw new IllegalArgumentException("asyncgen has no " + variant.label + " variant");
            };
            values.forEach((key, value) -> System.out.printf(Locale.ROOT, "RESULT %s %.6g ns/item%n", key, value));
            return;
        }
        double value = switch (variant) {
            case AIO4J -> aio4jSimpleLoop(figure, plan);
            case KOTLIN -> switch (figure) {
                case PING_PONG -> KotlinPeers.pingPong(plan);
                case SLEEP0 -> KotlinPeers.sleep0(plan);
                case SLEEP0_PAIR -> KotlinPeers.sleep0Pair(plan);
                case GATHER -> KotlinPeers.gather(plan);
                case QUEUE -> KotlinPeers.queue(plan);
                case LOCK -> KotlinPeers.lock(plan);
                case TIMERS -> KotlinPeers.timers(plan);
                case SEMAPHORE -> KotlinPeers.semaphore(plan);
                case TIMEOUT_SCOPE -> KotlinPeers.timeoutScope(plan);
                case MEMORY -> throw new AssertionError("handled above");
                case ECHO, TLS_ECHO, ECHO_GROUP, WATCHDOG_ECHO, DB -> throw new IllegalArgumentException(figure.id() + " has no child mode: run it from the harness");
                case ASYNCGEN, SUBPROCESS, WATCHDOG -> throw new AssertionError("handled above");
            };
            case VTHREADS -> switch (figure) {
                case PING_PONG -> VirtualThreadPeers.pingPong(plan);
                case SLEEP0 -> VirtualThreadPeers.sleep0(plan);
                case SLEEP0_PAIR -> VirtualThreadPeers.sleep0Pair(plan);
                case GATHER -> VirtualThreadPeers.gather(plan);
                case QUEUE -> VirtualThreadPeers.queue(plan);
                case LOCK -> VirtualThreadPeers.lock(plan);
                case TIMERS -> VirtualThreadPeers.timers(plan);
                case SEMAPHORE -> VirtualThreadPeers.semaphore(plan);
                case TIMEOUT_SCOPE -> throw new IllegalArgumentException("plain virtual threads have no timeout scope"
                        + " (a deadline is a parameter of each blocking call)");
                case MEMORY -> throw new AssertionError("handled above");
                case ECHO, TLS_ECHO, ECHO_GROUP, WATCHDOG_ECHO, DB -> throw new IllegalArgumentException(figure.id() + " has no child mode: run it from the harness");
                case ASYNCGEN, SUBPROCESS, WATCHDOG -> throw new AssertionError("handled above");
            };
            default -> throw new IllegalArgumentException(variant.label + " is not a JVM variant");
        };
        System.out.println(figure.metric().resultLine(value));
    }

    private static double aio4jSimpleLoop(Figure figure, Plan plan) {
        return switch (figure) {
            case PING_PONG -> {
                int rounds = plan.count(Workload.PING_PONG_ROUNDS);
                yield Samples.medianOf(plan, () -> timed(() -> Aio4jBenchmarks.pingPong(rounds)) / (2.0 * rounds));
            }
            case SLEEP0 -> {
                int iterations = plan.count(Workload.SLEEP0_ITERATIONS);
                yield Samples.medianOf(plan, () -> timed(() -> Aio4jBenchmarks.sleep0Loops(1, iterations)) / iterations);
            }
            case SLEEP0_PAIR -> {
                int iterations = plan.count(Workload.SLEEP0_PAIR_ITERATIONS);
                yield Samples.medianOf(plan,
                        () -> timed(() -> Aio4jBenchmarks.sleep0Loops(2, iterations)) / (2.0 * iterations));
            }
            case GATHER -> {
                int count = plan.count(Workload.GATHER_TASKS);
                yield Samples.medianOf(plan, () -> timed(() -> Aio4jBenchmarks.gather(count)) / 1e9);
            }
            case QUEUE -> {
                int items = plan.count(Workload.QUEUE_ITEMS);
                yield Samples.medianOf(plan, () -> timed(() -> Aio4jBenchmarks.queue(items)) / items);
            }
            case LOCK -> {
                int perTask = plan.count(Workload.LOCK_ACQUIRES_PER_TASK);
                int tasks = Workload.LOCK_TASKS;
                yield Samples.medianOf(plan,
                        () -> timed(() -> Aio4jBenchmarks.lock(tasks, perTask)) / ((double) tasks * perTask));
            }
            case TIMERS -> {
                int count = plan.count(Workload.TIMERS);
                yield Samples.medianOf(plan, () -> timed(() -> Aio4jBenchmarks.timers(count)) / count);
            }
            case SEMAPHORE -> {
                int count = plan.count(Workload.SEMAPHORE_TASKS);
                yield Samples.medianOf(plan, () -> timed(() -> Aio4jBenchmarks.semaphore(count)) / count);
            }
            case TIMEOUT_SCOPE -> {
                int count = plan.count(Workload.TIMEOUT_SCOPES);
                yield Samples.medianOf(plan, () -> timed(() -> Aio4jBenchmarks.timeoutScopes(count)) / count);
            }
            case MEMORY -> throw new AssertionError("not a timing figure");
            case ECHO, TLS_ECHO, ECHO_GROUP, WATCHDOG_ECHO, DB -> throw new IllegalArgumentException(figure.id() + " has no child mode: run it from the harness");
            case ASYNCGEN, SUBPROCESS, WATCHDOG -> throw new AssertionError("handled by the caller");
        };
    }

    /** Nanoseconds that {@code scenario} takes. */
    private static double timed(Runnable scenario) {
        long start = System.nanoTime();
        scenario.run();
        return Samples.since(start);
    }
}
