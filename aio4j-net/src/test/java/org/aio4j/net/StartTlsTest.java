package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.s;
import static org.aio4j.net.TlsTest.CA;
import static org.aio4j.net.TlsTest.LEAF;
import static org.aio4j.net.TlsTest.port;
import static org.aio4j.net.TlsTest.shutdown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.aio4j.Aio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/**
 * Upgrading a plain connection to TLS in the middle (STARTTLS): {@link StreamWriter#startTls} on both
 * ends, {@link Net#startTls} under a protocol, the bytes before the upgrade delivered in order and
 * none lost, handshake bytes a reader had already buffered, and a failed upgrade.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StartTlsTest {

    /** Reads plain lines until STARTTLS, answers OK, upgrades, then echoes lines over TLS. */
    static ClientConnected starttlsServer(List<String> plainLines, double pauseBeforeUpgrade) {
        return starttlsServer(plainLines, pauseBeforeUpgrade, true);
    }

    static ClientConnected starttlsServer(List<String> plainLines, double pauseBeforeUpgrade, boolean answerOk) {
        return (r, w) -> {
            while (true) {
                String line = s(r.readline());
                if (line.isEmpty()) {
                    w.close();
                    return;
                }
                if (line.equals("STARTTLS\n")) {
                    break;
                }
                plainLines.add(line);
            }
            if (answerOk) {
                w.write(b("OK\n"));
                w.drain();
            }
            if (pauseBeforeUpgrade > 0) {
                Aio.sleep(pauseBeforeUpgrade); // the client's ClientHello is in our reader's buffer by now
            }
            w.startTls(LEAF.server());
            for (byte[] line : r.lines()) {
                w.write(line);
                w.drain();
            }
            w.close();
        };
    }

    @Test
    void bothEndsUpgradeMidConnectionAndThePlainBytesBeforeArriveInOrder() {
        run(() -> {
            List<String> plain = Collections.synchronizedList(new ArrayList<>());
            Server server = Streams.startServer(starttlsServer(plain, 0), "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(b("EHLO a\nEHLO b\nEHLO c\nSTARTTLS\n"));
            c.writer().drain();
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("OK\n");
            assertThat(c.writer().getExtraInfo("peercert")).isNull();
            c.writer().startTls(CA.client().withServerHostname("localhost"));
            assertThat(c.writer().getExtraInfo("peercert")).isNotNull();
            assertThat(c.writer().transport().getExtraInfo("cipher")).isNotNull();
            c.writer().write(b("secret\n"));
            c.writer().drain();
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("secret\n");
            assertThat(plain).containsExactly("EHLO a\n", "EHLO b\n", "EHLO c\n");
            c.writer().close();
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
            shutdown(server);
        });
    }

    /** The client sends its ClientHello right behind STARTTLS; the server's reader holds it when it upgrades. */
    @Test
    void aClientHelloAlreadyInTheServersReaderIsHandedToTheTlsLayer() {
        run(() -> {
            List<String> plain = Collections.synchronizedList(new ArrayList<>());
            Server server = Streams.startServer(starttlsServer(plain, 0.2, false), "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(b("STARTTLS\n"));
            // upgrade at once, without an answer: the ClientHello follows STARTTLS in the same burst, and the
            // server reads the line (and with it the ClientHello) before it upgrades
            c.writer().startTls(CA.client().withServerHostname("localhost"));
            c.writer().write(b("after\n"));
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("after\n");
            c.writer().close();
            shutdown(server);
        });
    }

    /** A megabyte queued in plain text right before the upgrade goes out first, whole and in order. */
    @Test
    void plainBytesQueuedBeforeTheUpgradeAreSentFirst() {
        byte[] big = NetTesting.pattern(1 << 20);
        run(() -> {
            Server server = Streams.startServer((r, w) -> {
                byte[] got = r.readexactly(big.length);
                assertThat(got).isEqualTo(big);
                w.startTls(LEAF.server());
                w.write(b("got it all\n"));
                w.drain();
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(big); // most of it still queued in the socket transport
            c.writer().startTls(CA.client().withServerHostname("localhost"));
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("got it all\n");
            c.writer().close();
            shutdown(server);
        });
    }

    @Test
    void netStartTlsUpgradesAProtocolWithoutASecondConnectionMade() {
        run(() -> {
            Server server = Streams.startServer(starttlsServer(new ArrayList<>(), 0), "127.0.0.1", 0);
            Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(server));
            c.transport().write(b("STARTTLS\n"));
            NetTesting.until("OK", () -> c.protocol().text().equals("OK\n"));
            Transport tls = Net.startTls(c.transport(), c.protocol(), CA.client().withServerHostname("localhost"));
            assertThat(tls).isNotSameAs(c.transport());
            assertThat(tls.getProtocol()).isSameAs(c.protocol());
            tls.write(b("over tls\n"));
            NetTesting.until("the echo", () -> c.protocol().text().equals("OK\nover tls\n"));
            assertThat(c.protocol().made).isEqualTo(1);
            tls.close();
            NetTesting.until("lost", () -> c.protocol().isLost());
            assertThat(c.protocol().events).containsExactly("made", "data", "lost");
            assertThat(c.protocol().lostWith).isNull();
            shutdown(server);
        });
    }

    @Test
    void aFailedUpgradeThrowsTheHandshakeErrorAndClosesTheConnection() {
        int before = OpenDescriptors.now();
        run(() -> {
            Server server = Streams.startServer(starttlsServer(new ArrayList<>(), 0), "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(b("STARTTLS\n"));
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("OK\n");
            assertThatThrownBy(() -> c.writer().startTls(TestPki.ca("stranger").client().withServerHostname("localhost")))
                    .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("not issued by a CA this side trusts");
            Aio.timeout(PATIENCE, () -> {
                try {
                    c.writer().waitClosed();
                } catch (java.io.IOException expected) {
                    // the handshake's error
                }
            });
            assertThat(c.writer().isClosing()).isTrue();
            shutdown(server);
        });
        OpenDescriptors.assertNoLeak(before);
    }

    /** A Unix-socket server with TLS, and a Unix client upgraded with Net.startTls right after connecting. */
    @Test
    void tlsOverAUnixSocket(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        run(() -> {
            Server server = Streams.startUnixServer(TlsTest.ECHO_LINES, dir.resolve("tls.sock"), StreamReader.DEFAULT_LIMIT,
                    ServerOptions.DEFAULT.withTls(LEAF.server()));
            Connection<Recorder> c = Net.createUnixConnection(Recorder::new, dir.resolve("tls.sock"));
            Transport tls = Net.startTls(c.transport(), c.protocol(), CA.client().withServerHostname("localhost"));
            tls.write(b("over a unix socket\n"));
            NetTesting.until("the echo", () -> c.protocol().text().equals("over a unix socket\n"));
            assertThat(tls.getExtraInfo("peercert")).isNotNull();
            tls.close();
            NetTesting.until("lost", () -> c.protocol().isLost());
            shutdown(server);
        });
    }

    /** createUnixConnection with TLS options: the handshake over the Unix socket, names checked. */
    @Test
    void createUnixConnectionWithTlsHandshakesOverTheSocketAndNeedsAServerName(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        int before = OpenDescriptors.now();
        run(() -> {
            Server server = Streams.startUnixServer(TlsTest.ECHO_LINES, dir.resolve("tls.sock"), StreamReader.DEFAULT_LIMIT,
                    ServerOptions.DEFAULT.withTls(LEAF.server()));
            Connection<Recorder> c = Net.createUnixConnection(Recorder::new, dir.resolve("tls.sock"),
                    CA.client().withServerHostname("localhost"));
            c.transport().write(b("tls from the start\n"));
            NetTesting.until("the echo", () -> c.protocol().text().equals("tls from the start\n"));
            assertThat(c.transport().getExtraInfo("peercert")).isNotNull();
            c.transport().close();
            NetTesting.until("lost", () -> c.protocol().isLost());
            assertThatThrownBy(() -> Net.createUnixConnection(Recorder::new, dir.resolve("tls.sock"), CA.client()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverHostname");
            shutdown(server);
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void startTlsTwiceIsRefused() {
        run(() -> {
            Server server = Streams.startServer(TlsTest.ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            StreamPair c = Streams.openConnection("localhost", port(server), CA.client());
            assertThatThrownBy(() -> c.writer().startTls(CA.client())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already speaks TLS");
            c.writer().close();
            shutdown(server);
        });
    }
}
