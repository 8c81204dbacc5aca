package org.aio4j.net;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.s;
import static org.aio4j.net.TlsTest.CA;
import static org.aio4j.net.TlsTest.ECHO_LINES;
import static org.aio4j.net.TlsTest.LEAF;
import static org.aio4j.net.TlsTest.port;
import static org.aio4j.net.TlsTest.shutdown;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.aio4j.Aio;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with peers that are not aio4j: the JDK's blocking {@link SSLSocket} / {@link SSLServerSocket} on a
 * plain thread, and the {@code openssl} command ({@code s_server}, {@code s_client}). Also the
 * handshakes after the handshake: a TLS 1.3 KeyUpdate and a TLS 1.2 renegotiation, both started by
 * the JDK peer with {@code startHandshake()} on an established connection (on TLS 1.3 the JDK
 * sends a KeyUpdate requesting ours, on TLS 1.2 a HelloRequest that renegotiates).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsPeersTest {

    /** A JDK SSLServerSocket that echoes lines, calling startHandshake() after each line if asked. */
    private static CompletableFuture<Integer> jdkEchoServer(SSLServerSocket l, boolean rehandshakeEachLine) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread.ofPlatform().name("jdk-tls-echo").start(() -> {
            int lines = 0;
            try (SSLSocket s = (SSLSocket) l.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), ISO_8859_1));
                OutputStream out = s.getOutputStream();
                String line;
                while ((line = in.readLine()) != null) {
                    if (rehandshakeEachLine) {
                        s.startHandshake(); // TLS 1.3: KeyUpdate; TLS 1.2: renegotiation
                    }
                    out.write((line + "\n").getBytes(ISO_8859_1));
                    out.flush();
                    lines++;
                }
                done.complete(lines);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private static SSLServerSocket jdkServerSocket(String... protocols) throws Exception {
        SSLServerSocket l = (SSLServerSocket) LEAF.server().context().getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        if (protocols.length > 0) {
            l.setEnabledProtocols(protocols);
        }
        return l;
    }

    private static void clientEchoes(int port, TlsOptions tls, int lines, String expectVersion) {
        run(() -> {
            StreamPair c = Streams.openConnection("localhost", port, tls);
            assertThat(c.writer().getExtraInfo("tls_version")).isEqualTo(expectVersion);
            for (int i = 0; i < lines; i++) {
                String line = "line " + i + " " + "x".repeat(i * 100) + "\n";
                c.writer().write(b(line));
                c.writer().drain();
                assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo(line);
            }
            c.writer().close();
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
        });
    }

    @Test
    void anAio4jClientTalksToAJdkSslServerSocket() throws Exception {
        try (SSLServerSocket l = jdkServerSocket()) {
            CompletableFuture<Integer> server = jdkEchoServer(l, false);
            clientEchoes(l.getLocalPort(), CA.client(), 20, "TLSv1.3");
            assertThat(server.get(PATIENCE_S, TimeUnit.SECONDS)).isEqualTo(20); // it read our close_notify as end of file
        }
    }

    @Test
    void aTls13KeyUpdateFromTheJdkPeerAfterEveryLineKeepsTheDataFlowing() throws Exception {
        try (SSLServerSocket l = jdkServerSocket("TLSv1.3")) {
            CompletableFuture<Integer> server = jdkEchoServer(l, true);
            clientEchoes(l.getLocalPort(), CA.client(), 20, "TLSv1.3");
            assertThat(server.get(PATIENCE_S, TimeUnit.SECONDS)).isEqualTo(20);
        }
    }

    @Test
    void aTls12RenegotiationStartedByTheJdkServerAfterEveryLineKeepsTheDataFlowing() throws Exception {
        try (SSLServerSocket l = jdkServerSocket("TLSv1.2")) {
            CompletableFuture<Integer> server = jdkEchoServer(l, true);
            SSLParameters p = new SSLParameters();
            p.setProtocols(new String[] {"TLSv1.2"});
            clientEchoes(l.getLocalPort(), CA.client().withParameters(p), 10, "TLSv1.2");
            assertThat(server.get(PATIENCE_S, TimeUnit.SECONDS)).isEqualTo(10);
        }
    }

    private static final long PATIENCE_S = (long) PATIENCE;

    @Test
    void aJdkSslSocketClientTalksToAnAio4jServerAndSendsKeyUpdates() {
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            int port = port(server);
            AtomicReference<String> got = new AtomicReference<>();
            Thread client = Thread.ofPlatform().start(() -> {
                try (SSLSocket s = (SSLSocket) CA.client().context().getSocketFactory().createSocket("localhost", port)) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    s.setSSLParameters(p);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), ISO_8859_1));
                    OutputStream out = s.getOutputStream();
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < 10; i++) {
                        out.write(("ping " + i + "\n").getBytes(ISO_8859_1));
                        out.flush();
                        sb.append(in.readLine()).append('|');
                        s.startHandshake(); // a KeyUpdate our side must answer
                    }
                    s.shutdownOutput(); // close_notify: the server's handler sees end of file and closes
                    sb.append(in.readLine()); // null: the server's close_notify
                    got.set(sb.toString());
                } catch (Exception e) {
                    got.set("failed: " + e);
                }
            });
            NetTesting.until("the JDK client finished", () -> !client.isAlive());
            assertThat(got.get()).isEqualTo("ping 0|ping 1|ping 2|ping 3|ping 4|ping 5|ping 6|ping 7|ping 8|ping 9|null");
            NetTesting.until("the server's connection ended", () -> server.activeConnections() == 0);
            shutdown(server);
        });
    }

    // ================================================================ openssl

    private static void assumeOpenssl() {
        boolean present;
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            present = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            present = false;
        }
        Assumptions.assumeTrue(present, "openssl is not on the PATH: install openssl to run the openssl s_client/s_server"
                + " interoperability tests");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anAio4jClientTalksToOpensslSServer(@TempDir Path dir) throws Exception {
        assumeOpenssl();
        Path[] pem = LEAF.writePem(dir, "server");
        int port = freePort();
        Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-naccept", "1",
                "-cert", pem[0].toString(), "-key", pem[1].toString(), "-rev")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), ISO_8859_1));
            String line;
            StringBuilder banner = new StringBuilder();
            while ((line = out.readLine()) != null && !line.contains("ACCEPT")) {
                banner.append(line).append('\n'); // its banner, up to the line saying it listens
            }
            assertThat(line).as("openssl s_server started: %s", banner).isNotNull();
            run(() -> {
                StreamPair c = Streams.openConnection("localhost", port, CA.client());
                c.writer().write(b("hello openssl\n"));
                c.writer().drain();
                assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("lssnepo olleh\n"); // -rev reverses lines
                c.writer().close();
                Aio.timeout(PATIENCE, c.writer()::waitClosed); // s_server answered our close_notify
            });
            assertThat(server.waitFor(PATIENCE_S, TimeUnit.SECONDS)).as("s_server exits after its one connection").isTrue();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void opensslSClientTalksToAnAio4jServerThatVerifiesNothingAndClosesFirst(@TempDir Path dir) throws Exception {
        assumeOpenssl();
        Path[] pem = LEAF.writePem(dir, "server");
        run(() -> {
            AtomicReference<Exception> closedWith = new AtomicReference<>(new Exception("not closed"));
            Server server = Streams.startServer((r, w) -> {
                w.write(b("hello s_client\n"));
                byte[] line = r.readline();
                w.write(b(s(line).toUpperCase(java.util.Locale.ROOT)));
                w.close(); // close_notify first: s_client answers and exits
                try {
                    w.waitClosed();
                    closedWith.set(null);
                } catch (Exception e) {
                    closedWith.set(e);
                }
            }, "127.0.0.1", 0, LEAF.server());
            int port = port(server);
            Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-verify_hostname", "localhost", "-CAfile", pem[2].toString(),
                    "-verify_return_error", "-quiet", "-no_ign_eof").redirectErrorStream(true).start();
            try {
                OutputStream in = client.getOutputStream();
                in.write(b("ping\n"));
                in.flush();
                Process p = client;
                boolean exited = Aio.toThread(() -> p.waitFor(PATIENCE_S, TimeUnit.SECONDS));
                String output = new String(client.getInputStream().readAllBytes(), ISO_8859_1);
                assertThat(exited).as("s_client exits once we closed: %s", output).isTrue();
                assertThat(output).contains("hello s_client\nPING\n");
                assertThat(client.exitValue()).as(output).isZero();
                NetTesting.until("our side closed", () -> closedWith.get() == null || !"not closed".equals(closedWith.get().getMessage()));
                assertThat(closedWith.get()).as("a clean close: the peer answered our close_notify").isNull();
            } finally {
                client.destroyForcibly();
            }
            shutdown(server);
        });
    }

    @Test
    void theSessionsOfBothPeersAgreeOnTheCipherSuite() throws Exception {
        try (SSLServerSocket l = jdkServerSocket()) {
            AtomicReference<String> serverSuite = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try (SSLSocket s = (SSLSocket) l.accept()) {
                    s.startHandshake();
                    serverSuite.set(s.getSession().getCipherSuite());
                    s.getInputStream().read();
                } catch (Exception e) {
                    serverSuite.set("failed: " + e);
                }
            });
            run(() -> {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", l.getLocalPort(), CA.client());
                NetTesting.until("the JDK server's session", () -> serverSuite.get() != null);
                assertThat(c.transport().getExtraInfo("cipher")).isEqualTo(serverSuite.get());
                c.transport().close();
                NetTesting.until("lost", () -> c.protocol().isLost());
            });
            t.join(10_000);
            assertThat(List.of(serverSuite.get())).noneMatch(x -> x.startsWith("failed"));
        }
    }
}
