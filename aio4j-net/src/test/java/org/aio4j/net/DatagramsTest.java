package org.aio4j.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.aio4j.net.NetTesting.idle;
import static org.aio4j.net.NetTesting.run;
import static org.aio4j.net.NetTesting.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.lowlevel.Lowlevel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/** {@link Datagrams} and the datagram transport, on real loopback UDP sockets. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramsTest {

    static final InetSocketAddress ANY_V4 = new InetSocketAddress("127.0.0.1", 0);

    /** Answers each datagram to its sender with the same bytes. */
    static final class Echo extends UdpRecorder {
        @Override
        public void datagramReceived(byte[] data, InetSocketAddress from) {
            super.datagramReceived(data, from);
            transport.sendto(data, from);
        }
    }

    /** A port nobody listens on (bound, then closed): datagrams to it draw ICMP port unreachable. */
    static InetSocketAddress deadPort(InetAddress host) throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(host, 0));
            return (InetSocketAddress) c.getLocalAddress();
        }
    }

    static boolean ipv6Loopback() {
        try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            c.bind(new InetSocketAddress("::1", 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void echoRoundTrip(InetSocketAddress bindAt) throws IOException {
        DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, bindAt, null);
        InetSocketAddress at = server.protocol().sockname();
        DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null, at);
        client.transport().sendto("ping".getBytes(UTF_8));
        until("the echo", () -> client.protocol().received.size() == 1);
        assertThat(client.protocol().received.get(0).text()).isEqualTo("ping");
        assertThat(client.protocol().received.get(0).from()).isEqualTo(at);
        assertThat(server.protocol().received.get(0).from()).isEqualTo(client.transport().getExtraInfo("sockname"));
        assertThat(client.transport().getExtraInfo("peername")).isEqualTo(at);
        assertThat(server.transport().getExtraInfo("peername")).isNull();
        assertThat(client.transport().getExtraInfo("socket")).isInstanceOf(DatagramChannel.class);
        client.transport().close();
        server.transport().close();
        until("both lost", () -> client.protocol().lost == 1 && server.protocol().lost == 1);
        assertThat(client.protocol().events).containsExactly("made", "lost null");
    }

    @Test
    void aConnectedClientAndAnUnconnectedServerEchoOverIpv4Loopback() {
        int fds = OpenDescriptors.now();
        run(() -> echoRoundTrip(ANY_V4));
        OpenDescriptors.assertNoLeak(fds);
    }

    @Test
    void aConnectedClientAndAnUnconnectedServerEchoOverIpv6Loopback() {
        Assumptions.assumeTrue(ipv6Loopback(), "skipped: no IPv6 loopback (::1) on this machine");
        int fds = OpenDescriptors.now();
        run(() -> echoRoundTrip(new InetSocketAddress("::1", 0)));
        OpenDescriptors.assertNoLeak(fds);
    }

    @Test
    void unresolvedAddressesAreResolvedFirst() {
        run(() -> {
            DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new,
                    InetSocketAddress.createUnresolved("127.0.0.1", 0), null);
            int port = server.protocol().sockname().getPort();
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null,
                    InetSocketAddress.createUnresolved("127.0.0.1", port));
            client.transport().sendto(new byte[] {1, 2, 3});
            until("the echo", () -> client.protocol().received.size() == 1);
            client.transport().close();
            server.transport().close();
        });
    }

    @Test
    void emptyDatagramsAreSentAndReceivedAsEmptyArraysExceptFromAConnectedEndpoint() {
        run(() -> {
            DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_V4, null);
            InetSocketAddress at = server.protocol().sockname();
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            client.transport().sendto(new byte[0], at);
            client.transport().sendto("x".getBytes(UTF_8), at);
            client.transport().sendto(ByteBuffer.allocate(0), at);
            until("three echoes", () -> client.protocol().received.size() == 3);
            assertThat(client.protocol().received).extracting(UdpRecorder.Got::text).containsExactly("", "x", "");
            assertThat(client.transport().getWriteBufferSize()).isZero();
            DatagramEndpoint<UdpRecorder> connected = Datagrams.createDatagramEndpoint(UdpRecorder::new, null, at);
            assertThatThrownBy(() -> connected.transport().sendto(new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connected");
            connected.transport().close();
            client.transport().close();
            server.transport().close();
        });
    }

    @Test
    void theLargestDatagramArrivesWholeAndALargerOneIsRefusedWithTheLimit() {
        run(() -> {
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null,
                    server.protocol().sockname());
            byte[] max = NetTesting.pattern(65_507);
            client.transport().sendto(max);
            until("the big one", () -> server.protocol().received.size() == 1);
            assertThat(server.protocol().received.get(0).data()).isEqualTo(max);
            assertThatThrownBy(() -> client.transport().sendto(new byte[65_508]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("65508 bytes").hasMessageContaining("IPv4").hasMessageContaining("65507");
            assertThat(client.protocol().errors).isEmpty();
            client.transport().close();
            server.transport().close();
        });
    }

    @Test
    void aConnectedEndpointRefusesAnotherAddressAndAnUnconnectedOneNeedsAnAddress() {
        run(() -> {
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            InetSocketAddress at = server.protocol().sockname();
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null, at);
            InetSocketAddress other = new InetSocketAddress("127.0.0.1", at.getPort() == 9 ? 10 : 9);
            assertThatThrownBy(() -> client.transport().sendto(new byte[1], other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid address").hasMessageContaining("127.0.0.1:" + at.getPort());
            client.transport().sendto("same".getBytes(UTF_8), at); // its own remote address is fine
            assertThatThrownBy(() -> server.transport().sendto(new byte[1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an address");
            assertThatThrownBy(() -> server.transport().sendto(new byte[1], InetSocketAddress.createUnresolved("x", 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Net.getaddrinfo");
            until("the datagram", () -> server.protocol().received.size() == 1);
            client.transport().close();
            server.transport().close();
        });
    }

    @Test
    void portUnreachableOnAConnectedEndpointIsReportedAndTheEndpointKeepsWorking() {
        int fds = OpenDescriptors.now();
        run(() -> {
            InetSocketAddress dead = deadPort(InetAddress.getLoopbackAddress());
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null, dead);
            client.transport().sendto("anyone?".getBytes(UTF_8));
            until("the ICMP error", () -> !client.protocol().errors.isEmpty());
            assertThat(client.protocol().errors.get(0)).isInstanceOf(PortUnreachableException.class);
            assertThat(client.transport().isClosing()).isFalse();
            // someone comes to the port: the same endpoint talks to it
            try (DatagramChannel late = DatagramChannel.open()) {
                late.bind(dead);
                late.configureBlocking(false);
                client.transport().sendto("now?".getBytes(UTF_8));
                ByteBuffer b = ByteBuffer.allocate(100);
                until("the datagram at the late peer", () -> late.receive(b) != null);
                assertThat(new String(b.array(), 0, b.position(), UTF_8)).isEqualTo("now?");
                late.send(ByteBuffer.wrap("yes".getBytes(UTF_8)), client.protocol().sockname());
                until("the answer", () -> client.protocol().received.size() == 1);
            }
            assertThat(client.protocol().received.get(0).text()).isEqualTo("yes");
            assertThat(client.protocol().lost).isZero();
            client.transport().close();
            until("lost", () -> client.protocol().lost == 1);
            assertThat(client.protocol().lostWith).isNull();
        });
        OpenDescriptors.assertNoLeak(fds);
    }

    @Test
    void anUnconnectedEndpointHearsNothingOfUnreachablePorts() {
        run(() -> {
            DatagramEndpoint<UdpRecorder> u = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            u.transport().sendto("x".getBytes(UTF_8), deadPort(InetAddress.getLoopbackAddress()));
            idle(0.1);
            assertThat(u.protocol().errors).isEmpty(); // Linux reports ICMP errors only to connected sockets
            u.transport().close();
        });
    }

    @Test
    void closeSendsWhatIsQueuedThenLosesOnceAndLaterSendsAreDropped() {
        run(() -> {
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null,
                    server.protocol().sockname());
            DatagramSocketTransport t = (DatagramSocketTransport) client.transport();
            Gate gate = new Gate();
            t.sender = gate;
            gate.closed = true;                          // the kernel has no room: the datagrams queue
            t.sendto("1".getBytes(UTF_8));
            t.sendto("2".getBytes(UTF_8));
            assertThat(t.getWriteBufferSize()).isEqualTo(2 * (1 + DatagramSocketTransport.HEADER));
            t.close();
            t.close();
            assertThat(t.isClosing()).isTrue();
            t.sendto("late".getBytes(UTF_8));            // dropped, no exception
            idle(0.05);
            assertThat(client.protocol().lost).isZero(); // still sending the queue
            gate.closed = false;
            until("the queue sent", () -> server.protocol().received.size() == 2);
            until("lost", () -> client.protocol().lost == 1);
            assertThat(server.protocol().received).extracting(UdpRecorder.Got::text).containsExactly("1", "2");
            assertThat(t.getWriteBufferSize()).isZero();
            client.transport().sendto("after".getBytes(UTF_8));
            client.transport().abort();
            idle(0.05);
            assertThat(client.protocol().events).containsExactly("made", "lost null");
            assertThat(server.protocol().received).hasSize(2);
            server.transport().abort();
        });
    }

    @Test
    void abortDropsTheQueue() {
        run(() -> {
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null,
                    server.protocol().sockname());
            DatagramSocketTransport t = (DatagramSocketTransport) client.transport();
            Gate gate = new Gate();
            gate.closed = true;
            t.sender = gate;
            t.sendto("dropped".getBytes(UTF_8));
            t.abort();
            gate.closed = false;
            until("lost", () -> client.protocol().lost == 1);
            idle(0.05);
            assertThat(server.protocol().received).isEmpty();
            assertThat(t.getWriteBufferSize()).isZero();
            server.transport().close();
        });
    }

    /**
     * Stands in for a kernel whose send buffer is full while {@code closed}: Linux loopback never
     * refuses a UDP send for want of room, so the queue and flow control cannot be reached otherwise.
     * The datagrams still go through the real socket once the gate opens.
     */
    static final class Gate implements DatagramSocketTransport.Sender {
        volatile boolean closed;
        int refused;

        @Override
        public boolean send(DatagramChannel ch, ByteBuffer d, java.net.SocketAddress target) throws IOException {
            if (closed) {
                refused++;
                return false;
            }
            return DatagramSocketTransport.Sender.DEFAULT.send(ch, d, target);
        }
    }

    @Test
    void aFullSendBufferQueuesDatagramsPausesAndResumesTheProtocolAndLosesNothing() {
        run(() -> {
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null,
                    server.protocol().sockname());
            DatagramSocketTransport t = (DatagramSocketTransport) client.transport();
            Gate gate = new Gate();
            t.sender = gate;
            t.setWriteBufferLimits(10 * 108, 2 * 108);
            gate.closed = true;
            for (int i = 0; i < 30; i++) {
                byte[] d = new byte[100];
                d[0] = (byte) i;
                t.sendto(d);
            }
            assertThat(client.protocol().events).containsExactly("made", "pause");
            assertThat(t.getWriteBufferSize()).isEqualTo(30 * 108);
            gate.closed = false;
            until("all received", () -> server.protocol().received.size() == 30);
            assertThat(client.protocol().events).containsExactly("made", "pause", "resume");
            for (int i = 0; i < 30; i++) {
                assertThat(server.protocol().received.get(i).data()[0]).isEqualTo((byte) i);
            }
            assertThat(t.getWriteBufferSize()).isZero();
            client.transport().close();
            server.transport().close();
        });
    }

    @Test
    void aBurstTheReceiverKeepsUpWithLosesNothingOnLoopback() {
        int n = 3000;
        int window = 32;
        run(() -> {
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null,
                    server.protocol().sockname());
            for (int i = 0; i < n; i++) {
                ByteBuffer d = ByteBuffer.allocate(1000).putInt(0, i);
                client.transport().sendto(d, null);
                int sent = i + 1;
                if (sent % window == 0) {
                    until("the receiver keeps up", () -> server.protocol().received.size() >= sent - window);
                }
            }
            until("all received", () -> server.protocol().received.size() == n);
            for (int i = 0; i < n; i++) {
                assertThat(ByteBuffer.wrap(server.protocol().received.get(i).data()).getInt(0)).isEqualTo(i);
            }
            assertThat(client.protocol().errors).isEmpty();
            client.transport().close();
            server.transport().close();
        });
    }

    @Test
    void aBurstLargerThanTheReceiveBufferIsPartlyDroppedByTheKernelWithoutAnyError() {
        run(() -> {
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null,
                    server.protocol().sockname());
            int n = 2000;
            for (int i = 0; i < n; i++) {           // all in one step: the receiver cannot read meanwhile
                client.transport().sendto(new byte[1000]);
            }
            assertThat(client.transport().getWriteBufferSize()).isZero(); // the kernel took them all
            idle(0.2);
            int got = server.protocol().received.size();
            assertThat(got).isPositive().isLessThan(n);
            assertThat(client.protocol().errors).isEmpty();
            assertThat(server.protocol().errors).isEmpty();
            client.transport().sendto("still works".getBytes(UTF_8));
            until("the next datagram", () -> server.protocol().received.size() == got + 1);
            client.transport().close();
            server.transport().close();
        });
    }

    @Test
    void aProtocolCallbackThatThrowsAbortsTheEndpointWithItsException() {
        run(() -> {
            List<ExceptionContext> reports = NetTesting.captureReports();
            RuntimeException boom = new RuntimeException("boom");
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(() -> new UdpRecorder() {
                @Override
                public void datagramReceived(byte[] data, InetSocketAddress from) {
                    throw boom;
                }
            }, ANY_V4, null);
            DatagramEndpoint<UdpRecorder> client = Datagrams.createDatagramEndpoint(UdpRecorder::new, null,
                    server.protocol().sockname());
            client.transport().sendto(new byte[1]);
            until("lost", () -> server.protocol().lost == 1);
            assertThat(server.protocol().lostWith).isSameAs(boom);
            assertThat(reports).extracting(ExceptionContext::exception).contains(boom);
            client.transport().close();
        });
    }

    @Test
    void aConnectionMadeThatThrowsFailsTheCallAndClosesTheSocket() {
        int fds = OpenDescriptors.now();
        run(() -> {
            NetTesting.captureReports();
            IllegalStateException boom = new IllegalStateException("no");
            assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(() -> new UdpRecorder() {
                @Override
                public void connectionMade(DatagramTransport t) {
                    throw boom;
                }
            }, ANY_V4, null)).isSameAs(boom);
            idle(0.02);
        });
        OpenDescriptors.assertNoLeak(fds);
    }

    @Test
    void cancellingCreateDatagramEndpointClosesItsSocketAndTheProtocolHearsNothing() {
        int fds = OpenDescriptors.now();
        run(() -> {
            UdpRecorder[] made = new UdpRecorder[1];
            Task<DatagramEndpoint<UdpRecorder>> t = Aio.createTask(Aio.async(() ->
                    Datagrams.createDatagramEndpoint(() -> {
                        made[0] = new UdpRecorder();
                        Lowlevel.currentTask().orElseThrow().cancel(); // delivered at the wait for connectionMade
                        return made[0];
                    }, ANY_V4, null)));
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
            idle(0.05);
            assertThat(made[0]).isNotNull();
            assertThat(made[0].events).isEmpty();
        });
        OpenDescriptors.assertNoLeak(fds);
    }

    @Test
    void aBoundAddressInUseIsABindExceptionNamingItUnlessBothReusePort() {
        int fds = OpenDescriptors.now();
        run(() -> {
            DatagramEndpoint<UdpRecorder> a = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            InetSocketAddress at = a.protocol().sockname();
            assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(UdpRecorder::new, at, null))
                    .isInstanceOf(BindException.class).hasMessageContaining("127.0.0.1:" + at.getPort());
            a.transport().close();
            DatagramOptions reuse = DatagramOptions.DEFAULT.withReusePort(true);
            DatagramEndpoint<UdpRecorder> b = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null, reuse);
            DatagramEndpoint<UdpRecorder> c = Datagrams.createDatagramEndpoint(UdpRecorder::new,
                    b.protocol().sockname(), null, reuse);
            assertThat(c.protocol().sockname()).isEqualTo(b.protocol().sockname());
            b.transport().close();
            c.transport().close();
            idle(0.02);
        });
        OpenDescriptors.assertNoLeak(fds);
    }

    @Test
    void thePortCanBeBoundAgainOnceConnectionLostRan() {
        run(() -> {
            Future<Void> gone = Aio.runningLoop().createFuture();
            DatagramEndpoint<UdpRecorder> a = Datagrams.createDatagramEndpoint(() -> new UdpRecorder() {
                @Override
                public void connectionLost(Exception exc) {
                    super.connectionLost(exc);
                    gone.setResult(null);
                }
            }, ANY_V4, null);
            InetSocketAddress at = a.protocol().sockname();
            a.transport().sendto(new byte[1], at);
            a.transport().close();
            Aio.waitFor(gone, NetTesting.PATIENCE);
            DatagramEndpoint<UdpRecorder> b = Datagrams.createDatagramEndpoint(UdpRecorder::new, at, null);
            assertThat(b.protocol().sockname()).isEqualTo(at);
            b.transport().close();
        });
    }

    @Test
    void withAllowBroadcastTheRemoteAddressIsTheDefaultTargetWithoutConnecting() {
        run(() -> {
            DatagramEndpoint<UdpRecorder> server = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null);
            InetSocketAddress at = server.protocol().sockname();
            DatagramEndpoint<UdpRecorder> b = Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, at,
                    DatagramOptions.DEFAULT.withAllowBroadcast(true));
            assertThat(b.transport().getExtraInfo("peername")).isNull();
            assertThat(((DatagramChannel) b.transport().getExtraInfo("socket")).isConnected()).isFalse();
            b.transport().sendto("hi".getBytes(UTF_8));
            until("the datagram", () -> server.protocol().received.size() == 1);
            b.transport().close();
            server.transport().close();
        });
    }

    @Test
    void aFamilyAloneMakesAnUnboundEndpointThatItsFirstSendBinds() {
        run(() -> {
            assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(UdpRecorder::new, null, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("family");
            DatagramEndpoint<Echo> server = Datagrams.createDatagramEndpoint(Echo::new, ANY_V4, null);
            DatagramEndpoint<UdpRecorder> u = Datagrams.createDatagramEndpoint(UdpRecorder::new, null, null,
                    DatagramOptions.DEFAULT.withFamily(StandardProtocolFamily.INET));
            u.transport().sendto("x".getBytes(UTF_8), server.protocol().sockname());
            until("the echo", () -> u.protocol().received.size() == 1);
            assertThat(u.protocol().sockname().getPort()).isPositive();
            assertThatThrownBy(() -> DatagramOptions.DEFAULT.withFamily(StandardProtocolFamily.UNIX))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Unix");
            assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4,
                    new InetSocketAddress("::1", 9))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no address family in common");
            u.transport().close();
            server.transport().close();
        });
    }

    @Test
    void outsideACoroutineItSaysWhereToCallIt() {
        assertThatThrownBy(() -> Datagrams.createDatagramEndpoint(UdpRecorder::new, ANY_V4, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a coroutine");
    }
}
