package org.aio4j.lowlevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Handle;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channel readiness on the loop: {@link EventLoop#addReader} / {@link EventLoop#addWriter} (asyncio's
 * level-triggered callbacks) and {@link Lowlevel#waitReadable} / {@link Lowlevel#waitWritable} /
 * {@link Lowlevel#notifyClosing}. Real I/O on the system clock: pipes and loopback sockets, the loop
 * run by {@link Aio#run}. Every wait in a test body is bounded by {@link Aio#timeout}, so a readiness
 * that never comes fails the test with a TimeoutError instead of hanging it.
 */
@Tag("slow")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadinessTest {

    /** Generous: loopback I/O takes microseconds, but the machine may be busy. */
    private static final double PATIENCE = 5.0;

    private final List<java.nio.channels.Channel> opened = new ArrayList<>();

    @AfterEach
    void closeChannels() throws IOException {
        for (java.nio.channels.Channel c : opened) {
            c.close();
        }
    }

    // ================================================================ helpers

    private static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    private static EventLoop loop() {
        return Aio.runningLoop();
    }

    private <C extends java.nio.channels.Channel> C track(C c) {
        opened.add(c);
        return c;
    }

    /** A pipe with both ends non-blocking, closed after the test. */
    private Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        track(p.source()).configureBlocking(false);
        track(p.sink()).configureBlocking(false);
        return p;
    }

    /** A bound loopback server channel, closed after the test. */
    private ServerSocketChannel server() throws IOException {
        ServerSocketChannel server = track(ServerSocketChannel.open());
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }

    /** Two connected non-blocking loopback sockets, closed after the test. */
    private SocketChannel[] socketPair() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel a = track(SocketChannel.open(server.getLocalAddress()));
            SocketChannel b = track(server.accept());
            a.configureBlocking(false);
            b.configureBlocking(false);
            return new SocketChannel[] {a, b};
        }
    }

    private static void write(WritableByteChannel ch, String s) {
        try {
            ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                if (ch.write(b) == 0) {
                    fail("the channel is full");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what is there now (non-blocking). */
    private static String readAvailable(ReadableByteChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            StringBuilder sb = new StringBuilder();
            while (ch.read(b) > 0) {
                b.flip();
                sb.append(StandardCharsets.UTF_8.decode(b));
                b.clear();
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one byte, or returns -1 if none is there now. */
    private static int readByte(ReadableByteChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(1);
            return ch.read(b) == 1 ? b.get(0) : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes until the channel takes no more; returns the number of bytes written. */
    private static long fill(WritableByteChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        while (true) {
            b.clear();
            int n = ch.write(b);
            if (n == 0) {
                return total;
            }
            total += n;
        }
    }

    /** Discards what can be read now; returns how many bytes that was. */
    private static long drain(ReadableByteChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        int n;
        while ((n = ch.read(b)) > 0) {
            total += n;
            b.clear();
        }
        return total;
    }

    /** Awaits {@code f}, failing with a TimeoutError if it takes longer than {@link #PATIENCE}. */
    private static <T> T within(Future<T> f) {
        return Aio.timeout(PATIENCE, () -> Aio.await(f));
    }

    /** Lets the loop run a few iterations with real I/O polling (a short real sleep). */
    private static void letTheLoopRun() {
        Aio.sleep(0.05);
    }

    /** What {@code call} throws on a new platform thread while the loop runs, or null. */
    private static Throwable thrownOnAnotherThread(Runnable call) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofPlatform().name("not-the-loop").start(() -> {
            try {
                call.run();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return Aio.await(outcome);
    }

    // ================================================================ addReader / removeReader

    @Test
    void aReaderIsCalledWhenDataArrives() throws IOException {
        Pipe p = pipe();
        run(() -> {
            Future<String> got = loop().createFuture();
            loop().addReader(p.source(), () -> {
                loop().removeReader(p.source());
                got.setResult(readAvailable(p.source()));
            });
            letTheLoopRun();
            assertThat(got.done()).isFalse(); // nothing to read yet
            loop().callLater(0.02, () -> write(p.sink(), "hello"));
            assertThat(within(got)).isEqualTo("hello");
        });
    }

    @Test
    void aReaderIsCalledAgainAndAgainWhileTheChannelStaysReadable() throws IOException {
        // Level-triggered, as asyncio's add_reader: a callback that reads one byte per call is called
        // once per byte; one that does not read at all is called at every loop iteration.
        Pipe p = pipe();
        run(() -> {
            write(p.sink(), "abc");
            List<Integer> bytes = new ArrayList<>();
            Future<Void> allRead = loop().createFuture();
            loop().addReader(p.source(), () -> {
                int b = readByte(p.source());
                bytes.add(b);
                if (bytes.size() == 3) {
                    allRead.setResult(null);
                }
            });
            within(allRead);
            letTheLoopRun();
            assertThat(bytes).containsExactly((int) 'a', (int) 'b', (int) 'c'); // not called once drained
            assertThat(loop().removeReader(p.source())).isTrue();

            write(p.sink(), "x");
            AtomicInteger calls = new AtomicInteger();
            Future<Void> fiveCalls = loop().createFuture();
            loop().addReader(p.source(), () -> {
                if (calls.incrementAndGet() == 5) {
                    loop().removeReader(p.source());
                    fiveCalls.setResult(null);
                }
            });
            within(fiveCalls);
            assertThat(calls).hasValue(5);
            assertThat(readAvailable(p.source())).isEqualTo("x");
        });
    }

    @Test
    void removeReaderStopsTheCallbacksAndSaysWhetherAReaderWasRegistered() throws IOException {
        Pipe p = pipe();
        run(() -> {
            assertThat(loop().removeReader(p.source())).isFalse();
            AtomicInteger calls = new AtomicInteger();
            Handle h = loop().addReader(p.source(), calls::incrementAndGet);
            assertThat(loop().removeReader(p.source())).isTrue();
            assertThat(h.cancelled()).isTrue();
            assertThat(loop().removeReader(p.source())).isFalse();
            write(p.sink(), "ignored");
            letTheLoopRun();
            assertThat(calls).hasValue(0);
        });
    }

    @Test
    void addReaderReplacesThePreviousReaderAndCancelsItsHandle() throws IOException {
        Pipe p = pipe();
        run(() -> {
            List<String> trace = new ArrayList<>();
            Future<Void> second = loop().createFuture();
            Handle h1 = loop().addReader(p.source(), () -> trace.add("first"));
            Handle h2 = loop().addReader(p.source(), () -> {
                trace.add("second");
                loop().removeReader(p.source());
                second.setResult(null);
            });
            assertThat(h1.cancelled()).isTrue();
            assertThat(h2.cancelled()).isFalse();
            write(p.sink(), "x");
            within(second);
            assertThat(trace).containsExactly("second");
        });
    }

    @Test
    void aCancelledReaderHandleUnregistersWhenItWouldRun() throws IOException {
        Pipe p = pipe();
        run(() -> {
            AtomicInteger calls = new AtomicInteger();
            Handle h = loop().addReader(p.source(), calls::incrementAndGet);
            h.cancel();
            write(p.sink(), "x");
            letTheLoopRun();
            assertThat(calls).hasValue(0);
            assertThat(loop().removeReader(p.source())).isFalse(); // gone already
        });
    }

    @Test
    void aWriterIsCalledWhileTheChannelIsWritableUntilRemoved() throws IOException {
        Pipe p = pipe();
        run(() -> {
            AtomicInteger calls = new AtomicInteger();
            Future<Void> threeCalls = loop().createFuture();
            assertThat(loop().removeWriter(p.sink())).isFalse();
            loop().addWriter(p.sink(), () -> {
                if (calls.incrementAndGet() == 3) {
                    assertThat(loop().removeWriter(p.sink())).isTrue();
                    threeCalls.setResult(null);
                }
            });
            within(threeCalls);
            letTheLoopRun();
            assertThat(calls).hasValue(3);
            assertThat(loop().removeWriter(p.sink())).isFalse();
        });
    }

    @Test
    void aReaderAndAWriterOfOneChannelAreIndependent() throws IOException {
        SocketChannel[] pair = socketPair();
        run(() -> {
            List<String> trace = new ArrayList<>();
            Future<Void> read = loop().createFuture();
            loop().addWriter(pair[0], () -> {
                trace.add("writable");
                loop().removeWriter(pair[0]);
                write(pair[0], "ping");
            });
            loop().addReader(pair[0], () -> {
                trace.add("readable: " + readAvailable(pair[0]));
                loop().removeReader(pair[0]);
                read.setResult(null);
            });
            Task<Void> echo = Aio.createTask(Aio.async(() -> {
                Lowlevel.waitReadable(pair[1]);
                write(pair[1], readAvailable(pair[1]).toUpperCase());
            }));
            within(echo);
            within(read);
            assertThat(trace).containsExactly("writable", "readable: PING");
        });
    }

    // ================================================================ waitReadable / waitWritable

    @Test
    void waitReadableReturnsWhenDataArrivesAndLeavesNoRegistration() throws IOException {
        Pipe p = pipe();
        run(() -> {
            loop().callLater(0.02, () -> write(p.sink(), "data"));
            Aio.timeout(PATIENCE, () -> Lowlevel.waitReadable(p.source()));
            assertThat(readAvailable(p.source())).isEqualTo("data");
            assertThat(loop().removeReader(p.source())).isFalse();
        });
    }

    @Test
    void waitReadableOfAChannelWithDataWaitingReturnsAtTheNextPoll() throws IOException {
        Pipe p = pipe();
        write(p.sink(), "early");
        run(() -> {
            Aio.timeout(PATIENCE, () -> Lowlevel.waitReadable(p.source()));
            assertThat(readAvailable(p.source())).isEqualTo("early");
        });
    }

    @Test
    void waitWritableOnAFullPipeWaitsUntilTheReaderDrainsIt() throws IOException {
        Pipe p = pipe();
        run(() -> {
            assertThat(fill(p.sink())).isPositive();
            Task<Void> writer = Aio.createTask(Aio.async(() -> Lowlevel.waitWritable(p.sink())));
            letTheLoopRun();
            assertThat(writer.done()).isFalse();
            assertThat(drain(p.source())).isPositive();
            within(writer);
            assertThat(p.sink().write(ByteBuffer.wrap(new byte[] {1}))).isEqualTo(1);
        });
    }

    @Test
    void waitWritableOnAFullSocketWaitsUntilThePeerReads() throws IOException {
        SocketChannel[] pair = socketPair();
        run(() -> {
            long written = fill(pair[0]);
            assertThat(written).isPositive();
            Task<Void> writer = Aio.createTask(Aio.async(() -> Lowlevel.waitWritable(pair[0])));
            letTheLoopRun();
            assertThat(writer.done()).isFalse();
            long[] read = {0};
            Aio.timeout(PATIENCE, () -> {
                while (!writer.done()) {
                    read[0] += drain(pair[1]);
                    Aio.sleep(0.005);
                }
            });
            Aio.await(writer);
            assertThat(read[0]).isPositive();
            assertThat(pair[0].write(ByteBuffer.wrap(new byte[] {1}))).isEqualTo(1);
        });
    }

    @Test
    void waitWritableOnAConnectingSocketReturnsOnceTheConnectionIsMade() throws IOException {
        ServerSocketChannel server = server();
        SocketChannel client = track(SocketChannel.open());
        client.configureBlocking(false);
        run(() -> {
            boolean connectedAtOnce = client.connect(server.getLocalAddress());
            assertThat(connectedAtOnce).as("a non-blocking loopback connect is still in progress").isFalse();
            assertThat(client.isConnectionPending()).isTrue();
            Aio.timeout(PATIENCE, () -> Lowlevel.waitWritable(client));
            assertThat(client.finishConnect()).isTrue();
            assertThat(client.isConnected()).isTrue();
            // Once connected, the same channel waits for plain writability.
            Aio.timeout(PATIENCE, () -> Lowlevel.waitWritable(client));
        });
    }

    @Test
    void aWriterOfAConnectingSocketIsCalledOnConnectAndThenWhileWritable() throws IOException {
        ServerSocketChannel server = server();
        SocketChannel client = track(SocketChannel.open());
        client.configureBlocking(false);
        run(() -> {
            assertThat(client.connect(server.getLocalAddress())).isFalse();
            List<Boolean> pendingAtCall = new ArrayList<>();
            Future<Void> threeCalls = loop().createFuture();
            loop().addWriter(client, () -> {
                pendingAtCall.add(client.isConnectionPending());
                try {
                    if (client.isConnectionPending()) {
                        assertThat(client.finishConnect()).isTrue();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (pendingAtCall.size() == 3) {
                    loop().removeWriter(client);
                    threeCalls.setResult(null);
                }
            });
            within(threeCalls);
            assertThat(pendingAtCall).containsExactly(true, false, false);
        });
    }

    @Test
    void waitReadableOnAServerChannelReturnsWhenAConnectionIsWaiting() throws IOException {
        ServerSocketChannel server = server();
        server.configureBlocking(false);
        SocketChannel client = track(SocketChannel.open());
        client.configureBlocking(false);
        run(() -> {
            Task<SocketChannel> acceptor = Aio.createTask(Aio.async(() -> {
                Lowlevel.waitReadable(server);
                return track(server.accept());
            }));
            letTheLoopRun();
            assertThat(acceptor.done()).isFalse();
            client.connect(server.getLocalAddress());
            SocketChannel accepted = within(acceptor);
            assertThat(accepted).isNotNull();
            Aio.timeout(PATIENCE, () -> Lowlevel.waitWritable(client));
            assertThat(client.finishConnect()).isTrue();
            assertThat(accepted.getRemoteAddress()).isEqualTo(client.getLocalAddress());
        });
    }

    // ================================================================ cancellation and timeouts

    @Test
    void cancellingAWaitRemovesItsRegistration() throws IOException {
        Pipe p = pipe();
        run(() -> {
            Task<Void> waiter = Aio.createTask(Aio.async(() -> Lowlevel.waitReadable(p.source())));
            letTheLoopRun();
            assertThat(waiter.cancel("stop")).isTrue();
            assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class).hasMessage("stop");
            assertThat(loop().removeReader(p.source())).isFalse();

            // The channel is free again, for a task ...
            Task<Void> next = Aio.createTask(Aio.async(() -> Lowlevel.waitReadable(p.source())));
            letTheLoopRun();
            write(p.sink(), "x");
            within(next);
            // ... and for a callback.
            Future<String> got = loop().createFuture();
            loop().addReader(p.source(), () -> {
                loop().removeReader(p.source());
                got.setResult(readAvailable(p.source()));
            });
            assertThat(within(got)).isEqualTo("x");
        });
    }

    @Test
    void aTimeoutAroundWaitReadableRaisesTimeoutErrorAndLeavesNoRegistration() throws IOException {
        Pipe p = pipe();
        run(() -> {
            assertThatThrownBy(() -> Aio.timeout(0.05, () -> Lowlevel.waitReadable(p.source())))
                    .isInstanceOf(TimeoutError.class);
            assertThat(loop().removeReader(p.source())).isFalse();
            loop().callLater(0.02, () -> write(p.sink(), "x"));
            Aio.timeout(PATIENCE, () -> Lowlevel.waitReadable(p.source()));
            assertThat(readAvailable(p.source())).isEqualTo("x");
        });
    }

    // ================================================================ one waiter per direction

    @Test
    void aSecondWaiterForTheSameChannelAndDirectionFailsFast() throws IOException {
        Pipe p = pipe();
        run(() -> {
            Task<Void> first = Aio.createTask(Aio.async("first", () -> Lowlevel.waitReadable(p.source())));
            letTheLoopRun();
            assertThatThrownBy(() -> Lowlevel.waitReadable(p.source())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Lowlevel.waitReadable")
                    .hasMessageContaining("already waiting")
                    .hasMessageContaining("one waiter per channel and direction");
            assertThat(first.done()).isFalse(); // the first wait is untouched
            write(p.sink(), "x");
            within(first);
        });
    }

    @Test
    void waitingForAChannelThatHasAReaderCallbackFailsFast() throws IOException {
        Pipe p = pipe();
        run(() -> {
            AtomicInteger calls = new AtomicInteger();
            loop().addReader(p.source(), calls::incrementAndGet);
            assertThatThrownBy(() -> Lowlevel.waitReadable(p.source())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already waiting");
            assertThat(loop().removeReader(p.source())).isTrue();
        });
    }

    @Test
    void addReaderWhileATaskWaitsForTheChannelFailsFast() throws IOException {
        // Replacing the task's registration would leave it parked forever.
        Pipe p = pipe();
        run(() -> {
            Task<Void> waiter = Aio.createTask(Aio.async(() -> Lowlevel.waitReadable(p.source())));
            letTheLoopRun();
            assertThatThrownBy(() -> loop().addReader(p.source(), () -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a task is waiting for it");
            write(p.sink(), "x");
            within(waiter);
        });
    }

    @Test
    void aReaderAndAWriterWaitOnOneSocketAtTheSameTime() throws IOException {
        SocketChannel[] pair = socketPair();
        run(() -> {
            Task<Void> reader = Aio.createTask(Aio.async(() -> Lowlevel.waitReadable(pair[0])));
            letTheLoopRun();
            Aio.timeout(PATIENCE, () -> Lowlevel.waitWritable(pair[0])); // a fresh socket is writable
            assertThat(reader.done()).isFalse();
            write(pair[1], "x");
            within(reader);
        });
    }

    // ================================================================ refused channels

    @Test
    void aClosedChannelIsRefused() throws IOException {
        Pipe p = pipe();
        p.source().close();
        p.sink().close();
        run(() -> {
            assertThatThrownBy(() -> Lowlevel.waitReadable(p.source())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is closed");
            assertThatThrownBy(() -> Lowlevel.waitWritable(p.sink())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is closed");
            assertThatThrownBy(() -> loop().addReader(p.source(), () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is closed");
            assertThatThrownBy(() -> loop().addWriter(p.sink(), () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is closed");
        });
    }

    @Test
    void aChannelClosedWhileRegisteredIsRefusedAsClosed() throws IOException {
        Pipe p = pipe();
        run(() -> {
            loop().addReader(p.source(), () -> { });
            p.source().close(); // without removeReader: the selector still holds its (now invalid) key
            assertThatThrownBy(() -> Lowlevel.waitReadable(p.source())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is closed");
            assertThatThrownBy(() -> loop().addReader(p.source(), () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is closed");
        });
    }

    @Test
    void aBlockingChannelIsRefusedWithTheFix() throws IOException {
        Pipe p = Pipe.open();
        track(p.source());
        track(p.sink());
        run(() -> {
            assertThatThrownBy(() -> Lowlevel.waitReadable(p.source())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blocking mode").hasMessageContaining("configureBlocking(false)");
            assertThatThrownBy(() -> loop().addWriter(p.sink(), () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocking mode");
            // Refused without a trace: once non-blocking, the channel can be used.
            p.source().configureBlocking(false);
            write(p.sink(), "x");
            Aio.timeout(PATIENCE, () -> Lowlevel.waitReadable(p.source()));
        });
    }

    @Test
    void aDirectionTheChannelDoesNotSupportIsRefusedWithoutATrace() throws IOException {
        Pipe p = pipe();
        run(() -> {
            assertThatThrownBy(() -> loop().addReader(p.sink(), () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read");
            assertThatThrownBy(() -> Lowlevel.waitReadable(p.sink()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read");
            assertThatThrownBy(() -> loop().addWriter(p.source(), () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be written");
            assertThat(loop().removeReader(p.sink())).isFalse();
            assertThat(loop().removeWriter(p.source())).isFalse();
            Aio.timeout(PATIENCE, () -> Lowlevel.waitWritable(p.sink())); // its real direction still works
        });
    }

    @Test
    void aNullChannelOrCallbackIsRefused() throws IOException {
        Pipe p = pipe();
        run(() -> {
            assertThatThrownBy(() -> loop().addReader(null, () -> { })).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pass the channel to watch");
            assertThatThrownBy(() -> loop().addReader(p.source(), null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Lowlevel.waitReadable(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pass the channel to wait for");
            assertThat(loop().removeReader(null)).isFalse();
            assertThat(loop().removeReader(p.source())).isFalse();
        });
    }

    @Test
    void waitReadableOutsideACoroutineIsRefusedNamingTheCall() throws IOException {
        Pipe p = pipe();
        assertThatThrownBy(() -> Lowlevel.waitReadable(p.source())).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lowlevel.waitReadable(...) was called outside a coroutine");
        assertThatThrownBy(() -> Lowlevel.waitWritable(p.sink())).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lowlevel.waitWritable(...) was called outside a coroutine");
    }

    // ================================================================ notifyClosing

    @Test
    void notifyClosingWakesTheWaitersWithAClosedChannelError() throws IOException {
        SocketChannel[] pair = socketPair();
        run(() -> {
            fill(pair[0]);
            Task<Void> reader = Aio.createTask(Aio.async(() -> Lowlevel.waitReadable(pair[0])));
            Task<Void> writer = Aio.createTask(Aio.async(() -> Lowlevel.waitWritable(pair[0])));
            letTheLoopRun();
            assertThat(reader.done()).isFalse();
            assertThat(writer.done()).isFalse();
            Lowlevel.notifyClosing(pair[0]);
            pair[0].close();
            for (Task<Void> t : List.of(reader, writer)) {
                assertThatThrownBy(() -> within(t)).isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining("was closed while a task waited for it")
                        .hasCauseInstanceOf(ClosedChannelException.class);
            }
        });
    }

    @Test
    void notifyClosingRemovesTheReaderAndWriterCallbacks() throws IOException {
        SocketChannel[] pair = socketPair();
        run(() -> {
            AtomicInteger calls = new AtomicInteger();
            Handle r = loop().addReader(pair[0], calls::incrementAndGet);
            Handle w = loop().addWriter(pair[0], calls::incrementAndGet);
            Lowlevel.notifyClosing(pair[0]);
            assertThat(r.cancelled()).isTrue();
            assertThat(w.cancelled()).isTrue();
            assertThat(loop().removeReader(pair[0])).isFalse();
            assertThat(loop().removeWriter(pair[0])).isFalse();
            write(pair[1], "x");
            letTheLoopRun();
            assertThat(calls).hasValue(0);
        });
    }

    @Test
    void notifyClosingWithoutWaitersDoesNothing() throws IOException {
        Pipe p = pipe();
        run(() -> {
            Lowlevel.notifyClosing(p.source());
            write(p.sink(), "x");
            Aio.timeout(PATIENCE, () -> Lowlevel.waitReadable(p.source()));
        });
    }

    @Test
    void notifyClosingAwayFromTheLoopIsRefused() throws IOException {
        Pipe p = pipe();
        assertThatThrownBy(() -> Lowlevel.notifyClosing(p.source())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("on the loop thread");
    }

    // ================================================================ threads

    @Test
    void registrationsFromAnotherThreadWhileTheLoopRunsAreRefusedNamingTheFix() throws IOException {
        Pipe p = pipe();
        run(() -> {
            EventLoop loop = loop();
            List<Runnable> calls = List.of(
                    () -> loop.addReader(p.source(), () -> { }),
                    () -> loop.removeReader(p.source()),
                    () -> loop.addWriter(p.sink(), () -> { }),
                    () -> loop.removeWriter(p.sink()));
            for (Runnable call : calls) {
                assertThat(thrownOnAnotherThread(call)).isInstanceOf(WrongThreadException.class)
                        .hasMessageContaining("called from 'not-the-loop'")
                        .hasMessageContaining("callSoonThreadsafe");
            }
            assertThat(loop.removeReader(p.source())).isFalse();
            assertThat(loop.removeWriter(p.sink())).isFalse();
            // The fix the message names.
            Future<String> got = loop.createFuture();
            Thread.ofPlatform().start(() -> loop.callSoonThreadsafe(() -> loop.addReader(p.source(), () -> {
                loop.removeReader(p.source());
                got.setResult(readAvailable(p.source()));
            })));
            letTheLoopRun();
            write(p.sink(), "x");
            assertThat(within(got)).isEqualTo("x");
        });
    }

    // ================================================================ descriptors

    /** The number of open file descriptors of this process. */
    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Opens channels, uses them with the loop in every way above, closes them; then the loop closes. */
    private static void useAndCloseChannels() throws IOException {
        Pipe a = Pipe.open();
        Pipe b = Pipe.open();
        Pipe c = Pipe.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open();
        for (SelectableChannel ch : List.of(a.source(), a.sink(), b.source(), b.sink(), c.source(), c.sink(),
                server, client)) {
            ch.configureBlocking(false);
        }
        List<SocketChannel> accepted = new ArrayList<>();
        run(() -> {
            EventLoop loop = loop();
            // a: a callback, removed, then closed.
            Future<Void> fired = loop.createFuture();
            loop.addReader(a.source(), () -> {
                loop.removeReader(a.source());
                fired.setResult(null);
            });
            write(a.sink(), "x");
            within(fired);
            a.source().close();
            a.sink().close();
            // b: a waiting task woken by notifyClosing, then closed.
            Task<Void> waiter = Aio.createTask(Aio.async(() -> Lowlevel.waitReadable(b.source())));
            letTheLoopRun();
            Lowlevel.notifyClosing(b.source());
            b.source().close();
            assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(UncheckedIOException.class);
            // server and client: accept and connect through readiness, then a reader and a writer
            // still registered when the sockets are closed.
            Task<Void> acceptor = Aio.createTask(Aio.async(() -> {
                Lowlevel.waitReadable(server);
                accepted.add(server.accept());
            }));
            client.connect(server.getLocalAddress());
            Aio.timeout(PATIENCE, () -> Lowlevel.waitWritable(client));
            client.finishConnect();
            within(acceptor);
            loop.addReader(client, () -> { });
            loop.addWriter(client, () -> { });
            letTheLoopRun();
            client.close();
            server.close();
            letTheLoopRun();
            // c: registered and closed in the last step before the loop closes.
            loop.addReader(c.source(), () -> { });
            loop.addWriter(c.sink(), () -> { });
            c.source().close();
        });
        b.sink().close();
        c.sink().close();
        for (SocketChannel s : accepted) {
            s.close();
        }
    }

    @Test
    void channelsUsedWithTheLoopLeaveNoDescriptorOpenOnceClosedAndTheLoopClosed() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
        useAndCloseChannels(); // warm-up: classes loaded, JDK-internal descriptors opened once
        long before = openDescriptors();
        for (int i = 0; i < 5; i++) {
            useAndCloseChannels();
        }
        long after = openDescriptors();
        // 5 rounds open 10 channel descriptors and 1-3 selector descriptors each: a leak shows as >= 5.
        BooleanSupplier settled = () -> {
            try {
                return openDescriptors() <= before;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        for (int i = 0; i < 50 && !settled.getAsBoolean(); i++) {
            Thread.sleep(20); // nothing should be asynchronous here, but do not fail on a stray JDK thread
        }
        assertThat(openDescriptors()).as("open descriptors after (first count: %d)", after).isLessThanOrEqualTo(before);
    }
}
