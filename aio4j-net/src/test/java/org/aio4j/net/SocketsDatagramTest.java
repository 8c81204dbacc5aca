package org.aio4j.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.aio4j.net.NetTesting.idle;
import static org.aio4j.net.NetTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.DatagramChannel;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/** {@link Sockets#sockRecvfrom}, {@link Sockets#sockRecvfromInto} and {@link Sockets#sockSendto} on real loopback UDP channels. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketsDatagramTest {

    private static DatagramChannel bound() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        c.configureBlocking(false);
        return c;
    }

    private static InetSocketAddress at(DatagramChannel c) throws IOException {
        return (InetSocketAddress) c.getLocalAddress();
    }

    private static <T> T within(org.aio4j.Future<T> f) {
        return Aio.timeout(NetTesting.PATIENCE, () -> Aio.await(f));
    }

    @Test
    void sockRecvfromWaitsForADatagramAndSaysWhoSentIt() {
        run(() -> {
            try (DatagramChannel a = bound(); DatagramChannel b = bound()) {
                Task<Datagram> recv = Aio.createTask(Aio.async(() -> Sockets.sockRecvfrom(a, 100)));
                idle(0.02);
                assertThat(recv.done()).isFalse();
                assertThat(Sockets.sockSendto(b, "hello".getBytes(UTF_8), at(a))).isEqualTo(5);
                Datagram d = within(recv);
                assertThat(new String(d.data(), UTF_8)).isEqualTo("hello");
                assertThat(d.address()).isEqualTo(at(b));
                Sockets.sockSendto(b, new byte[0], at(a));
                assertThat(Sockets.sockRecvfrom(a, 100).data()).isEmpty();       // an empty datagram
                Sockets.sockSendto(b, "0123456789".getBytes(UTF_8), at(a));
                assertThat(Sockets.sockRecvfrom(a, 4).data()).asString().isEqualTo("0123"); // the rest is discarded
                Sockets.sockSendto(b, "next".getBytes(UTF_8), at(a));
                assertThat(Sockets.sockRecvfrom(a, 100).data()).asString().isEqualTo("next");
            }
        });
    }

    @Test
    void sockRecvfromIntoFillsHeapAndDirectBuffersUpToNbytes() {
        run(() -> {
            try (DatagramChannel a = bound(); DatagramChannel b = bound()) {
                for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.allocate(16), ByteBuffer.allocateDirect(16)}) {
                    buf.put((byte) '>');
                    Sockets.sockSendto(b, "abcdef".getBytes(UTF_8), at(a));
                    ReceivedInto r = Sockets.sockRecvfromInto(a, buf, 4);
                    assertThat(r.nbytes()).isEqualTo(4);
                    assertThat(r.address()).isEqualTo(at(b));
                    assertThat(buf.position()).isEqualTo(5);
                    assertThat(buf.limit()).isEqualTo(16);
                    byte[] got = new byte[5];
                    buf.flip().get(got);
                    assertThat(new String(got, UTF_8)).isEqualTo(">abcd");
                    buf.clear();
                    Sockets.sockSendto(b, "xyz".getBytes(UTF_8), at(a));
                    assertThat(Sockets.sockRecvfromInto(a, buf).nbytes()).isEqualTo(3);
                }
                assertThatThrownBy(() -> Sockets.sockRecvfromInto(a, ByteBuffer.allocate(2), 3))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..2");
            }
        });
    }

    @Test
    void aCancelledSockRecvfromConsumesNothingAndTheNextOneGetsTheDatagram() {
        run(() -> {
            try (DatagramChannel a = bound(); DatagramChannel b = bound()) {
                Task<Datagram> recv = Aio.createTask(Aio.async(() -> Sockets.sockRecvfrom(a, 100)));
                idle(0.02);
                recv.cancel();
                assertThatThrownBy(() -> Aio.await(recv)).isInstanceOf(CancelledError.class);
                assertThat(a.isOpen()).isTrue();
                Sockets.sockSendto(b, "kept".getBytes(UTF_8), at(a));
                Task<ReceivedInto> into = Aio.createTask(Aio.async(() -> Sockets.sockRecvfromInto(a, ByteBuffer.allocate(8))));
                idle(0.02);
                assertThat(within(into).nbytes()).isEqualTo(4);
                Task<Datagram> again = Aio.createTask(Aio.async(() -> Sockets.sockRecvfrom(a, 100)));
                idle(0.02);
                again.cancel();
                assertThatThrownBy(() -> Aio.await(again)).isInstanceOf(CancelledError.class);
                Sockets.sockSendto(b, "still".getBytes(UTF_8), at(a));
                assertThat(Sockets.sockRecvfrom(a, 100).data()).asString().isEqualTo("still");
            }
        });
    }

    @Test
    void misuseIsRefusedWithAMessageSayingWhatToDo() {
        run(() -> {
            try (DatagramChannel a = bound(); DatagramChannel blocking = DatagramChannel.open()) {
                assertThatThrownBy(() -> Sockets.sockRecvfrom(blocking, 10))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("configureBlocking(false)");
                assertThatThrownBy(() -> Sockets.sockRecvfrom(a, -1)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> Sockets.sockSendto(a, new byte[65_508], at(a)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65507");
                assertThatThrownBy(() -> Sockets.sockSendto(a, new byte[1], null))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an address");
                try (DatagramChannel b = bound()) {
                    a.connect(at(b));
                    assertThatThrownBy(() -> Sockets.sockSendto(a, new byte[0], null))
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connected");
                    assertThatThrownBy(() -> Sockets.sockSendto(a, new byte[1], new InetSocketAddress("127.0.0.1", 9)))
                            .isInstanceOf(AlreadyConnectedException.class);
                    assertThat(Sockets.sockSendto(a, "to peer".getBytes(UTF_8), null)).isEqualTo(7);
                    assertThat(Sockets.sockRecvfrom(b, 100).data()).asString().isEqualTo("to peer");
                }
            }
        });
        assertThatThrownBy(() -> Sockets.sockRecvfrom(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void portUnreachableOnAConnectedChannelIsThrownOnceAndTheChannelStaysUsable() {
        int fds = OpenDescriptors.now();
        run(() -> {
            InetSocketAddress dead = DatagramsTest.deadPort(InetAddress.getLoopbackAddress());
            try (DatagramChannel c = bound()) {
                c.connect(dead);
                Sockets.sockSendto(c, "x".getBytes(UTF_8), null);
                assertThatThrownBy(() -> Aio.timeout(NetTesting.PATIENCE, () -> Sockets.sockRecvfrom(c, 10)))
                        .isInstanceOf(PortUnreachableException.class);
                try (DatagramChannel late = DatagramChannel.open()) {
                    late.bind(dead);
                    late.send(ByteBuffer.wrap("back".getBytes(UTF_8)), at(c));
                    assertThat(Aio.timeout(NetTesting.PATIENCE, () -> Sockets.sockRecvfrom(c, 10)).data())
                            .asString().isEqualTo("back");
                }
            }
        });
        OpenDescriptors.assertNoLeak(fds);
    }

    @Test
    void overIpv6LoopbackToo() {
        org.junit.jupiter.api.Assumptions.assumeTrue(DatagramsTest.ipv6Loopback(), "skipped: no IPv6 loopback (::1) on this machine");
        run(() -> {
            try (DatagramChannel a = DatagramChannel.open(java.net.StandardProtocolFamily.INET6);
                 DatagramChannel b = DatagramChannel.open(java.net.StandardProtocolFamily.INET6)) {
                a.bind(new InetSocketAddress("::1", 0)).configureBlocking(false);
                b.bind(new InetSocketAddress("::1", 0)).configureBlocking(false);
                byte[] max = NetTesting.pattern(65_527);                      // IPv6's largest payload
                Sockets.sockSendto(b, max, at(a));
                assertThat(Sockets.sockRecvfrom(a, 70_000).data()).isEqualTo(max);
                assertThatThrownBy(() -> Sockets.sockSendto(b, new byte[65_528], at(a)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv6");
            }
        });
    }
}
