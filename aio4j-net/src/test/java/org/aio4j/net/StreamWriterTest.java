package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.s;
import static org.aio4j.net.StreamsTest.port;
import static org.aio4j.net.StreamsTest.shutdown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.CancelledError;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StreamWriter} on real loopback TCP: drain and the watermarks, concurrent drains, loss and
 * reset, half-close, closing.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamWriterTest {

    /** Both ends of one connection: the client's pair and the server's. */
    record Ends(Server server, StreamPair client, StreamPair served) {
    }

    /** A server whose handler hands its streams to the test and returns (the connection stays open). */
    static Ends connect() throws IOException {
        Future<StreamPair> served = Aio.runningLoop().createFuture();
        Server server = Streams.startServer((r, w) -> served.setResult(new StreamPair(r, w)), "127.0.0.1", 0);
        StreamPair client = Streams.openConnection("127.0.0.1", port(server));
        SocketChannel ch = (SocketChannel) client.writer().getExtraInfo("socket");
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024); // small kernel buffers: pauses come sooner
        return new Ends(server, client, Aio.timeout(PATIENCE, () -> Aio.await(served)));
    }

    static void end(Ends e) {
        e.client().writer().transport().abort();
        e.server().close();
        e.server().abortClients();
        Aio.timeout(PATIENCE, e.server()::waitClosed);
    }

    /** Writes to {@code w} until its transport pauses the protocol (the peer is not reading). */
    static void fillUntilPaused(StreamWriter w) {
        w.transport().setWriteBufferLimits(32 * 1024, 8 * 1024);
        byte[] chunk = new byte[64 * 1024];
        StreamReaderProtocol p = (StreamReaderProtocol) w.transport().getProtocol();
        for (int i = 0; i < 10_000 && !p.isWritePaused(); i++) {
            w.write(chunk);
        }
        assertThat(p.isWritePaused()).as("the transport paused writing").isTrue();
    }

    static Task<Void> task(AsyncRunnable body) {
        return Aio.createTask(Aio.async(body));
    }

    // ================================================================ drain and the watermarks

    @Test
    void drainReturnsAtOnceBelowTheHighWatermark() {
        run(() -> {
            Ends e = connect();
            e.served().writer().write(b("small\n"));
            e.served().writer().drain();
            assertThat(s(Aio.timeout(PATIENCE, e.client().reader()::readline))).isEqualTo("small\n");
            end(e);
        });
    }

    @Test
    void aClientThatNeverReadsStopsTheWriterAtTheHighWatermarkAndDrainWaits() {
        run(() -> {
            Ends e = connect();
            StreamWriter w = e.served().writer();
            w.transport().setWriteBufferLimits(64 * 1024, 16 * 1024);
            byte[] chunk = new byte[16 * 1024];
            long[] maxQueued = {0};
            long[] written = {0};
            AtomicBoolean inDrain = new AtomicBoolean();
            assertThatThrownBy(() -> Aio.timeout(0.5, () -> {
                while (true) {
                    w.write(chunk);
                    written[0] += chunk.length;
                    maxQueued[0] = Math.max(maxQueued[0], w.transport().getWriteBufferSize());
                    inDrain.set(true);
                    w.drain();
                    inDrain.set(false);
                }
            })).isInstanceOf(TimeoutError.class);
            assertThat(inDrain).as("stopped in drain()").isTrue();
            assertThat(maxQueued[0]).as("bytes queued in the transport").isLessThanOrEqualTo(64 * 1024 + chunk.length);
            long plateau = written[0];
            // memory stays flat: another round writes nothing more than one chunk
            assertThatThrownBy(() -> Aio.timeout(0.2, () -> {
                while (true) {
                    w.write(chunk);
                    written[0] += chunk.length;
                    w.drain();
                }
            })).isInstanceOf(TimeoutError.class);
            assertThat(written[0] - plateau).isEqualTo(chunk.length);
            assertThat(w.transport().getWriteBufferSize()).isLessThanOrEqualTo(64 * 1024 + 2L * chunk.length);
            end(e);
        });
    }

    @Test
    void concurrentDrainsAllWakeWhenTheBufferDrains() {
        run(() -> {
            Ends e = connect();
            StreamWriter w = e.served().writer();
            fillUntilPaused(w);
            long queued = w.transport().getWriteBufferSize();
            List<Task<Void>> drains = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                drains.add(task(w::drain));
            }
            Aio.sleep(0.05);
            assertThat(w.drainWaiters()).isEqualTo(3);
            assertThat(drains).noneMatch(Future::done);
            Task<Void> reading = task(() -> {
                while (e.client().reader().read(1 << 20).length > 0) {
                    // discard
                }
            });
            Aio.timeout(PATIENCE, () -> Aio.await(Aio.gather(drains)));
            assertThat(queued).isPositive();
            assertThat(w.drainWaiters()).isZero();
            reading.cancel();
            end(e);
        });
    }

    @Test
    void concurrentDrainsAllFailWithConnectionResetWhenTheConnectionIsLost() {
        run(() -> {
            Ends e = connect();
            StreamWriter w = e.served().writer();
            fillUntilPaused(w);
            List<Task<Void>> drains = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                drains.add(task(w::drain));
            }
            Aio.sleep(0.05);
            w.transport().abort();
            for (Task<Void> d : drains) {
                assertThatThrownBy(() -> Aio.timeout(PATIENCE, () -> Aio.await(d)))
                        .isInstanceOf(ConnectionResetError.class).hasMessage("Connection lost");
            }
            end(e);
        });
    }

    @Test
    void aCancelledDrainLeavesTheOtherDrainsWaiting() {
        run(() -> {
            Ends e = connect();
            StreamWriter w = e.served().writer();
            fillUntilPaused(w);
            Task<Void> cancelled = task(w::drain);
            Task<Void> other = task(w::drain);
            Aio.sleep(0.05);
            cancelled.cancel();
            assertThatThrownBy(() -> Aio.await(cancelled)).isInstanceOf(CancelledError.class);
            assertThat(w.drainWaiters()).isEqualTo(1);
            assertThat(other.done()).isFalse();
            task(() -> e.client().reader().read(-1));
            Aio.timeout(PATIENCE, () -> Aio.await(other));
            end(e);
        });
    }

    // ================================================================ loss

    @Test
    void drainAfterAPeerResetThrowsConnectionResetErrorWithTheCause() {
        run(() -> {
            Ends e = connect();
            StreamWriter w = e.served().writer();
            w.transport().pauseReading(); // the reset must surface through the write path
            SocketChannel ch = (SocketChannel) e.client().writer().getExtraInfo("socket");
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            e.client().writer().transport().abort(); // RST
            Aio.sleep(0.05);
            ConnectionResetError reset = Aio.timeout(PATIENCE, () -> {
                for (int i = 0; ; i++) {
                    w.write(new byte[1024]);
                    try {
                        w.drain();
                    } catch (ConnectionResetError x) {
                        return x;
                    }
                    Aio.sleep(0.001);
                }
            });
            assertThat(reset).hasMessage("Connection lost");
            assertThat(reset.getCause()).isInstanceOf(IOException.class);
            assertThat(w.isClosing()).isTrue();
            // from now on drain rethrows the reader's stored exception, as asyncio
            assertThatThrownBy(w::drain).isSameAs(e.served().reader().exception());
            assertThatThrownBy(w::waitClosed).isSameAs(reset.getCause());
            end(e);
        });
    }

    @Test
    void drainOnAClosingWriterYieldsOnceThenThrows() {
        run(() -> {
            Ends e = connect();
            StreamWriter w = e.client().writer();
            w.close();
            AtomicBoolean ranMeanwhile = new AtomicBoolean();
            task(() -> ranMeanwhile.set(true));
            assertThatThrownBy(w::drain).isInstanceOf(ConnectionResetError.class).hasMessage("Connection lost");
            assertThat(ranMeanwhile).as("drain yielded to the loop").isTrue();
            end(e);
        });
    }

    @Test
    void drainRethrowsTheReadersStoredException() {
        run(() -> {
            Ends e = connect();
            IOException stored = new IOException("stored");
            e.client().reader().setException(stored);
            assertThatThrownBy(e.client().writer()::drain).isSameAs(stored);
            end(e);
        });
    }

    // ================================================================ writing, half-close, closing

    @Test
    void writelinesSendsEveryChunkInOrder() {
        run(() -> {
            Ends e = connect();
            e.client().writer().writelines(List.of(b("a"), b("bc"), b("d\n")));
            assertThat(s(Aio.timeout(PATIENCE, e.served().reader()::readline))).isEqualTo("abcd\n");
            end(e);
        });
    }

    @Test
    void writeEofHalfClosesAndThePeerCanStillAnswer() {
        run(() -> {
            Ends e = connect();
            StreamWriter w = e.client().writer();
            assertThat(w.canWriteEof()).isTrue();
            w.write(b("request"));
            w.writeEof();
            assertThat(s(Aio.timeout(PATIENCE, () -> e.served().reader().read(-1)))).isEqualTo("request");
            e.served().writer().write(b("response"));
            e.served().writer().close();
            assertThat(s(Aio.timeout(PATIENCE, () -> e.client().reader().read(-1)))).isEqualTo("response");
            assertThatThrownBy(() -> w.write(b("more"))).isInstanceOf(IllegalStateException.class);
            end(e);
        });
    }

    @Test
    void extraInfoNamesBothEnds() {
        run(() -> {
            Ends e = connect();
            InetSocketAddress peer = (InetSocketAddress) e.client().writer().getExtraInfo("peername");
            assertThat(peer.getPort()).isEqualTo(port(e.server()));
            assertThat(e.served().writer().getExtraInfo("peername")).isEqualTo(e.client().writer().getExtraInfo("sockname"));
            assertThat(e.client().writer().getExtraInfo("nothing", "fallback")).isEqualTo("fallback");
            assertThat(e.client().writer().transport()).isNotNull();
            end(e);
        });
    }

    @Test
    void closeThenWaitClosedReturnsOnceTheConnectionIsClosedAndThePeerSeesEof() {
        run(() -> {
            Ends e = connect();
            StreamWriter w = e.client().writer();
            w.write(b("bye"));
            w.close();
            assertThat(w.isClosing()).isTrue();
            Aio.timeout(PATIENCE, w::waitClosed);
            w.waitClosed(); // again: at once
            assertThat(s(Aio.timeout(PATIENCE, () -> e.served().reader().read(-1)))).isEqualTo("bye");
            end(e);
        });
    }

    @Test
    void droppingAWriterDoesNotCloseTheConnection() {
        run(() -> {
            Future<StreamPair> served = Aio.runningLoop().createFuture();
            Server server = Streams.startServer((r, w) -> served.setResult(new StreamPair(r, w)), "127.0.0.1", 0);
            StreamReader reader = Streams.openConnection("127.0.0.1", port(server)).reader(); // writer dropped
            StreamPair serverSide = Aio.timeout(PATIENCE, () -> Aio.await(served));
            for (int i = 0; i < 3; i++) {
                System.gc();
                Aio.sleep(0.02);
            }
            serverSide.writer().write(b("still open\n"));
            assertThat(s(Aio.timeout(PATIENCE, reader::readline))).isEqualTo("still open\n");
            assertThatThrownBy(() -> Aio.timeout(0.1, serverSide.reader()::readline)).isInstanceOf(TimeoutError.class);
            assertThat(serverSide.writer().isClosing()).isFalse();
            server.close();
            server.abortClients();
            Aio.timeout(PATIENCE, server::waitClosed);
            shutdown(server);
        });
    }
}
