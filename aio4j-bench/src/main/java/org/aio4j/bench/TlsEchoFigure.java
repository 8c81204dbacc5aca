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
import java.util.concurrent.TimeUnit;
import org.aio4j.bench.echo.TlsEchoLoadClient;
import org.aio4j.bench.echo.TlsEchoServer;

/**
 * The TLS echo figure ({@code ./aio4j bench tls-echo}, figure 10): requests per second and server CPU
 * per request of TLS echo servers on loopback, 1 KiB messages, 10 connections, one request in flight
 * per connection: aio4j (protocol and streams) against asyncio and uvloop with {@code ssl=} (protocol
 * and streams), and Netty's {@code SslHandler} on the JDK provider. One line:
 *
 * <pre>
 * tls-echo 1KiB x10 conns (req/s, server CPU user+sys us/req): aio4j-protocol 9.1k 60.1+25.0 (cpu 0.91x uvloop-p) | ...
 * </pre>
 *
 * then a targets line per aio4j server (server CPU per request <= the uvloop server of the same
 * style) and a comment line with the client's and servers' cores.
 */
final class TlsEchoFigure {
    /*
     * The certificate: a self-signed EC P-256 one for localhost and 127.0.0.1 made per run with
     * `openssl req` (the harness has no certificate builder of its own, and every server reads the
     * same PEM files); without openssl the figure is n/a. Every server gets the same client (the
     * JDK's SSLSocket, TlsEchoLoadClient), so the same TLS version and cipher suite (TLS 1.3, the
     * JDK's first choice, TLS_AES_256_GCM_SHA384); the handshakes (10) happen before the warm-up.
     * As in EchoFigure, a fresh server process per server, its CPU from /proc over each window.
     */
    enum Server {
        AIO4J_PROTOCOL("aio4j-protocol"), AIO4J_STREAMS("aio4j-streams"),
        ASYNCIO_PROTOCOL("asyncio-protocol"), ASYNCIO_STREAMS("asyncio-streams"),
        UVLOOP_PROTOCOL("uvloop-protocol"), UVLOOP_STREAMS("uvloop-streams"),
        NETTY("netty");

        final String label;

        Server(String label) {
            this.label = label;
        }

        Server uvloopPeer() {
            return this == AIO4J_STREAMS ? UVLOOP_STREAMS : UVLOOP_PROTOCOL;
        }
    }

    static final int SIZE = 1024;
    static final int CONNECTIONS = 10;
    static final int RUNS = 3;
    private static final int EXIT_UNAVAILABLE = 3;

    private final Plan plan;
    private final Path logDir;
    private final String python;
    private Path script;
    private Path cert;
    private Path key;

    TlsEchoFigure(Plan plan, Path logDir, String python) {
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
        Files.createDirectories(logDir);
        script = logDir.resolve("echo_server.py");
        try (InputStream in = TlsEchoFigure.class.getResourceAsStream("/echo_server.py")) {
            if (in == null) {
                throw new IllegalStateException("echo_server.py is missing from the class path");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        String label = String.format(Locale.ROOT, "tls-echo 1KiB x%d conns (req/s, server CPU user+sys us/req): ", CONNECTIONS);
        String why = makeCertificate();
        if (why != null) {
            System.out.println(label + "n/a (" + why + ")");
            return;
        }
        System.out.printf(Locale.ROOT, "# tls-echo: %s warm-up + %d windows of %s s per server (median window); TLS 1.3,"
                        + " EC P-256 certificate; servers: aio4j, %s (asyncio, uvloop) with ssl=, Netty SslHandler (JDK provider) x1 thread; client: %s (JDK SSLSocket,"
                        + " a thread per connection)%n", BenchMain.number(warmupSeconds()), RUNS,
                BenchMain.number(windowSeconds()), python, TlsEchoLoadClient.class.getSimpleName());
        Map<Server, double[]> results = new EnumMap<>(Server.class);
        Map<Server, String> missing = new EnumMap<>(Server.class);
        for (Server server : Server.values()) {
            String tag = "tls-echo-" + server.label;
            Path log = logDir.resolve(tag + ".log");
            Files.deleteIfExists(log);
            System.err.printf(Locale.ROOT, "[aio4j-bench] %s ...%n", tag);
            try {
                results.put(server, measure(server, log));
            } catch (IllegalStateException unavailable) {
                missing.put(server, "n/a (" + unavailable.getMessage() + ")");
            } catch (IOException | RuntimeException e) {
                missing.put(server, "FAILED (" + e.getMessage() + ", log: " + log + ")");
            }
        }
        StringBuilder line = new StringBuilder(label);
        boolean first = true;
        for (Server s : Server.values()) {
            line.append(first ? "" : " | ").append(s.label).append(' ');
            first = false;
            double[] r = results.get(s);
            if (r == null) {
                line.append(missing.get(s));
                continue;
            }
            line.append(EchoFigure.kilo(r[0])).append(' ').append(micros(r[1])).append('+').append(micros(r[2]));
            double[] uv = results.get(Server.UVLOOP_PROTOCOL);
            if (uv != null && s != Server.UVLOOP_PROTOCOL) {
                line.append(" (cpu ").append(BenchMain.ratio((r[1] + r[2]) / (uv[1] + uv[2]))).append(" uvloop-p, req/s ")
                        .append(BenchMain.ratio(r[0] / uv[0])).append(')');
            }
        }
        System.out.println(line);
        for (Server s : List.of(Server.AIO4J_PROTOCOL, Server.AIO4J_STREAMS)) {
            double[] r = results.get(s);
            if (r == null) {
                continue;
            }
            double[] uv = results.get(s.uvloopPeer());
            System.out.println("  targets " + s.label + ": " + (uv == null ? "cpu/req <= " + s.uvloopPeer().label + ": n/a"
                    : String.format(Locale.ROOT, "cpu/req %s <= %s %s %s", micros(r[1] + r[2]), s.uvloopPeer().label,
                    micros(uv[1] + uv[2]), r[1] + r[2] <= uv[1] + uv[2] ? "met" : "MISSED")));
        }
        StringBuilder cores = new StringBuilder("#   client CPU (cores of " + Runtime.getRuntime().availableProcessors()
                + "), server CPU (cores):");
        results.forEach((s, r) -> cores.append(' ').append(s.label).append(' ').append(BenchMain.number(r[3]))
                .append('/').append(BenchMain.number(r[0] * (r[1] + r[2]) / 1e6)));
        System.out.println(cores);
        System.out.flush();
    }

    /** Makes the certificate and key; returns why it cannot, or null. */
    private String makeCertificate() throws IOException, InterruptedException {
        cert = logDir.resolve("tls-echo-cert.pem");
        key = logDir.resolve("tls-echo-key.pem");
        List<String> command = List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logDir.resolve("tls-echo-openssl.log").toFile()).start();
        } catch (IOException e) {
            return "openssl is not on the PATH, it makes the figure's certificate: install openssl";
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return "openssl req failed: see " + logDir.resolve("tls-echo-openssl.log");
        }
        return null;
    }

    /** [rps, user us/req, sys us/req, client cores]. */
    private double[] measure(Server server, Path log) throws IOException, InterruptedException {
        List<String> command = switch (server) {
            case AIO4J_PROTOCOL -> java(TlsEchoServer.class.getName(), "--protocol");
            case AIO4J_STREAMS -> java(TlsEchoServer.class.getName(), "--streams");
            case ASYNCIO_PROTOCOL -> py("--protocol");
            case ASYNCIO_STREAMS -> py("--streams");
            case UVLOOP_PROTOCOL -> py("--uvloop", "--protocol");
            case UVLOOP_STREAMS -> py("--uvloop", "--streams");
            case NETTY -> java(org.aio4j.bench.echo.NettyEchoServer.class.getName());
        };
        command.addAll(List.of("--cert", cert.toString(), "--key", key.toString(), "--host", "127.0.0.1", "--port", "0"));
        Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            int port = awaitReady(process);
            List<String> client = java(TlsEchoLoadClient.class.getName(), "--port", String.valueOf(port),
                    "--ca", cert.toString(), "--connections", String.valueOf(CONNECTIONS), "--size", String.valueOf(SIZE),
                    "--warmup", String.valueOf(warmupSeconds()), "--duration", String.valueOf(windowSeconds()),
                    "--runs", String.valueOf(RUNS), "--server-pid", String.valueOf(process.pid()));
            Map<String, Double> r = ChildProcess.run(client, log);
            return new double[] {get(r, "rps"), get(r, "user-us"), get(r, "sys-us"), get(r, "client-cpu")};
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static double get(Map<String, Double> r, String key) throws IOException {
        Double v = r.get(key);
        if (v == null) {
            throw new IOException("the load client printed no RESULT " + key);
        }
        return v;
    }

    private static int awaitReady(Process process) throws IOException, InterruptedException {
        process.getOutputStream().close();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!ready.isDone() && line.startsWith("READY ")) {
                        ready.complete(line);
                    }
                }
                ready.complete(null);
            } catch (IOException e) {
                ready.complete(null);
            }
        });
        String line;
        try {
            line = ready.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new IOException("the server printed no READY line in 60 s");
        }
        if (line == null) {
            int status = process.waitFor();
            if (status == EXIT_UNAVAILABLE) {
                throw new IllegalStateException("install python3-uvloop");
            }
            throw new IOException("the server exited with status " + status + " before it was ready");
        }
        return Integer.parseInt(line.substring("READY ".length()).trim());
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(BenchMain.JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private List<String> py(String... args) {
        List<String> command = new ArrayList<>(List.of(python, script.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static String micros(double us) {
        return String.format(Locale.ROOT, us >= 10 ? "%.1f" : "%.2f", us);
    }
}
