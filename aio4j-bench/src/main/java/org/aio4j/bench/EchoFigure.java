package org.aio4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.aio4j.bench.echo.Aio4jEchoServer;
import org.aio4j.bench.echo.EchoLoadClient;
import org.aio4j.bench.echo.NettyEchoServer;

/**
 * The echo figure ({@code ./aio4j bench echo}): requests per second and server CPU per request of
 * TCP echo servers on loopback, aio4j's (protocol and streams) against asyncio's and uvloop's
 * (protocol and streams) and Netty's (NIO, one event-loop thread).
 *
 * <p>For each message size (100 B, 1 KiB, 10 KiB) and connection count (10, 100), each server runs
 * in a fresh process; one {@link EchoLoadClient} process loads it ({@code depth} requests in
 * flight per connection, 1 by default, {@code --echo-depth N} on the harness's command line),
 * warms up, and measures 3 windows; the figure is the median window. Server CPU is the whole
 * server process's user and system time over each window, from {@code /proc/<pid>/stat}. One line
 * per size and connection count:
 *
 * <pre>
 * echo 100B x10 conns depth 1 (req/s, server CPU user+sys us/req): aio4j-protocol 70.5k 0.35+6.34 (0.95x uvloop-p, 0.99x netty) | ...
 * </pre>
 *
 * where the ratios are this server's requests/s over uvloop protocol's and Netty's, followed by the
 * targets check of each aio4j server (met / missed) and a comment line with the client's CPU use.
 */
final class EchoFigure {
    /*
     * Targets (issue "sockets"), for each aio4j server: server CPU per request <= uvloop's, user
     * CPU per request <= half uvloop's (uvloop of the same style: protocol against protocol,
     * streams against streams, as the two do different work per request), requests/s >= 1.5x
     * uvloop protocol's and >= Netty's.
     *
     * A fresh server per size and connection count keeps one configuration's JIT profile and
     * buffer pools out of the next, as the other figures use a fresh child per figure. The load
     * client is a separate JVM so that its CPU is not counted as the server's; it takes one core
     * on 2 cores (see EchoLoadClient), leaving the other to the single-threaded server.
     */

    /** The servers compared, in column order. */
    enum Server {
        AIO4J_PROTOCOL("aio4j-protocol"), AIO4J_BUFFERED("aio4j-buffered"), AIO4J_STREAMS("aio4j-streams"),
        ASYNCIO_PROTOCOL("asyncio-protocol"), ASYNCIO_STREAMS("asyncio-streams"),
        UVLOOP_PROTOCOL("uvloop-protocol"), UVLOOP_STREAMS("uvloop-streams"),
        NETTY("netty");

        final String label;

        Server(String label) {
            this.label = label;
        }

        boolean isAio4j() {
            return this == AIO4J_PROTOCOL || this == AIO4J_BUFFERED || this == AIO4J_STREAMS;
        }

        boolean isUvloop() {
            return this == UVLOOP_PROTOCOL || this == UVLOOP_STREAMS;
        }

        /** The uvloop server of the same style, for the CPU targets. */
        Server uvloopPeer() {
            return this == AIO4J_STREAMS ? UVLOOP_STREAMS : UVLOOP_PROTOCOL;
        }
    }

    static final int[] SIZES = {100, 1024, 10 * 1024};
    static final int[] CONNECTIONS = {10, 100};
    /** Measured windows per server and configuration; the figure is their median. */
    static final int RUNS = 3;
    /** Exit status of a server that cannot run here (uvloop missing, streams not built). */
    private static final int EXIT_UNAVAILABLE = 3;
    private static final long READY_TIMEOUT_SECONDS = 60;

    /** One server's measurement: the medians the load client reported. */
    record Result(double rps, double userUs, double sysUs, double clientCores) {
        double cpuUs() {
            return userUs + sysUs;
        }
    }

    /** Why a server has no result: unavailable here (n/a with the reason) or failed (with the log). */
    record Missing(String reason, boolean failed) {}

    private final Plan plan;
    private final Path logDir;
    private final String python;
    private final int depth;
    private Path script;

    EchoFigure(Plan plan, Path logDir, String python, int depth) {
        this.plan = plan;
        this.logDir = logDir;
        this.python = python;
        this.depth = depth;
    }

    double warmupSeconds() {
        return plan.quick() ? 2 : 10;
    }

    double windowSeconds() {
        return plan.quick() ? 1 : 5;
    }

    /** Runs every configuration and prints its lines on stdout. */
    void run() throws IOException, InterruptedException {
        script = logDir.resolve("echo_server.py");
        try (InputStream in = EchoFigure.class.getResourceAsStream("/echo_server.py")) {
            if (in == null) {
                throw new IllegalStateException("echo_server.py is missing from the class path");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.printf(Locale.ROOT, "# echo: %s warm-up + %d windows of %s s per server and configuration"
                        + " (median window); servers: aio4j, %s (asyncio, uvloop), Netty %s NIO x1 thread;"
                        + " client: %s, 1 selector thread on <= 2 cores%n",
                BenchMain.number(warmupSeconds()), RUNS, BenchMain.number(windowSeconds()), python,
                nettyVersion(), EchoLoadClient.class.getSimpleName());
        System.out.println("# echo: (Nx uvloop-p, Nx netty) = this server's req/s / uvloop protocol's, / Netty's;"
                + " CPU = server process user+sys us per request");
        System.out.flush();
        for (int size : SIZES) {
            for (int connections : CONNECTIONS) {
                Map<Server, Result> results = new EnumMap<>(Server.class);
                Map<Server, Missing> missing = new EnumMap<>(Server.class);
                for (Server server : Server.values()) {
                    String tag = "echo-" + size + "B-x" + connections + "-d" + depth + "-" + server.label;
                    Path log = logDir.resolve(tag + ".log");
                    Files.deleteIfExists(log);
                    System.err.printf(Locale.ROOT, "[aio4j-bench] %s ...%n", tag);
                    long start = System.nanoTime();
                    try {
                        results.put(server, measure(server, size, connections, log));
                    } catch (Unavailable e) {
                        missing.put(server, new Missing(e.getMessage(), false));
                    } catch (IOException | RuntimeException e) {
                        missing.put(server, new Missing(e.getMessage() + " (log: " + log + ")", true));
                    }
                    System.err.printf(Locale.ROOT, "[aio4j-bench] %s %s in %.1f s%n", tag,
                            results.containsKey(server) ? "done" : missing.get(server).failed() ? "FAILED" : "n/a",
                            Samples.since(start) / 1e9);
                }
                print(size, connections, results, missing);
            }
        }
    }

    /** A server that cannot run on this machine or build; not a failure. */
    static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why);
        }
    }

    private Result measure(Server server, int size, int connections, Path log)
            throws IOException, InterruptedException, Unavailable {
        return measure(server, size, connections, log, List.of());
    }

    /**
     * One aio4j server's measurement with {@code serverFlags} added to its JVM's command line (the
     * watchdog figure measures the echo server with the watchdog on and off this way).
     */
    Result measureAio4j(Server server, List<String> serverFlags, int size, int connections, Path log)
            throws IOException, InterruptedException {
        if (!server.isAio4j()) {
            throw new IllegalArgumentException(server + " is not an aio4j server");
        }
        try {
            return measure(server, size, connections, log, serverFlags);
        } catch (Unavailable e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Result measure(Server server, int size, int connections, Path log, List<String> serverFlags)
            throws IOException, InterruptedException, Unavailable {
        Process process = startServer(server, log, serverFlags);
        try {
            int port = awaitReady(process, log);
            List<String> client = javaCommand(EchoLoadClient.class.getName());
            client.addAll(List.of("--port", String.valueOf(port), "--connections", String.valueOf(connections),
                    "--size", String.valueOf(size), "--depth", String.valueOf(depth),
                    "--warmup", String.valueOf(warmupSeconds()), "--duration", String.valueOf(windowSeconds()),
                    "--runs", String.valueOf(RUNS), "--server-pid", String.valueOf(process.pid())));
            Map<String, Double> r = ChildProcess.run(client, log);
            if (!process.isAlive()) {
                throw new IOException("the server exited during the measurement (status " + process.exitValue() + ")");
            }
            return new Result(get(r, "rps"), get(r, "user-us"), get(r, "sys-us"), get(r, "client-cpu"));
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    static double get(Map<String, Double> results, String key) throws IOException {
        Double v = results.get(key);
        if (v == null) {
            throw new IOException("the load client printed no RESULT " + key);
        }
        return v;
    }

    private Process startServer(Server server, Path log, List<String> serverFlags) throws IOException {
        String aio4j = Aio4jEchoServer.class.getName();
        List<String> command = switch (server) {
            case AIO4J_PROTOCOL -> withArgs(javaCommand(aio4j, serverFlags), "--protocol");
            case AIO4J_BUFFERED -> withArgs(javaCommand(aio4j, serverFlags), "--buffered");
            case AIO4J_STREAMS -> withArgs(javaCommand(aio4j, serverFlags), "--streams");
            case ASYNCIO_PROTOCOL -> pythonCommand("--protocol");
            case ASYNCIO_STREAMS -> pythonCommand("--streams");
            case UVLOOP_PROTOCOL -> pythonCommand("--uvloop", "--protocol");
            case UVLOOP_STREAMS -> pythonCommand("--uvloop", "--streams");
            case NETTY -> javaCommand(NettyEchoServer.class.getName());
        };
        command.addAll(List.of("--host", "127.0.0.1", "--port", "0"));
        Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Waits for the server's {@code READY <port>} line; returns the port. */
    static int awaitReady(Process process, Path log)
            throws IOException, InterruptedException, Unavailable {
        process.getOutputStream().close();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!ready.isDone() && line.startsWith("READY ")) {
                        ready.complete(line);
                    }
                    // keep draining: a server that prints more must not block on a full pipe
                }
                ready.complete(null);
            } catch (IOException e) {
                ready.complete(null);
            }
        });
        String line;
        try {
            line = ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the server printed no READY line in " + READY_TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        if (line == null) {
            int status = process.waitFor();
            if (status == EXIT_UNAVAILABLE) {
                throw new Unavailable("install python3-uvloop");
            }
            throw new IOException("the server exited with status " + status + " before it was ready");
        }
        Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return Integer.parseInt(line.substring("READY ".length()).trim());
    }

    static List<String> javaCommand(String mainClass) {
        return javaCommand(mainClass, List.of());
    }

    static List<String> javaCommand(String mainClass, List<String> extraFlags) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(BenchMain.JVM_FLAGS);
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }

    private List<String> pythonCommand(String... args) {
        return withArgs(new ArrayList<>(List.of(python, script.toString())), args);
    }

    private static List<String> withArgs(List<String> command, String... args) {
        command.addAll(List.of(args));
        return command;
    }

    // ================================================================ printing

    private void print(int size, int connections, Map<Server, Result> results, Map<Server, Missing> missing) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "echo %s x%d conns depth %d (req/s, server CPU user+sys us/req): ",
                sizeLabel(size), connections, depth));
        Result uvloopP = results.get(Server.UVLOOP_PROTOCOL);
        Result netty = results.get(Server.NETTY);
        boolean first = true;
        for (Server server : Server.values()) {
            line.append(first ? "" : " | ").append(server.label).append(' ');
            first = false;
            Result r = results.get(server);
            if (r == null) {
                Missing m = missing.get(server);
                line.append(m.failed() ? "FAILED" : "n/a (" + m.reason() + ")");
                continue;
            }
            line.append(kilo(r.rps())).append(' ').append(micros(r.userUs())).append('+').append(micros(r.sysUs()));
            List<String> ratios = new ArrayList<>();
            if (uvloopP != null && server != Server.UVLOOP_PROTOCOL) {
                ratios.add(BenchMain.ratio(r.rps() / uvloopP.rps()) + " uvloop-p");
            }
            if (netty != null && server != Server.NETTY) {
                ratios.add(BenchMain.ratio(r.rps() / netty.rps()) + " netty");
            }
            if (!ratios.isEmpty()) {
                line.append(" (").append(String.join(", ", ratios)).append(')');
            }
        }
        System.out.println(line);
        for (Server server : List.of(Server.AIO4J_PROTOCOL, Server.AIO4J_BUFFERED, Server.AIO4J_STREAMS)) {
            Result r = results.get(server);
            if (r != null) {
                System.out.println(targets(server, r, results));
            }
        }
        StringBuilder clients = new StringBuilder("#   client CPU (cores of " + Runtime.getRuntime().availableProcessors()
                + "), server CPU (cores):");
        results.forEach((server, r) -> clients.append(' ').append(server.label).append(' ')
                .append(BenchMain.number(r.clientCores())).append('/')
                .append(BenchMain.number(r.rps() * r.cpuUs() / 1e6)));
        System.out.println(clients);
        missing.forEach((server, m) -> {
            if (m.failed()) {
                System.out.println("#   " + server.label + " failed: " + m.reason());
            }
        });
        System.out.flush();
    }

    /** The targets check of one aio4j server, as one line. */
    static String targets(Server server, Result r, Map<Server, Result> results) {
        Result uv = results.get(server.uvloopPeer());
        Result uvP = results.get(Server.UVLOOP_PROTOCOL);
        Result netty = results.get(Server.NETTY);
        String peer = server.uvloopPeer().label;
        List<String> checks = new ArrayList<>();
        checks.add(uv == null ? "cpu/req <= " + peer + ": n/a"
                : String.format(Locale.ROOT, "cpu/req %s <= %s %s %s", micros(r.cpuUs()), peer, micros(uv.cpuUs()),
                        metOrMissed(r.cpuUs() <= uv.cpuUs())));
        checks.add(uv == null ? "user/req <= half " + peer + ": n/a"
                : String.format(Locale.ROOT, "user/req %s <= %s (half %s) %s", micros(r.userUs()),
                        micros(uv.userUs() / 2), peer, metOrMissed(r.userUs() <= uv.userUs() / 2)));
        checks.add(uvP == null ? "req/s >= 1.5x uvloop-protocol: n/a"
                : String.format(Locale.ROOT, "req/s %s uvloop-protocol (>= 1.50x) %s", BenchMain.ratio(r.rps() / uvP.rps()),
                        metOrMissed(r.rps() >= 1.5 * uvP.rps())));
        checks.add(netty == null ? "req/s >= netty: n/a"
                : String.format(Locale.ROOT, "req/s %s netty (>= 1.00x) %s", BenchMain.ratio(r.rps() / netty.rps()),
                        metOrMissed(r.rps() >= netty.rps())));
        return "  targets " + server.label + ": " + String.join(" | ", checks);
    }

    static String metOrMissed(boolean met) {
        return met ? "met" : "MISSED";
    }

    static String sizeLabel(int size) {
        return size % 1024 == 0 ? size / 1024 + "KiB" : size + "B";
    }

    /** Requests per second with a k suffix and 3 significant digits: 70.5k, 146k, 1.01M. */
    static String kilo(double rps) {
        if (rps >= 1e6) {
            return BenchMain.number(rps / 1e6) + "M";
        }
        return rps >= 1e3 ? BenchMain.number(rps / 1e3) + "k" : BenchMain.number(rps);
    }

    static String micros(double us) {
        return String.format(Locale.ROOT, us >= 10 ? "%.1f" : "%.2f", us);
    }

    static String nettyVersion() {
        try {
            return io.netty.util.Version.identify().getOrDefault("netty-transport",
                    io.netty.util.Version.identify().values().iterator().next()).artifactVersion();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
