package org.aio4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.aio4j.bench.echo.Aio4jEchoServer;
import org.aio4j.bench.echo.CpuWork;
import org.aio4j.bench.echo.EchoLoadClient;
import org.aio4j.bench.echo.NettyEchoServer;

/**
 * The echo-group figure ({@code ./aio4j bench echo-group}): one loop against a two-loop
 * {@code LoopGroup} on the echo server, with Netty on one and two event-loop threads and uvloop
 * (single-threaded) for reference: requests per second, server CPU per request, and whether the
 * 2-loop group reaches 1.6x the 1-loop figure when the load client is not the bottleneck.
 *
 * <p>Each configuration is 100 B messages over 100 connections, depth 1, with 0, 10, 50 and 100 us
 * of CPU work per request in the server (a counted loop, {@link CpuWork}, calibrated once here and
 * passed to every Java server as {@code --work-iterations}; uvloop calibrates its own loop): without work the load client (one selector thread) and the server each need
 * about a core and the 2-core machine is full; with work, the server is the bottleneck and a second
 * loop has a core to use. One line per configuration, then the target check:
 *
 * <pre>
 * echo-group 100B x100 conns work 10us (req/s, server CPU us/req, server/client cores): aio4j-1loop 61.2k 16.1 0.98/0.42 | ...
 *   target aio4j-2loops >= 1.60x aio4j-1loop: 1.71x met (client 0.61 cores, 1.39 cores left to the server >= 1.57 needed)
 * </pre>
 */
final class EchoGroupFigure {
    /*
     * When is the load client the bottleneck? It runs one selector thread (EchoLoadClient on 2
     * cores), so at ~0.85 cores or more it is itself saturated. And the machine has 2 cores: the
     * 2-loop server can have at most 2 - (client's cores) of them, so 1.6x the 1-loop server's
     * throughput needs 1.6 x (the 1-loop server's cores) of them at equal cost per request. If
     * either fails, the run cannot tell whether the group scales: "not decidable on this machine",
     * with the figures, rather than MISSED. Other processes on the machine (other builds) or the
     * hypervisor taking >= 0.15 cores during either run make the pair "not decidable in this run"
     * (the client reports the machine's busy CPU from /proc/stat minus the server's and its own).
     */

    enum Server {
        AIO4J_1("aio4j-1loop"), AIO4J_2("aio4j-2loops"), AIO4J_2_HANDOFF("aio4j-2loops-handoff"),
        NETTY_1("netty-1t"), NETTY_2("netty-2t"), UVLOOP("uvloop-protocol");

        final String label;

        Server(String label) {
            this.label = label;
        }
    }

    static final int SIZE = 100;
    static final int CONNECTIONS = 100;
    static final int[] WORK_US = {0, 10, 50, 100};

    /** The work levels to run: all, or those of {@code -Daio4j.bench.echoGroupWork=50,100} (a rerun in a quiet moment). */
    static int[] workLevels() {
        String only = System.getProperty("aio4j.bench.echoGroupWork");
        if (only == null || only.isBlank()) {
            return WORK_US;
        }
        return java.util.Arrays.stream(only.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
    static final int RUNS = 3;
    static final double TARGET = 1.6;
    /** Client CPU (cores) at which its one selector thread counts as saturated. */
    static final double CLIENT_SATURATED = 0.85;
    /** CPU (cores) taken by other processes or the hypervisor above which a pair of runs is not comparable. */
    static final double OTHERS_LIMIT = 0.15;
    private static final int EXIT_UNAVAILABLE = 3;

    /** One server's medians; {@code otherCores}: CPU that neither server nor client used (other processes), {@code stealCores}: hypervisor steal. */
    record Result(double rps, double userUs, double sysUs, double clientCores, double otherCores, double stealCores) {
        double cpuUs() {
            return userUs + sysUs;
        }

        double serverCores() {
            return rps * cpuUs() / 1e6;
        }
    }

    private final Plan plan;
    private final Path logDir;
    private final String python;
    private Path script;

    EchoGroupFigure(Plan plan, Path logDir, String python) {
        this.plan = plan;
        this.logDir = logDir;
        this.python = python;
    }

    private double warmupSeconds() {
        return plan.quick() ? 2 : 10;
    }

    private double windowSeconds() {
        return plan.quick() ? 1 : 5;
    }

    void run() throws IOException, InterruptedException {
        script = logDir.resolve("echo_server.py");
        try (InputStream in = EchoGroupFigure.class.getResourceAsStream("/echo_server.py")) {
            if (in == null) {
                throw new IllegalStateException("echo_server.py is missing from the class path");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.printf(Locale.ROOT, "# echo-group: %s warm-up + %d windows of %s s (median); aio4j BufferedProtocol"
                        + " echo on a LoopGroup of 1 / 2 loops (2 loops: SO_REUSEPORT listener per loop, and hand-off"
                        + " from loop 0), Netty %s NIO with 1 / 2 event-loop threads, uvloop on %s; client: %s, 1"
                        + " selector thread; %d cores; load average at start: %s%n",
                BenchMain.number(warmupSeconds()), RUNS, BenchMain.number(windowSeconds()), EchoFigure.nettyVersion(),
                python, EchoLoadClient.class.getSimpleName(), Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.flush();
        for (int work : workLevels()) {
            long iterations = CpuWork.calibrate(work);
            System.out.printf(Locale.ROOT, "# echo-group: work %d us = %d iterations of CpuWork for every Java server"
                    + " (calibrated here); uvloop calibrates its own loop%n", work, iterations);
            Map<Server, Result> results = new EnumMap<>(Server.class);
            Map<Server, String> missing = new EnumMap<>(Server.class);
            for (Server server : Server.values()) {
                String tag = "echo-group-w" + work + "-" + server.label;
                Path log = logDir.resolve(tag + ".log");
                Files.deleteIfExists(log);
                System.err.printf(Locale.ROOT, "[aio4j-bench] %s ...%n", tag);
                try {
                    results.put(server, measure(server, work, iterations, log));
                } catch (EchoFigure.Unavailable e) {
                    missing.put(server, "n/a (" + e.getMessage() + ")");
                } catch (IOException | RuntimeException e) {
                    missing.put(server, "FAILED (" + e.getMessage() + ", log: " + log + ")");
                }
            }
            print(work, results, missing);
        }
    }

    private Result measure(Server server, int work, long iterations, Path log)
            throws IOException, InterruptedException, EchoFigure.Unavailable {
        List<String> command = switch (server) {
            case AIO4J_1 -> aio4j("--loops", "1");
            case AIO4J_2 -> aio4j("--loops", "2");
            case AIO4J_2_HANDOFF -> aio4j("--loops", "2", "--hand-off");
            case NETTY_1 -> netty("1");
            case NETTY_2 -> netty("2");
            case UVLOOP -> new ArrayList<>(List.of(python, script.toString(), "--uvloop", "--protocol"));
        };
        command.addAll(List.of("--host", "127.0.0.1", "--port", "0"));
        command.addAll(server == Server.UVLOOP ? List.of("--work-us", String.valueOf(work))
                : List.of("--work-iterations", String.valueOf(iterations)));
        Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            int port;
            try {
                port = EchoFigure.awaitReady(process, log);
            } catch (IOException e) {
                if (!process.isAlive() && process.exitValue() == EXIT_UNAVAILABLE) {
                    throw new EchoFigure.Unavailable("install python3-uvloop");
                }
                throw e;
            }
            List<String> client = EchoFigure.javaCommand(EchoLoadClient.class.getName());
            client.addAll(List.of("--port", String.valueOf(port), "--connections", String.valueOf(CONNECTIONS),
                    "--size", String.valueOf(SIZE), "--depth", "1",
                    "--warmup", String.valueOf(warmupSeconds()), "--duration", String.valueOf(windowSeconds()),
                    "--runs", String.valueOf(RUNS), "--server-pid", String.valueOf(process.pid())));
            Map<String, Double> r = ChildProcess.run(client, log);
            if (!process.isAlive()) {
                throw new IOException("the server exited during the measurement (status " + process.exitValue() + ")");
            }
            return new Result(EchoFigure.get(r, "rps"), EchoFigure.get(r, "user-us"), EchoFigure.get(r, "sys-us"),
                    EchoFigure.get(r, "client-cpu"), r.getOrDefault("others-cpu", 0.0), r.getOrDefault("steal-cpu", 0.0));
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static List<String> aio4j(String... args) {
        List<String> c = EchoFigure.javaCommand(Aio4jEchoServer.class.getName());
        c.add("--buffered");
        c.addAll(List.of(args));
        return c;
    }

    private static List<String> netty(String threads) {
        List<String> c = EchoFigure.javaCommand(NettyEchoServer.class.getName());
        c.addAll(List.of("--threads", threads));
        return c;
    }

    private static void print(int work, Map<Server, Result> results, Map<Server, String> missing) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "echo-group %s x%d conns work %dus (req/s, server CPU us/req, server/client cores): ",
                EchoFigure.sizeLabel(SIZE), CONNECTIONS, work));
        boolean first = true;
        for (Server server : Server.values()) {
            line.append(first ? "" : " | ").append(server.label).append(' ');
            first = false;
            Result r = results.get(server);
            if (r == null) {
                line.append(missing.get(server));
                continue;
            }
            line.append(EchoFigure.kilo(r.rps())).append(' ').append(EchoFigure.micros(r.cpuUs())).append(' ')
                    .append(BenchMain.number(r.serverCores())).append('/').append(BenchMain.number(r.clientCores()));
        }
        System.out.println(line);
        Result one = results.get(Server.AIO4J_1);
        for (Server two : List.of(Server.AIO4J_2, Server.AIO4J_2_HANDOFF)) {
            System.out.println("  target " + two.label + " >= " + BenchMain.ratio(TARGET) + " aio4j-1loop: "
                    + verdict(one, results.get(two)));
        }
        StringBuilder others = new StringBuilder("#   other processes / hypervisor steal (cores) during each run:");
        results.forEach((server, r) -> others.append(' ').append(server.label).append(' ')
                .append(BenchMain.number(r.otherCores())).append('/').append(BenchMain.number(r.stealCores())));
        System.out.println(others);
        Result n1 = results.get(Server.NETTY_1);
        Result n2 = results.get(Server.NETTY_2);
        if (n1 != null && n2 != null) {
            System.out.println("#   netty-2t / netty-1t: " + BenchMain.ratio(n2.rps() / n1.rps()));
        }
        System.out.flush();
    }

    /** The target check of one 2-loop result against the 1-loop one (see the implementation note). */
    static String verdict(Result one, Result two) {
        if (one == null || two == null) {
            return "n/a (a run is missing)";
        }
        double ratio = two.rps() / one.rps();
        double left = Runtime.getRuntime().availableProcessors() - two.clientCores();
        double needed = TARGET * one.serverCores();
        String measured = BenchMain.ratio(ratio);
        double disturbed = Math.max(one.otherCores() + one.stealCores(), two.otherCores() + two.stealCores());
        if (disturbed >= OTHERS_LIMIT) {
            return String.format(Locale.ROOT, "%s, not decidable in this run: other processes (or the hypervisor) took up"
                    + " to %s cores during the two runs (>= %s); rerun on a quiet machine", measured,
                    BenchMain.number(disturbed), BenchMain.number(OTHERS_LIMIT));
        }
        if (two.clientCores() >= CLIENT_SATURATED) {
            return String.format(Locale.ROOT, "%s, not decidable on this machine: the load client's one selector thread"
                    + " used %s cores (saturated, >= %s)", measured, BenchMain.number(two.clientCores()),
                    BenchMain.number(CLIENT_SATURATED));
        }
        if (left < needed) {
            return String.format(Locale.ROOT, "%s, not decidable on this machine: the client used %s cores, leaving %s"
                    + " to the server, < %s needed (%s x the 1-loop server's %s cores)", measured,
                    BenchMain.number(two.clientCores()), BenchMain.number(left), BenchMain.number(needed),
                    BenchMain.number(TARGET), BenchMain.number(one.serverCores()));
        }
        return String.format(Locale.ROOT, "%s %s (client %s cores, %s cores left to the server >= %s needed)", measured,
                EchoFigure.metOrMissed(ratio >= TARGET), BenchMain.number(two.clientCores()), BenchMain.number(left),
                BenchMain.number(needed));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
