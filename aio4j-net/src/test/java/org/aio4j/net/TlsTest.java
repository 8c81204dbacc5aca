package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS transports and streams between two aio4j ends on loopback: the handshake, extra info, ALPN,
 * close_notify in both directions, abort, the missing half-close, and large transfers with
 * backpressure both ways.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {
    static final TestPki.Ca CA = TestPki.Shared.CA;
    static final TestPki.Issued LEAF = TestPki.Shared.LOCALHOST;

    static int port(Server server) throws IOException {
        return ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
    }

    static void shutdown(Server server) {
        server.close();
        server.closeClients();
        Aio.timeout(PATIENCE, server::waitClosed);
    }

    static final ClientConnected ECHO_LINES = (r, w) -> {
        for (byte[] line : r.lines()) {
            w.write(line);
            w.drain();
        }
        w.close();
    };

    // ================================================================ handshake and extra info

    @Test
    void aClientAndAServerHandshakeAndEchoOverProtocols() {
        run(() -> {
            List<Recorder> served = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder();
                r.onData = d -> r.transport.write(d);
                served.add(r);
                return r;
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server()));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server), CA.client());
            c.transport().write(b("over TLS"));
            NetTesting.until("the echo", () -> c.protocol().text().equals("over TLS"));
            assertThat(c.protocol().events).containsExactly("made", "data");
            assertThat(served).hasSize(1);
            assertThat(served.get(0).events).containsExactly("made", "data");
            c.transport().close();
            NetTesting.until("both ends lost", () -> c.protocol().isLost() && served.get(0).isLost());
            assertThat(c.protocol().lostWith).isNull();
            assertThat(served.get(0).events).containsExactly("made", "data", "eof", "lost");
            assertThat(served.get(0).lostWith).isNull();
            shutdown(server);
        });
    }

    @Test
    void extraInfoNamesThePeerCertificateCipherEngineContextAndAlpn() {
        run(() -> {
            AtomicReference<Transport> serverSide = new AtomicReference<>();
            Server server = Net.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport t) {
                    serverSide.set(t);
                }
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server().withAlpnProtocols("h2", "http/1.1")));
            TlsOptions client = CA.client().withAlpnProtocols("http/1.1");
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server), client);
            Transport t = c.transport();
            assertThat(t.getExtraInfo("peercert")).isInstanceOf(X509Certificate.class);
            assertThat(((X509Certificate) t.getExtraInfo("peercert")).getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
            assertThat((List<?>) t.getExtraInfo("peercertchain")).hasSize(2);
            assertThat((String) t.getExtraInfo("cipher")).startsWith("TLS_");
            assertThat(t.getExtraInfo("tls_version")).isEqualTo("TLSv1.3");
            assertThat(t.getExtraInfo("ssl_object")).isInstanceOf(SSLEngine.class);
            assertThat(t.getExtraInfo("sslcontext")).isSameAs(client.context());
            assertThat(t.getExtraInfo("alpn_protocol")).isEqualTo("http/1.1");
            assertThat(t.getExtraInfo("server_hostname")).isEqualTo("localhost");
            assertThat(t.getExtraInfo("peername")).isInstanceOf(InetSocketAddress.class);
            assertThat(t.getExtraInfo("nonsense")).isNull();
            NetTesting.until("the server's side", () -> serverSide.get() != null);
            assertThat(serverSide.get().getExtraInfo("peercert")).isNull(); // the client sent no certificate
            assertThat(serverSide.get().getExtraInfo("alpn_protocol")).isEqualTo("http/1.1");
            t.close();
            shutdown(server);
        });
    }

    @Test
    void theServerNameIsSentAsSni() {
        run(() -> {
            AtomicReference<Object> names = new AtomicReference<>();
            Server server = Net.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport t) {
                    SSLEngine e = (SSLEngine) t.getExtraInfo("ssl_object");
                    names.set(((javax.net.ssl.ExtendedSSLSession) e.getSession()).getRequestedServerNames());
                }
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server()));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server), CA.client());
            NetTesting.until("the server's connectionMade", () -> names.get() != null);
            assertThat(names.get().toString()).contains("localhost");
            c.transport().close();
            shutdown(server);
        });
    }

    @Test
    void streamsEchoOverTls() {
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("localhost", port(server), CA.client());
            c.writer().write(b("hello\nworld\n"));
            c.writer().drain();
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("hello\n");
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("world\n");
            assertThat(c.writer().getExtraInfo("peercert")).isNotNull();
            c.writer().close();
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
            shutdown(server);
        });
    }

    @Test
    void anIpAddressAsServerNameIsCheckedAgainstTheIpSubjectAltName() {
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("127.0.0.1", port(server), CA.client());
            c.writer().write(b("ip\n"));
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("ip\n");
            c.writer().close();
            shutdown(server);
        });
    }

    /** A BufferedProtocol gets the plaintext copied into its own buffer, in pieces as small as the buffer. */
    @Test
    void aBufferedProtocolReceivesPlaintextInItsOwnSmallBuffer() {
        run(() -> {
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            int[] calls = {0};
            Server server = Net.createServer(() -> new BufferedProtocol() {
                private final java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(100);

                @Override
                public java.nio.ByteBuffer getBuffer(int sizeHint) {
                    return buf.clear();
                }

                @Override
                public void bufferUpdated(int nbytes) {
                    calls[0]++;
                    got.write(buf.array(), 0, nbytes);
                }
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server()));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server), CA.client());
            byte[] data = NetTesting.pattern(10_000);
            c.transport().write(data);
            NetTesting.until("all of it", () -> got.size() == data.length);
            assertThat(got.toByteArray()).isEqualTo(data);
            assertThat(calls[0]).isGreaterThanOrEqualTo(100);
            c.transport().close();
            shutdown(server);
        });
    }

    private static SSLContext context(TestPki.Issued identity, X509Certificate trusted) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "in-memory".toCharArray();
        ks.setKeyEntry("me", identity.key(), pw, new java.security.cert.Certificate[] {identity.cert(), identity.ca()});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, pw);
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", trusted);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Client certificates: the server's parameters ask for one, and its extra info shows the client's. */
    @Test
    void aServerThatNeedsClientCertificatesSeesTheClients() throws Exception {
        TestPki.Issued clientId = CA.issue("client one");
        javax.net.ssl.SSLParameters need = new javax.net.ssl.SSLParameters();
        need.setNeedClientAuth(true);
        TlsOptions serverTls = TlsOptions.server(context(LEAF, CA.cert())).withParameters(need);
        TlsOptions clientTls = TlsOptions.client(context(clientId, CA.cert()));
        run(() -> {
            AtomicReference<Object> seen = new AtomicReference<>();
            Server server = Net.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport t) {
                    seen.set(t.getExtraInfo("peercert"));
                }
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(serverTls));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server), clientTls);
            NetTesting.until("the server's connectionMade", () -> seen.get() != null);
            assertThat(((X509Certificate) seen.get()).getSubjectX500Principal().getName()).isEqualTo("CN=client one");
            c.transport().close();
            shutdown(server);
        });
    }

    // ================================================================ closing

    @Test
    void theServerClosingSendsCloseNotifyAndTheClientSeesEndOfFile() {
        run(() -> {
            Server server = Streams.startServer((r, w) -> {
                w.write(b("bye\n"));
                w.close();
            }, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("localhost", port(server), CA.client());
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("bye\n");
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().read(-1))).isEmpty(); // close_notify = end of file
            Aio.timeout(PATIENCE, c.writer()::waitClosed); // our answer went out, the socket closed cleanly
            shutdown(server);
        });
    }

    /** The client's Finished, its first data and its close_notify leave in one burst: the server loses none. */
    @Test
    void dataAndCloseNotifyRightBehindTheHandshakeReachTheServerInOrder() {
        run(() -> {
            for (int round = 0; round < 20; round++) {
                List<Recorder> served = new ArrayList<>();
                Server server = Net.createServer(() -> {
                    Recorder r = new Recorder();
                    served.add(r);
                    return r;
                }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server()));
                Connection<Recorder> c = Net.createConnection(() -> {
                    Recorder r = new Recorder();
                    r.onMade = t -> {
                        t.write(b("early"));
                        t.close();
                    };
                    return r;
                }, "localhost", port(server), CA.client());
                NetTesting.until("the server side lost", () -> !served.isEmpty() && served.get(0).isLost());
                assertThat(served.get(0).text()).isEqualTo("early");
                assertThat(served.get(0).events).containsExactly("made", "data", "eof", "lost");
                NetTesting.until("the client side lost", () -> c.protocol().isLost());
                shutdown(server);
            }
        });
    }

    @Test
    void eofReceivedReturningTrueDoesNotKeepATlsConnectionHalfOpen() {
        run(() -> {
            List<Recorder> served = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder();
                r.keepOpenOnEof = true;
                served.add(r);
                return r;
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server()));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server), CA.client());
            c.transport().close();
            NetTesting.until("the server side lost", () -> !served.isEmpty() && served.get(0).isLost());
            assertThat(served.get(0).events).containsExactly("made", "eof", "lost");
            NetTesting.until("the client side lost", () -> c.protocol().isLost());
            shutdown(server);
        });
    }

    @Test
    void writeEofIsUnsupportedOverTlsAsInAsyncio() {
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("localhost", port(server), CA.client());
            assertThat(c.writer().canWriteEof()).isFalse();
            assertThatThrownBy(() -> c.writer().writeEof()).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("TLS has no half-close");
            c.writer().close();
            shutdown(server);
        });
    }

    @Test
    void abortClosesWithoutCloseNotifyAndThePeerSeesARaggedEndOfFile() {
        run(() -> {
            List<Recorder> served = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder();
                served.add(r);
                return r;
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server()));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server), CA.client());
            NetTesting.until("the server's connection", () -> !served.isEmpty() && served.get(0).made == 1);
            c.transport().abort();
            assertThat(c.transport().isClosing()).isTrue();
            NetTesting.until("both lost", () -> c.protocol().isLost() && served.get(0).isLost());
            assertThat(c.protocol().lostWith).isNull();
            // the server saw TCP's end of file without close_notify: accepted as an end of file, as asyncio does
            assertThat(served.get(0).events).containsExactly("made", "eof", "lost");
            shutdown(server);
        });
    }

    @Test
    void aWriteAfterCloseIsDroppedAndDrainReportsTheClosedConnection() {
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("localhost", port(server), CA.client());
            c.writer().transport().close();
            c.writer().transport().write(b("late")); // a counted no-op, as on plain TCP
            assertThatThrownBy(() -> c.writer().drain()).isInstanceOf(ConnectionResetError.class);
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
            shutdown(server);
        });
    }

    // ================================================================ volume and backpressure

    /** 16 MiB each way at once, through streams that drain: the TLS layer's flow control holds both directions. */
    @Test
    void sixteenMebibytesBothWaysAtOnceWithBackpressure() {
        int total = 16 << 20;
        run(() -> {
            Server server = Streams.startServer((r, w) -> {
                byte[] chunk;
                while ((chunk = r.read(65536)).length > 0) {
                    w.write(chunk);
                    w.drain();
                }
                w.close();
            }, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("localhost", port(server), CA.client());
            byte[] data = NetTesting.pattern(1 << 20);
            CRC32 sent = new CRC32();
            long[] maxBuffered = {0};
            int[] paused = {0};
            Task<Void> writer = Aio.createTask(Aio.async(() -> {
                for (int i = 0; i < total / data.length; i++) {
                    for (int off = 0; off < data.length; off += 64 * 1024) {
                        c.writer().write(Arrays.copyOfRange(data, off, off + 64 * 1024));
                        maxBuffered[0] = Math.max(maxBuffered[0], c.writer().transport().getWriteBufferSize());
                        if (c.writer().transport().getWriteBufferSize() > 64 * 1024) {
                            paused[0]++;
                        }
                        c.writer().drain();
                    }
                    sent.update(data);
                }
            }));
            CRC32 got = new CRC32();
            long n = 0;
            while (n < total) {
                byte[] chunk = Aio.timeout(PATIENCE, () -> c.reader().read(1 << 20));
                assertThat(chunk).as("end of file after %d of %d bytes", n, total).isNotEmpty();
                got.update(chunk);
                n += chunk.length;
            }
            Aio.timeout(PATIENCE, () -> Aio.await(writer));
            assertThat(n).isEqualTo(total);
            assertThat(got.getValue()).isEqualTo(sent.getValue());
            assertThat(paused[0]).as("drain() had to wait: the TLS write buffer went above the high watermark").isPositive();
            assertThat(maxBuffered[0]).as("the write buffer stays bounded").isLessThan(4L << 20);
            c.writer().close();
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
            shutdown(server);
        });
    }

    /** A protocol that writes until paused: pause and resume alternate and the buffer stays near the watermark. */
    @Test
    void pauseAndResumeWritingAlternateThroughTheTlsLayer() {
        run(() -> {
            List<Recorder> served = new ArrayList<>();
            Server server = Net.createServer(() -> {
                Recorder r = new Recorder();
                r.onMade = t -> t.pauseReading(); // the server reads nothing at first: the client must pause
                served.add(r);
                return r;
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(LEAF.server()));
            Connection<Recorder> c = Net.createConnection(Recorder::new, "localhost", port(server), CA.client());
            byte[] chunk = NetTesting.pattern(16 * 1024);
            long written = 0;
            while (!c.protocol().events.contains("pause")) {
                c.transport().write(chunk);
                written += chunk.length;
                assertThat(written).as("paused before 64 MiB").isLessThan(64L << 20);
                if (written % (1 << 20) == 0) {
                    Aio.sleep(0.001); // let the socket drain into the peer's buffers
                }
            }
            assertThat(c.transport().getWriteBufferSize()).isGreaterThan(64 * 1024);
            NetTesting.until("the server's protocol", () -> !served.isEmpty());
            Recorder s = served.get(0);
            assertThat(s.data.size()).isZero(); // paused from connectionMade: nothing delivered
            s.transport.resumeReading();
            long total = written;
            NetTesting.until("everything arrives", () -> s.data.size() == total);
            NetTesting.until("the client resumed", () -> c.protocol().events.contains("resume"));
            assertThat(c.protocol().events).containsExactly("made", "pause", "resume");
            byte[] got = s.data.toByteArray();
            for (int off = 0; off < got.length; off += chunk.length) {
                assertThat(Arrays.copyOfRange(got, off, off + chunk.length)).isEqualTo(chunk);
            }
            c.transport().close();
            shutdown(server);
        });
    }

    @Test
    void closeClientsSendsCloseNotifyToEveryTlsClient() {
        run(() -> {
            Server server = Streams.startServer((r, w) -> {
                Aio.sleep(3600);
            }, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("localhost", port(server), CA.client());
            NetTesting.until("the server has the connection", () -> server.activeConnections() == 1);
            server.close();
            server.closeClients();
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().read(-1))).isEmpty(); // close_notify, not a reset
            c.writer().close();
            Aio.timeout(PATIENCE, server::waitClosed);
        });
    }

    @Test
    void optionsRefuseTheWrongSide() throws Exception {
        SSLContext ctx = SSLContext.getDefault();
        assertThatThrownBy(() -> ConnectOptions.DEFAULT.withTls(TlsOptions.server(ctx)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client options");
        assertThatThrownBy(() -> ServerOptions.DEFAULT.withTls(TlsOptions.client(ctx)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server options");
        assertThatThrownBy(() -> TlsOptions.server(ctx).withServerHostname("x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only for clients");
        assertThatThrownBy(() -> TlsOptions.client(ctx).withHandshakeTimeout(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handshakeTimeout");
        assertThat(TlsOptions.client(ctx).handshakeTimeout()).isEqualTo(60.0);
        assertThat(TlsOptions.client(ctx).shutdownTimeout()).isEqualTo(30.0);
        assertThat(TlsOptions.client(ctx).checkHostname()).isTrue();
    }
}
