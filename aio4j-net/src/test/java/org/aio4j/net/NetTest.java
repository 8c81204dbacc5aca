package org.aio4j.net;

import static org.aio4j.net.NetTesting.captureReports;
import static org.aio4j.net.NetTesting.idle;
import static org.aio4j.net.NetTesting.loopback;
import static org.aio4j.net.NetTesting.run;
import static org.aio4j.net.NetTesting.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/** {@link Net}: connecting, listening and names, on real loopback sockets (IPv4 and IPv6). */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetTest {

    private static int freePort() throws IOException {
        try (ServerSocketChannel l = ServerSocketChannel.open()) {
            l.bind(loopback(0));
            return ((InetSocketAddress) l.getLocalAddress()).getPort();
        }
    }

    private static int port(ServerSocketChannel l) throws IOException {
        return ((InetSocketAddress) l.getLocalAddress()).getPort();
    }

    // ================================================================ connecting

    @Test
    void connectingToAClosedPortThrowsConnectExceptionNamingTheAddress() {
        int before = OpenDescriptors.now();
        run(() -> {
            int port = freePort();
            assertThatThrownBy(() -> Net.createConnection(Recorder::new, "127.0.0.1", port))
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("refused");
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aConnectThatHangsFailsWithTimeoutErrorAfterTheConnectTimeout() {
        int before = OpenDescriptors.now();
        run(() -> {
            // A listener that never accepts, its backlog full: the kernel drops further SYNs, so a
            // connect neither succeeds nor fails (loopback, no unroutable address needed).
            List<SocketChannel> fillers = new ArrayList<>();
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0), 1);
                for (int i = 0; i < 8; i++) {
                    SocketChannel c = SocketChannel.open();
                    c.configureBlocking(false);
                    c.connect(l.getLocalAddress());
                    fillers.add(c);
                }
                double start = Aio.runningLoop().time();
                assertThatThrownBy(() -> Net.createConnection(Recorder::new, "127.0.0.1", port(l),
                        ConnectOptions.DEFAULT.withConnectTimeout(0.3))).isInstanceOf(TimeoutError.class);
                assertThat(Aio.runningLoop().time() - start).isBetween(0.25, 3.0);
            } finally {
                for (SocketChannel c : fillers) {
                    c.close();
                }
            }
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void showWritesIpv6InItsCompressedForm() throws IOException {
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("::1"), 80))).isEqualTo("[::1]:80");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("::"), 0))).isEqualTo("[::]:0");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("2001:DB8:0:0:0:0:0:1"), 443)))
                .isEqualTo("[2001:db8::1]:443");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("2001:db8:0:1:1:1:1:1"), 1)))
                .as("a single zero group is not compressed").isEqualTo("[2001:db8:0:1:1:1:1:1]:1");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("1:0:0:2:0:0:0:3"), 1)))
                .as("the longest run").isEqualTo("[1:0:0:2::3]:1");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("1:0:0:2:0:0:3:4"), 1)))
                .as("the first of equal runs").isEqualTo("[1::2:0:0:3:4]:1");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("fe80:0:0:0:0:0:0:1"), 1))).isEqualTo("[fe80::1]:1");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("1:2:3:4:5:6:7:0"), 1))).isEqualTo("[1:2:3:4:5:6:7:0]:1");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("1:2:3:4:5:6:0:0"), 1))).isEqualTo("[1:2:3:4:5:6::]:1");
        byte[] linkLocal = new byte[16];
        linkLocal[0] = (byte) 0xfe;
        linkLocal[1] = (byte) 0x80;
        linkLocal[15] = 1;
        assertThat(Net.show(new InetSocketAddress(java.net.Inet6Address.getByAddress(null, linkLocal, 3), 7)))
                .isEqualTo("[fe80::1%3]:7");
        assertThat(Net.show(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80))).isEqualTo("127.0.0.1:80");
    }

    @Test
    void aRefusedIpv6ConnectNamesTheAddressInCompressedForm() {
        run(() -> {
            int port;
            try (ServerSocketChannel l = ServerSocketChannel.open(java.net.StandardProtocolFamily.INET6)) {
                l.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
                port = port(l);
            } catch (IOException noIpv6Loopback) {
                org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6Loopback);
                return;
            }
            assertThatThrownBy(() -> Net.createConnection(Recorder::new, "::1", port))
                    .isInstanceOf(ConnectException.class).hasMessageContaining("[::1]:" + port);
        });
    }

    @Test
    void connectOptionsRejectAConnectTimeoutThatIsNotPositive() {
        assertThatThrownBy(() -> ConnectOptions.DEFAULT.withConnectTimeout(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectOptions.DEFAULT.withConnectTimeout(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void createConnectionTriesEveryResolvedAddressUntilOneAccepts() {
        run(() -> {
            try (ServerSocketChannel v4 = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
                v4.bind(new InetSocketAddress(TestResolverProvider.v4(), 0));
                // ::1 comes first and refuses (nothing listens there on this port)
                Connection<Recorder> c = Net.createConnection(Recorder::new, TestResolverProvider.V6_FIRST, port(v4));
                assertThat(((InetSocketAddress) c.transport().getExtraInfo("peername")).getAddress())
                        .isInstanceOf(Inet4Address.class);
                c.transport().close();
            }
            try (ServerSocketChannel v6 = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
                v6.bind(new InetSocketAddress(TestResolverProvider.v6(), 0));
                Connection<Recorder> c = Net.createConnection(Recorder::new, TestResolverProvider.V4_FIRST, port(v6));
                assertThat(((InetSocketAddress) c.transport().getExtraInfo("peername")).getAddress())
                        .isInstanceOf(Inet6Address.class);
                c.transport().close();
            }
        });
    }

    @Test
    void whenEveryAddressRefusesTheFirstErrorIsThrownWithTheOthersSuppressed() {
        int before = OpenDescriptors.now();
        run(() -> {
            int port = freePort();
            assertThatThrownBy(() -> Net.createConnection(Recorder::new, TestResolverProvider.V6_FIRST, port))
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("[::1]:" + port)
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                            .satisfies(s -> assertThat(s).hasMessageContaining("127.0.0.1:" + port)));
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void createConnectionBindsTheLocalAddress() {
        run(() -> {
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0));
                int local = freePort();
                Connection<Recorder> c = Net.createConnection(Recorder::new, "127.0.0.1", port(l),
                        ConnectOptions.DEFAULT.withLocalAddr(loopback(local)));
                assertThat(((InetSocketAddress) c.transport().getExtraInfo("sockname")).getPort()).isEqualTo(local);
                c.transport().close();
            }
        });
    }

    @Test
    void aCancelledConnectClosesItsSocket() {
        int before = OpenDescriptors.now();
        run(() -> {
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0), 1);
                List<SocketChannel> fillers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    SocketChannel c = SocketChannel.open();
                    c.configureBlocking(false);
                    c.connect(l.getLocalAddress());
                    fillers.add(c);
                }
                var task = Aio.createTask(Aio.async(() -> Net.createConnection(Recorder::new, "127.0.0.1", port(l))));
                idle(0.05);
                task.cancel();
                assertThatThrownBy(() -> Aio.await(task)).isInstanceOf(org.aio4j.CancelledError.class);
                for (SocketChannel c : fillers) {
                    c.close();
                }
            }
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void portsOutsideTheRangeAndCallsOutsideACoroutineAreRejected() {
        assertThatThrownBy(() -> Net.createConnection(Recorder::new, "127.0.0.1", 80))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a coroutine");
        run(() -> {
            assertThatThrownBy(() -> Net.createConnection(Recorder::new, "127.0.0.1", 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..65535");
            assertThatThrownBy(() -> Net.createServer(Recorder::new, "127.0.0.1", 65536))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..65535");
        });
    }

    // ================================================================ serving

    @Test
    void aServerOnTheNullHostAcceptsIPv4AndIPv6OnOnePort() {
        run(() -> {
            List<Recorder> made = new ArrayList<>();
            Server s = Net.createServer(() -> {
                Recorder r = new Recorder();
                made.add(r);
                return r;
            }, null, 0);
            assertThat(s.sockets()).hasSize(1);
            int port = port(s.sockets().get(0));
            Connection<Recorder> a = Net.createConnection(Recorder::new, "127.0.0.1", port);
            Connection<Recorder> b = Net.createConnection(Recorder::new, "::1", port);
            until("both accepted", () -> made.size() == 2 && made.stream().allMatch(r -> r.made == 1));
            a.transport().close();
            b.transport().close();
            s.close();
            s.closeClients();
            s.waitClosed();
        });
    }

    @Test
    void portZeroOnAHostWithSeveralAddressesListensOnOnePort() {
        run(() -> {
            Server s = Net.createServer(Recorder::new, TestResolverProvider.V4_FIRST, 0);
            assertThat(s.sockets()).hasSize(2);
            int p0 = port(s.sockets().get(0));
            assertThat(port(s.sockets().get(1))).isEqualTo(p0);
            Net.createConnection(Recorder::new, "127.0.0.1", p0).transport().close();
            Net.createConnection(Recorder::new, "::1", p0).transport().close();
            s.close();
            s.closeClients();
            s.waitClosed();
        });
    }

    @Test
    void anAddressInUseIsABindExceptionNamingItAndNoSocketIsLeft() {
        int before = OpenDescriptors.now();
        run(() -> {
            try (ServerSocketChannel taken = ServerSocketChannel.open()) {
                taken.bind(loopback(0));
                int port = port(taken);
                assertThatThrownBy(() -> Net.createServer(Recorder::new, "127.0.0.1", port))
                        .isInstanceOf(BindException.class).hasMessageContaining("127.0.0.1:" + port);
            }
            // the second of two addresses in use: the first, already bound, is closed again
            try (ServerSocketChannel taken6 = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
                taken6.bind(new InetSocketAddress(TestResolverProvider.v6(), 0));
                int port = port(taken6);
                assertThatThrownBy(() -> Net.createServer(Recorder::new, TestResolverProvider.V4_FIRST, port))
                        .isInstanceOf(BindException.class).hasMessageContaining("[::1]:" + port);
                Server again = Net.createServer(Recorder::new, "127.0.0.1", port); // was released
                again.close();
                again.waitClosed();
            }
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void connectAcceptedServesASocketAcceptedElsewhere() {
        run(() -> {
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0));
                SocketChannel client = SocketChannel.open(l.getLocalAddress());
                SocketChannel accepted = l.accept(); // blocking mode: connectAccepted switches it
                Peer peer = new Peer(client);
                Connection<Recorder> c = Net.connectAccepted(Recorder::new, accepted);
                assertThat(accepted.isBlocking()).isFalse();
                assertThat(c.protocol().made).isEqualTo(1);
                peer.send("ping");
                until("data", () -> c.protocol().text().equals("ping"));
                c.transport().write("pong".getBytes());
                assertThat(peer.readUntil(4)).asString().isEqualTo("pong");
                c.transport().close();
                peer.close();
            }
            SocketChannel unconnected = SocketChannel.open();
            assertThatThrownBy(() -> Net.connectAccepted(Recorder::new, unconnected))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not connected");
            unconnected.close();
        });
    }

    @Test
    void aProtocolFactoryThatThrowsFailsCreateConnectionAndClosesTheSocket() {
        int before = OpenDescriptors.now();
        run(() -> {
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0));
                assertThatThrownBy(() -> Net.createConnection(() -> {
                    throw new IllegalStateException("no protocol");
                }, "127.0.0.1", port(l))).hasMessage("no protocol");
                assertThatThrownBy(() -> Net.createConnection(() -> null, "127.0.0.1", port(l)))
                        .isInstanceOf(NullPointerException.class).hasMessageContaining("factory returned null");
                l.accept().close();
                l.accept().close();
            }
        });
        OpenDescriptors.assertNoLeak(before);
    }

    // ================================================================ names

    @Test
    void getaddrinfoParsesLiteralsAndResolvesNames() {
        run(() -> {
            assertThat(Net.getaddrinfo("127.0.0.1", 80)).containsExactly(new InetSocketAddress("127.0.0.1", 80));
            assertThat(Net.getaddrinfo("::1", 443)).singleElement()
                    .satisfies(a -> assertThat(a.getAddress()).isInstanceOf(Inet6Address.class));
            assertThat(Net.getaddrinfo(TestResolverProvider.V6_FIRST, 7)).hasSize(2);
            assertThat(Net.getaddrinfo("localhost", 7)).isNotEmpty();
            assertThatThrownBy(() -> Net.getaddrinfo("no-such-host.invalid", 80))
                    .isInstanceOf(java.net.UnknownHostException.class);
            assertThat(Net.getnameinfo(new InetSocketAddress("127.0.0.1", 80))).isNotEmpty();
            assertThat(Net.isLiteral("10.0.0.1")).isTrue();
            assertThat(Net.isLiteral("1.2.3")).isFalse();
            assertThat(captureReports()).isEmpty();
        });
    }
}
