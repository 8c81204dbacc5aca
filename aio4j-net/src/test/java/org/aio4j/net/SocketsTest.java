package org.aio4j.net;

import static org.aio4j.net.NetTesting.idle;
import static org.aio4j.net.NetTesting.loopback;
import static org.aio4j.net.NetTesting.pattern;
import static org.aio4j.net.NetTesting.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.lowlevel.Lowlevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Sockets}: the low-level socket coroutines on real non-blocking loopback channels. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketsTest {

    /** Two connected non-blocking loopback sockets. */
    private static SocketChannel[] pair() throws IOException {
        try (ServerSocketChannel l = ServerSocketChannel.open()) {
            l.bind(loopback(0));
            SocketChannel a = SocketChannel.open(l.getLocalAddress());
            SocketChannel b = l.accept();
            a.configureBlocking(false);
            b.configureBlocking(false);
            return new SocketChannel[] {a, b};
        }
    }

    private static <T> T within(org.aio4j.Future<T> f) {
        return Aio.timeout(NetTesting.PATIENCE, () -> Aio.await(f));
    }

    @Test
    void sockRecvWaitsForDataAndReturnsWhatArrived() {
        run(() -> {
            SocketChannel[] p = pair();
            Task<byte[]> recv = Aio.createTask(Aio.async(() -> Sockets.sockRecv(p[0], 100)));
            idle(0.02);
            assertThat(recv.done()).isFalse();
            Sockets.sockSendall(p[1], "hello".getBytes());
            assertThat(within(recv)).asString().isEqualTo("hello");
            Sockets.sockSendall(p[1], "0123456789".getBytes());
            idle(0.02);
            assertThat(Sockets.sockRecv(p[0], 4)).asString().isEqualTo("0123"); // at most maxBytes
            assertThat(Sockets.sockRecv(p[0], 100)).asString().isEqualTo("456789");
            assertThat(Sockets.sockRecv(p[0], 0)).isEmpty();
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void sockRecvReturnsAnEmptyArrayAtEndOfStream() {
        run(() -> {
            SocketChannel[] p = pair();
            p[1].shutdownOutput();
            assertThat(Sockets.sockRecv(p[0], 10)).isEmpty();
            assertThat(Sockets.sockRecv(p[0], 10)).isEmpty();
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void sockRecvIntoFillsHeapAndDirectBuffersAndReturnsMinusOneAtEndOfStream() {
        run(() -> {
            SocketChannel[] p = pair();
            Sockets.sockSendall(p[1], "abcdef".getBytes());
            ByteBuffer heap = ByteBuffer.allocate(3);
            assertThat(Sockets.sockRecvInto(p[0], heap)).isEqualTo(3);
            assertThat(new String(heap.array())).isEqualTo("abc");
            assertThat(Sockets.sockRecvInto(p[0], heap)).isZero(); // no room: at once
            ByteBuffer direct = ByteBuffer.allocateDirect(10);
            assertThat(Sockets.sockRecvInto(p[0], direct)).isEqualTo(3);
            assertThat(direct.position()).isEqualTo(3);
            p[1].shutdownOutput();
            assertThat(Sockets.sockRecvInto(p[0], direct)).isEqualTo(-1);
            assertThatThrownBy(() -> Sockets.sockRecvInto(p[0], ByteBuffer.allocate(4).asReadOnlyBuffer()))
                    .isInstanceOf(java.nio.ReadOnlyBufferException.class);
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void aCancelledSockRecvConsumesNothing() {
        run(() -> {
            SocketChannel[] p = pair();
            Task<byte[]> first = Aio.createTask(Aio.async(() -> Sockets.sockRecv(p[0], 100)));
            idle(0.02);
            first.cancel();
            assertThatThrownBy(() -> Aio.await(first)).isInstanceOf(CancelledError.class);
            // data and cancellation in the same step: the readiness is seen, the cancellation wins, nothing is read
            Task<byte[]> second = Aio.createTask(Aio.async(() -> Sockets.sockRecv(p[0], 100)));
            idle(0.02);
            p[1].write(ByteBuffer.wrap("kept".getBytes()));
            idle(0.02);
            second.cancel();
            try {
                byte[] got = Aio.await(second);
                assertThat(got).asString().isEqualTo("kept"); // it finished before the cancel: fine too
                return;
            } catch (CancelledError expected) {
                // nothing consumed
            }
            assertThat(Sockets.sockRecv(p[0], 100)).asString().isEqualTo("kept");
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void sockRecvCancelledWhileDataIsReadyLeavesTheData() {
        run(() -> {
            SocketChannel[] p = pair();
            Task<byte[]> recv = Aio.createTask(Aio.async(() -> Sockets.sockRecv(p[0], 100)));
            idle(0.02);
            Aio.runningLoop().callSoon(() -> recv.cancel()); // in the iteration the readiness arrives in
            p[1].write(ByteBuffer.wrap("still here".getBytes()));
            Object outcome;
            try {
                outcome = Aio.await(recv);
            } catch (CancelledError e) {
                outcome = e;
            }
            if (outcome instanceof CancelledError) {
                assertThat(Sockets.sockRecv(p[0], 100)).asString().isEqualTo("still here");
            } else {
                assertThat((byte[]) outcome).asString().isEqualTo("still here");
            }
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void sockSendallSendsEverythingToASlowReader() {
        run(() -> {
            SocketChannel[] p = pair();
            byte[] data = pattern(4 * 1024 * 1024);
            Task<Void> send = Aio.createTask(Aio.async(() -> {
                Sockets.sockSendall(p[0], data);
                p[0].shutdownOutput();
            }));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (true) {
                byte[] chunk = Sockets.sockRecv(p[1], 50_000);
                if (chunk.length == 0) {
                    break;
                }
                got.writeBytes(chunk);
            }
            within(send);
            assertThat(got.toByteArray()).isEqualTo(data);
            ByteBuffer direct = ByteBuffer.allocateDirect(5).put("tail!".getBytes()).flip();
            Sockets.sockSendall(p[1], direct);
            assertThat(direct.hasRemaining()).isFalse();
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void sockSendallAfterThePeerResetThrowsIOException() {
        run(() -> {
            SocketChannel[] p = pair();
            p[1].setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            p[1].close();
            idle(0.02);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    Sockets.sockSendall(p[0], new byte[64 * 1024]);
                }
            }).isInstanceOf(IOException.class);
            p[0].close();
        });
    }

    @Test
    void sockConnectAndSockAcceptMakeAConnection() {
        run(() -> {
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0));
                l.configureBlocking(false);
                Task<SocketChannel> accept = Aio.createTask(Aio.async(() -> Sockets.sockAccept(l)));
                idle(0.02);
                assertThat(accept.done()).isFalse();
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                Sockets.sockConnect(c, l.getLocalAddress());
                assertThat(c.isConnected()).isTrue();
                SocketChannel s = within(accept);
                assertThat(s.isBlocking()).isFalse();
                assertThat(s.getRemoteAddress()).isEqualTo(c.getLocalAddress());
                Sockets.sockSendall(c, "hi".getBytes());
                assertThat(Sockets.sockRecv(s, 10)).asString().isEqualTo("hi");
                SocketChannel byName = SocketChannel.open();
                byName.configureBlocking(false);
                Sockets.sockConnect(byName, InetSocketAddress.createUnresolved("localhost",
                        ((InetSocketAddress) l.getLocalAddress()).getPort()));
                assertThat(byName.isConnected()).isTrue();
                Sockets.sockAccept(l).close();
                byName.close();
                c.close();
                s.close();
            }
        });
    }

    @Test
    void sockConnectToAClosedPortThrowsConnectExceptionNamingTheAddress() {
        run(() -> {
            int port;
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0));
                port = ((InetSocketAddress) l.getLocalAddress()).getPort();
            }
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            assertThatThrownBy(() -> Sockets.sockConnect(c, loopback(port))).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
            c.close();
        });
    }

    @Test
    void aCancelledSockAcceptAcceptsNothing() {
        run(() -> {
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0));
                l.configureBlocking(false);
                Task<SocketChannel> accept = Aio.createTask(Aio.async(() -> Sockets.sockAccept(l)));
                idle(0.02);
                accept.cancel();
                assertThatThrownBy(() -> Aio.await(accept)).isInstanceOf(CancelledError.class);
                SocketChannel c = SocketChannel.open(l.getLocalAddress());
                SocketChannel s = Sockets.sockAccept(l);
                assertThat(s.getRemoteAddress()).isEqualTo(c.getLocalAddress());
                s.close();
                c.close();
            }
        });
    }

    @Test
    void aBlockingChannelIsRejectedWithTheFix() {
        run(() -> {
            SocketChannel[] p = pair();
            p[0].configureBlocking(true);
            assertThatThrownBy(() -> Sockets.sockRecv(p[0], 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("configureBlocking(false)");
            assertThatThrownBy(() -> Sockets.sockSendall(p[0], new byte[1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Sockets.sockRecvInto(p[0], ByteBuffer.allocate(1)))
                    .isInstanceOf(IllegalArgumentException.class);
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                assertThatThrownBy(() -> Sockets.sockAccept(l)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("configureBlocking(false)");
            }
            assertThatThrownBy(() -> Sockets.sockRecv(p[1], -1)).isInstanceOf(IllegalArgumentException.class);
            p[0].close();
            p[1].close();
        });
    }

    @Test
    void outsideACoroutineTheyFail() throws IOException {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        assertThatThrownBy(() -> Sockets.sockRecv(c, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a coroutine");
        c.close();
    }

    @Test
    void aSecondConcurrentReceiverFailsFastAndNotifyClosingWakesTheFirst() {
        run(() -> {
            SocketChannel[] p = pair();
            Task<byte[]> first = Aio.createTask(Aio.async(() -> Sockets.sockRecv(p[0], 10)));
            idle(0.02);
            assertThatThrownBy(() -> Sockets.sockRecv(p[0], 10)).isInstanceOf(IllegalStateException.class);
            Lowlevel.notifyClosing(p[0]);
            p[0].close();
            assertThatThrownBy(() -> within(first)).isInstanceOf(ClosedChannelException.class);
            p[1].close();
        });
    }
}
