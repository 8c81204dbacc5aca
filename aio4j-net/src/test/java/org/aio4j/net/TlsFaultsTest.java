package org.aio4j.net;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.aio4j.Aio;
import org.aio4j.ExceptionContext;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/**
 * TLS failures: certificates refused for their issuer, their dates or their names, with messages
 * that say what to check; peers that stall or vanish during the handshake or the shutdown; and no
 * descriptor left open after any of them. The server keeps serving through all of them.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsFaultsTest {

    // ================================================================ certificates

    @Test
    void aCertificateFromAnUnknownCaIsRefusedAndTheServerKeepsServing() {
        int before = OpenDescriptors.now();
        run(() -> {
            List<ExceptionContext> reports = NetTesting.captureReports();
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            int port = port(server);
            TestPki.Ca stranger = TestPki.ca("a CA nobody trusts");
            assertThatThrownBy(() -> Streams.openConnection("localhost", port, stranger.client()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("TLS handshake with server 127.0.0.1:" + port + " ('localhost') failed")
                    .hasMessageContaining("not issued by a CA this side trusts");
            StreamPair ok = Streams.openConnection("localhost", port, CA.client()); // the server goes on
            ok.writer().write(b("still here\n"));
            assertThat(s(Aio.timeout(PATIENCE, ok.reader()::readline))).isEqualTo("still here\n");
            ok.writer().close();
            shutdown(server);
            assertThat(reports).as("a refused handshake is the client's business, not a server error").isEmpty();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void anExpiredCertificateIsRefused() {
        int before = OpenDescriptors.now();
        Instant now = Instant.now();
        TestPki.Issued expired = CA.issue("localhost", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)),
                "localhost");
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, expired.server());
            assertThatThrownBy(() -> Streams.openConnection("localhost", port(server), CA.client()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("the server's certificate")
                    .hasMessageContaining("has expired");
            shutdown(server);
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aWrongHostNameIsRefusedNamingTheExpectedAndThePresentedNames() {
        int before = OpenDescriptors.now();
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            assertThatThrownBy(() -> Streams.openConnection("127.0.0.1", port(server),
                    CA.client().withServerHostname("wrong.example")))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("not valid for the name 'wrong.example'")
                    .hasMessageContaining("[localhost, 127.0.0.1]")
                    .hasMessageContaining("check serverHostname");
            shutdown(server);
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aWrongHostNameWithTheCallersOwnContextStillNamesTheExpectedName() throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", CA.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            assertThatThrownBy(() -> Streams.openConnection("127.0.0.1", port(server),
                    TlsOptions.client(ctx).withServerHostname("wrong.example")))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("not valid for the name 'wrong.example'");
            StreamPair ok = Streams.openConnection("localhost", port(server), TlsOptions.client(ctx));
            ok.writer().close();
            shutdown(server);
        });
    }

    @Test
    void turningHostNameCheckingOffAcceptsAnyNameTheCaVouchesFor() {
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("127.0.0.1", port(server),
                    CA.client().withServerHostname("wrong.example").withCheckHostname(false));
            c.writer().write(b("x\n"));
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("x\n");
            c.writer().close();
            shutdown(server);
        });
    }

    // ================================================================ stalls and vanishing peers

    @Test
    void aServerThatStallsTheHandshakeTimesOutTheClient() throws Exception {
        int before = OpenDescriptors.now();
        try (ServerSocketChannel silent = ServerSocketChannel.open()) {
            silent.bind(NetTesting.loopback(0));
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            run(() -> {
                double start = Aio.runningLoop().time();
                assertThatThrownBy(() -> Net.createConnection(Recorder::new, "localhost", port,
                        CA.client().withHandshakeTimeout(0.3)))
                        .isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("did not complete in 0.3 s")
                        .hasMessageContaining("127.0.0.1:" + port);
                assertThat(Aio.runningLoop().time() - start).isBetween(0.25, PATIENCE);
            });
            try (SocketChannel accepted = silent.accept()) {
                assertThat(accepted).isNotNull();
            }
        }
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aClientThatStallsTheHandshakeIsDroppedByTheServersTimeout() {
        int before = OpenDescriptors.now();
        run(() -> {
            List<ExceptionContext> reports = NetTesting.captureReports();
            List<Recorder> made = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder();
                made.add(r);
                return r;
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server().withHandshakeTimeout(0.3)));
            SocketChannel raw = SocketChannel.open();
            raw.configureBlocking(false); // no blocking I/O on the task's thread (a virtual one in portable mode)
            raw.connect(NetTesting.loopback(port(server)));
            NetTesting.until("connected", raw::finishConnect);
            NetTesting.until("the server drops the silent client", () -> raw.read(ByteBuffer.allocate(64)) < 0);
            raw.close();
            assertThat(made.get(0).made).as("the protocol never hears of a failed handshake").isZero();
            NetTesting.until("no connection left", () -> server.activeConnections() == 0);
            shutdown(server);
            assertThat(reports).isEmpty();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aServerThatClosesDuringTheHandshakeFailsTheConnect() throws Exception {
        int before = OpenDescriptors.now();
        try (ServerSocketChannel l = ServerSocketChannel.open()) {
            l.bind(NetTesting.loopback(0));
            int port = ((InetSocketAddress) l.getLocalAddress()).getPort();
            Thread closer = Thread.ofPlatform().start(() -> {
                try (SocketChannel c = l.accept()) {
                    c.read(ByteBuffer.allocate(1024)); // the ClientHello, then away
                } catch (Exception ignored) {
                    // the test fails on the client side if this goes wrong
                }
            });
            run(() -> assertThatThrownBy(() -> Net.createConnection(Recorder::new, "localhost", port, CA.client()))
                    .isInstanceOf(ConnectionResetError.class)
                    .hasMessageContaining("during the TLS handshake"));
            closer.join(10_000);
        }
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aPlainTextServerIsNamedAsNotSpeakingTls() throws Exception {
        try (ServerSocketChannel l = ServerSocketChannel.open()) {
            l.bind(NetTesting.loopback(0));
            int port = ((InetSocketAddress) l.getLocalAddress()).getPort();
            Thread plain = Thread.ofPlatform().start(() -> {
                try (SocketChannel c = l.accept()) {
                    c.read(ByteBuffer.allocate(1024));
                    c.write(ByteBuffer.wrap(b("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")));
                    c.read(ByteBuffer.allocate(1024));
                } catch (Exception ignored) {
                    // the client's assertion tells
                }
            });
            run(() -> assertThatThrownBy(() -> Net.createConnection(Recorder::new, "localhost", port, CA.client()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("does not speak TLS"));
            plain.join(10_000);
        }
    }

    @Test
    void cancellingAConnectDuringTheHandshakeLeavesNothingOpen() throws Exception {
        int before = OpenDescriptors.now();
        try (ServerSocketChannel silent = ServerSocketChannel.open()) {
            silent.bind(NetTesting.loopback(0));
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            run(() -> assertThatThrownBy(() -> Aio.timeout(0.2, () -> Net.createConnection(Recorder::new, "localhost", port,
                    CA.client()))).isInstanceOf(TimeoutError.class));
            silent.accept().close();
        }
        OpenDescriptors.assertNoLeak(before);
    }

    /** A JDK peer that finishes the handshake and then never reads: our close_notify gets no answer. */
    @Test
    void aPeerThatNeverAnswersCloseNotifyIsAbortedAfterTheShutdownTimeout() throws Exception {
        int before = OpenDescriptors.now();
        try (SSLServerSocket l = (SSLServerSocket) LEAF.server().context().getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (SSLSocket s = (SSLSocket) l.accept()) {
                    s.startHandshake();
                    OutputStream out = s.getOutputStream();
                    out.write('x');
                    out.flush();
                    Thread.sleep(3000); // not reading: never sees, never answers our close_notify
                } catch (Exception ignored) {
                    // the reset after our abort lands here
                }
            });
            run(() -> {
                Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", l.getLocalPort(),
                        CA.client().withShutdownTimeout(0.3));
                NetTesting.until("the peer's byte", () -> c.protocol().data.size() == 1);
                double start = Aio.runningLoop().time();
                c.transport().close();
                NetTesting.until("the connection is lost", () -> c.protocol().isLost());
                assertThat(Aio.runningLoop().time() - start).isBetween(0.25, PATIENCE);
                assertThat(c.protocol().lostWith).isInstanceOf(TimeoutError.class)
                        .hasMessageContaining("shutdown").hasMessageContaining("timed out after 0.3 s");
            });
            peer.join(10_000);
        }
        OpenDescriptors.assertNoLeak(before);
    }

    /** The server side of a client that does not trust the server: the client's alert reaches the server. */
    @Test
    void aClientRefusingTheServerEndsOnlyThatConnection() throws Exception {
        int before = OpenDescriptors.now();
        run(() -> {
            List<ExceptionContext> reports = NetTesting.captureReports();
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            int port = port(server);
            SSLContext distrusting = TestPki.ca("other").client().context();
            Thread jdkClient = Thread.ofPlatform().start(() -> {
                try (SSLSocket s = (SSLSocket) distrusting.getSocketFactory().createSocket("127.0.0.1", port)) {
                    s.startHandshake();
                } catch (Exception expected) {
                    // refused: PKIX path building failed
                }
            });
            NetTesting.until("the JDK client gave up", () -> !jdkClient.isAlive());
            NetTesting.until("the server dropped it", () -> server.activeConnections() == 0);
            StreamPair ok = Streams.openConnection("localhost", port, CA.client());
            ok.writer().write(b("fine\n"));
            assertThat(s(Aio.timeout(PATIENCE, ok.reader()::readline))).isEqualTo("fine\n");
            ok.writer().close();
            shutdown(server);
            assertThat(reports).isEmpty();
        });
        OpenDescriptors.assertNoLeak(before);
    }
}
