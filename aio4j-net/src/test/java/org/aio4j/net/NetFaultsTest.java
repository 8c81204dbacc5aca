package org.aio4j.net;

import static org.aio4j.net.NetTesting.PATIENCE;
import static org.aio4j.net.NetTesting.idle;
import static org.aio4j.net.NetTesting.loopback;
import static org.aio4j.net.NetTesting.pattern;
import static org.aio4j.net.NetTesting.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.aio4j.Aio;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.net.FaultFixture.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.aio4j.test.OpenDescriptors;

/**
 * Faults a server must survive, over TCP and Unix sockets. Every fault test counts the process's
 * descriptors before and after (no leak) and ends by checking that the same server still serves a
 * fresh client; the tests that close the server on purpose end by serving a fresh client on a new
 * server at the same address instead. Misuse of the API is answered by an exception that says what
 * was wrong.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetFaultsTest {
    @TempDir
    Path dir;

    /** The body of a fault test: the fault, with the fixture's server up. */
    @FunctionalInterface
    interface FaultBody {
        void run(FaultFixture f) throws Exception;
    }

    /**
     * Runs {@code body} on a new loop, then checks that the server still serves a fresh client, shuts
     * everything down and checks that no descriptor leaked; returns what the loop's exception handler got.
     */
    private List<ExceptionContext> fault(Kind kind, FaultBody body) {
        List<ExceptionContext> reports = Collections.synchronizedList(new ArrayList<>());
        int before = OpenDescriptors.now();
        NetTesting.run(() -> {
            Aio.runningLoop().setExceptionHandler((loop, ctx) -> reports.add(ctx));
            FaultFixture f = new FaultFixture(kind, dir);
            try {
                body.run(f);
                f.assertServesAFreshClient();
            } finally {
                f.shutdown();
            }
        });
        OpenDescriptors.assertNoLeak(before);
        return reports;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static <T> T await(Future<T> f) {
        return Aio.timeout(PATIENCE, () -> Aio.await(f));
    }

    // ================================================================ resets

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPeerResetWhileTheHandlerWaitsInReadlineFailsTheReadWithIOException(Kind kind) {
        fault(kind, f -> {
            Future<Throwable> outcome = Aio.runningLoop().createFuture();
            f.streamServer((r, w) -> {
                w.write(b("welcome\n")); // never read by the client (for a Unix socket that makes the close a reset)
                try {
                    r.readline();
                    outcome.setResult(null);
                } catch (IOException e) {
                    outcome.setResult(e);
                }
                w.close();
            });
            Peer c = f.rawClient();
            c.send("half a li");
            until("accepted", () -> f.server.activeConnections() == 1);
            idle(0.05); // the handler has the half line and waits for the rest
            f.reset(c);
            assertThat(await(outcome)).isInstanceOf(IOException.class);
            until("the connection is gone", () -> f.server.activeConnections() == 0);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPeerResetWhileTheTransportHasQueuedDataLosesTheConnectionOnceWithTheIOException(Kind kind) {
        fault(kind, f -> {
            List<Recorder> made = new ArrayList<>();
            f.protocolServer(() -> {
                Recorder r = new Recorder();
                r.onMade = t -> t.write(pattern(8 << 20)); // more than the socket buffers take
                made.add(r);
                return r;
            });
            Peer c = f.rawClient();
            until("queued", () -> !made.isEmpty() && made.get(0).transport.getWriteBufferSize() > 0);
            c.readUntil(1000); // the client takes a little, then resets mid-transfer
            f.reset(c);
            Recorder r = made.get(0);
            until("lost", r::isLost);
            idle(0.02);
            assertThat(r.lost).isEqualTo(1);
            assertThat(r.lostWith).isInstanceOf(IOException.class);
            if (kind == Kind.TCP) {
                assertThat(r.events).containsExactly("made", "pause", "lost");
            } else {
                // a Unix socket may show the close as end of file first; the failing write still loses it
                assertThat(r.events).isIn(List.of("made", "pause", "lost"), List.of("made", "pause", "eof", "lost"));
            }
            assertThat(r.transport.getWriteBufferSize()).isZero();
        });
    }

    // ================================================================ half-close

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theServerKeepsWritingAfterTheClientsWriteEofAndEveryByteArrives(Kind kind) {
        int chunk = 64 * 1024;
        int after = 16;
        fault(kind, f -> {
            f.streamServer((r, w) -> {
                w.write(pattern(chunk));
                w.drain();
                byte[] request = r.read(-1); // until the client's half-close
                for (int i = 0; i < after; i++) {
                    w.write(pattern(chunk));
                    w.drain();
                }
                w.write(b("got " + request.length + "\n"));
                w.close();
            });
            StreamPair c = f.streamClient();
            c.writer().write(b("request"));
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().readexactly(chunk))).isEqualTo(pattern(chunk));
            c.writer().writeEof();
            byte[] rest = Aio.timeout(PATIENCE, () -> c.reader().read(-1));
            assertThat(rest.length).isEqualTo(after * chunk + "got 7\n".length());
            assertThat(Arrays.copyOfRange(rest, 0, chunk)).isEqualTo(pattern(chunk));
            assertThat(s(Arrays.copyOfRange(rest, after * chunk, rest.length))).isEqualTo("got 7\n");
            // both directions ended, but a stream keeps its transport after EOF (as asyncio): close it
            assertThat(c.writer().isClosing()).isFalse();
            c.writer().close();
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theClientKeepsWritingAfterTheServersWriteEofAndEveryByteArrives(Kind kind) {
        int total = 1 << 20;
        fault(kind, f -> {
            Future<Integer> received = Aio.runningLoop().createFuture();
            f.streamServer((r, w) -> {
                w.write(b("bye\n"));
                w.writeEof();
                received.setResult(r.read(-1).length);
                w.close();
            });
            StreamPair c = f.streamClient();
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("bye\n");
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().read(-1))).isEmpty();
            assertThat(c.writer().isClosing()).isFalse(); // half-open: still writable
            byte[] data = pattern(64 * 1024);
            for (int sent = 0; sent < total; sent += data.length) {
                c.writer().write(data);
                Aio.timeout(PATIENCE, c.writer()::drain);
            }
            c.writer().writeEof();
            assertThat(await(received)).isEqualTo(total);
            c.writer().close(); // reading stopped at the server's EOF: its later close is not seen here
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
        });
    }

    // ================================================================ slow and hostile clients

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClientThatNeverReadsHoldsTheWriterAtTheHighWatermarkInDrain(Kind kind) {
        fault(kind, f -> {
            int chunk = 16 * 1024;
            long[] written = {0};
            long[] maxQueued = {0};
            Future<StreamWriter> writer = Aio.runningLoop().createFuture();
            Future<Throwable> ended = Aio.runningLoop().createFuture();
            f.streamServer((r, w) -> {
                writer.setResult(w);
                byte[] data = new byte[chunk];
                try {
                    while (true) {
                        w.write(data);
                        written[0] += chunk;
                        maxQueued[0] = Math.max(maxQueued[0], w.transport().getWriteBufferSize());
                        w.drain();
                    }
                } catch (IOException e) {
                    ended.setResult(e);
                }
                w.close();
            });
            Peer c = f.rawClient();
            StreamWriter w = await(writer);
            long high = w.transport().getWriteBufferLimits().high();
            until("the writer waits in drain", () -> w.drainWaiters() == 1);
            idle(0.1);
            long stopped = written[0];
            idle(0.2);
            assertThat(written[0]).as("bytes written while the client reads nothing").isEqualTo(stopped);
            assertThat(w.drainWaiters()).isEqualTo(1);
            assertThat(w.transport().getWriteBufferSize()).isGreaterThan(high);
            assertThat(maxQueued[0]).as("the transport's queue stays flat").isLessThanOrEqualTo(high + chunk);
            f.reset(c); // unread data on both kinds: a reset
            assertThat(await(ended)).isInstanceOf(IOException.class);
            until("the connection is gone", () -> f.server.activeConnections() == 0);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aLineLongerThanTheLimitIsRefusedWithLimitOverrunError(Kind kind) {
        fault(kind, f -> {
            f.server = f.streamServer((r, w) -> {
                try {
                    r.readline();
                    w.write(b("accepted\n"));
                } catch (LimitOverrunError e) {
                    w.write(b("refused: " + e.getMessage() + "\n"));
                }
                w.close();
            }, 1024, ServerOptions.DEFAULT);
            StreamPair c = f.streamClient();
            byte[] line = new byte[5000];
            Arrays.fill(line, (byte) 'x');
            line[line.length - 1] = '\n';
            c.writer().write(line);
            String answer = s(Aio.timeout(PATIENCE, c.reader()::readline));
            assertThat(answer).startsWith("refused: ").contains("limit");
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().read(-1))).isEmpty();
            c.writer().close();
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSlowLorisClientHoldingAHalfSentLineIsEndedByThePerConnectionReadTimeout(Kind kind) {
        fault(kind, f -> {
            Future<Boolean> timedOut = Aio.runningLoop().createFuture();
            f.streamServer((r, w) -> {
                try {
                    w.write(Aio.timeout(0.2, r::readline));
                    timedOut.setResult(false);
                } catch (TimeoutError e) {
                    timedOut.setResult(true);
                }
                w.close();
            });
            StreamPair loris = f.streamClient();
            loris.writer().write(b("GET / HT")); // and never the rest
            assertThat(Aio.timeout(PATIENCE, () -> loris.reader().read(-1))).isEmpty();
            assertThat(await(timedOut)).isTrue();
            loris.writer().close();
            until("the connection is gone", () -> f.server.activeConnections() == 0);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aThousandConnectionsOpenedAndDroppedAtOnceAllEndAndLeakNothing(Kind kind) {
        int n = 1000;
        fault(kind, f -> {
            AtomicInteger started = new AtomicInteger();
            AtomicInteger ended = new AtomicInteger();
            f.streamServer((r, w) -> {
                started.incrementAndGet();
                try {
                    r.read(-1);
                } catch (IOException reset) {
                    // half of them reset: an expected end
                } finally {
                    ended.incrementAndGet();
                    w.close();
                }
            }, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULT.withBacklog(n + 24));
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    SocketChannel c = kind == Kind.TCP ? SocketChannel.open() : SocketChannel.open(StandardProtocolFamily.UNIX);
                    clients.add(c);
                    c.configureBlocking(false);
                    c.connect(kind == Kind.TCP ? loopback(f.port()) : f.address());
                }
                until("all handlers started", () -> started.get() == n);
                assertThat(f.server.activeConnections()).isEqualTo(n);
                for (int i = 0; i < n; i++) {
                    SocketChannel c = clients.get(i);
                    if (i % 2 == 0 && kind == Kind.TCP) {
                        c.setOption(StandardSocketOptions.SO_LINGER, 0); // RST
                    }
                    c.close();
                }
            } finally {
                for (SocketChannel c : clients) {
                    c.close();
                }
            }
            until("all handlers ended", () -> ended.get() == n);
            until("all connections gone", () -> f.server.activeConnections() == 0);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aThrowingHandlerOrProtocolIsReportedAndEndsOnlyItsConnection(Kind kind) {
        List<ExceptionContext> streamReports = fault(kind, f -> {
            f.streamServer((r, w) -> {
                r.readline();
                throw new IllegalStateException("boom from the handler");
            });
            StreamPair c = f.streamClient();
            c.writer().write(b("go\n"));
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().read(-1))).isEmpty(); // closed by the server
            c.writer().close();
        });
        assertThat(streamReports).hasSize(1);
        assertThat(streamReports.get(0).exception()).hasMessage("boom from the handler");
        assertThat(streamReports.get(0).message()).contains("stream handler").contains("closed");

        List<ExceptionContext> protocolReports = fault(kind, f -> {
            f.protocolServer(() -> new Protocol() {
                @Override
                public void dataReceived(byte[] data) {
                    throw new IllegalStateException("boom from dataReceived");
                }
            });
            StreamPair c = f.streamClient();
            c.writer().write(b("go\n"));
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().read(-1))).isEmpty();
            c.writer().close();
        });
        assertThat(protocolReports).hasSize(1);
        assertThat(protocolReports.get(0).exception()).hasMessage("boom from dataReceived");
        assertThat(protocolReports.get(0).message()).contains("dataReceived");
    }

    // ================================================================ connecting

    @ParameterizedTest
    @EnumSource(Kind.class)
    void connectingToAClosedPortOrADeadSocketFileIsRefusedNamingTheAddress(Kind kind) {
        fault(kind, f -> {
            f.protocolServer(FaultFixture.Echo::new);
            if (kind == Kind.TCP) {
                int port;
                try (ServerSocketChannel l = ServerSocketChannel.open()) {
                    l.bind(loopback(0));
                    port = ((InetSocketAddress) l.getLocalAddress()).getPort();
                }
                assertThatThrownBy(() -> Net.createConnection(Recorder::new, "127.0.0.1", port))
                        .isInstanceOf(ConnectException.class).hasMessageContaining("127.0.0.1:" + port)
                        .hasMessageContaining("refused");
                assertThatThrownBy(() -> Streams.openConnection("127.0.0.1", port)).isInstanceOf(ConnectException.class);
            } else {
                Path dead = dir.resolve("dead.sock");
                try (ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    l.bind(UnixDomainSocketAddress.of(dead)); // closed below, its file left behind
                }
                assertThatThrownBy(() -> Net.createUnixConnection(Recorder::new, dead))
                        .isInstanceOf(ConnectException.class).hasMessageContaining(dead.toString())
                        .hasMessageContaining("refused");
                assertThatThrownBy(() -> Streams.openUnixConnection(dead)).isInstanceOf(ConnectException.class);
            }
        });
    }

    @Test
    void connectingToAListenerThatNeverAnswersTimesOutAndLeaksNothing() {
        fault(Kind.TCP, f -> {
            f.protocolServer(FaultFixture.Echo::new);
            // A listener that never accepts, its backlog full: the kernel drops further SYNs.
            List<SocketChannel> fillers = new ArrayList<>();
            try (ServerSocketChannel l = ServerSocketChannel.open()) {
                l.bind(loopback(0), 1);
                int port = ((InetSocketAddress) l.getLocalAddress()).getPort();
                for (int i = 0; i < 8; i++) {
                    SocketChannel c = SocketChannel.open();
                    fillers.add(c);
                    c.configureBlocking(false);
                    c.connect(l.getLocalAddress());
                }
                assertThatThrownBy(() -> Net.createConnection(Recorder::new, "127.0.0.1", port,
                        ConnectOptions.DEFAULT.withConnectTimeout(0.2))).isInstanceOf(TimeoutError.class);
                assertThatThrownBy(() -> Streams.openConnection("127.0.0.1", port, StreamReader.DEFAULT_LIMIT,
                        ConnectOptions.DEFAULT.withConnectTimeout(0.2))).isInstanceOf(TimeoutError.class);
            } finally {
                for (SocketChannel c : fillers) {
                    c.close();
                }
            }
        });
    }

    /**
     * A Unix listener with a full backlog does not leave a connect pending as TCP does: the kernel
     * answers the non-blocking connect with EAGAIN at once, so the connect fails fast with an
     * IOException naming the path (no timeout needed).
     */
    @Test
    void connectingToAUnixListenerWithAFullBacklogFailsAtOnceNamingThePath() {
        fault(Kind.UNIX, f -> {
            f.protocolServer(FaultFixture.Echo::new);
            Path busy = dir.resolve("busy.sock");
            List<SocketChannel> fillers = new ArrayList<>();
            try (ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                l.bind(UnixDomainSocketAddress.of(busy), 1);
                for (int i = 0; i < 4; i++) {
                    SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                    fillers.add(c);
                    c.configureBlocking(false);
                    try {
                        c.connect(UnixDomainSocketAddress.of(busy));
                    } catch (IOException full) {
                        // the backlog is full: that is the point
                    }
                }
                assertThatThrownBy(() -> Aio.timeout(2.0, () -> Net.createUnixConnection(Recorder::new, busy)))
                        .isInstanceOf(IOException.class).hasMessageContaining(busy.toString());
            } finally {
                for (SocketChannel c : fillers) {
                    c.close();
                }
            }
        });
    }

    // ================================================================ closing a server with clients

    enum Level { PROTOCOL, STREAM }

    enum Ending { CLOSE_CLIENTS, ABORT_CLIENTS }

    static Stream<Arguments> closings() {
        List<Arguments> out = new ArrayList<>();
        for (Kind k : Kind.values()) {
            for (Level l : Level.values()) {
                for (Ending e : Ending.values()) {
                    out.add(Arguments.of(k, l, e));
                }
            }
        }
        return out.stream();
    }

    /**
     * close() stops accepting but the connections go on; waitClosed() waits for them;
     * closeClients() sends what is queued, then closes; abortClients() drops it. The end check is on
     * a new server at the same address, since this one is closed on purpose.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("closings")
    void closingTheServerWithClientsConnectedEndsThemAndWaitClosedWaits(Kind kind, Level level, Ending ending) {
        int big = 4 << 20;
        int before = OpenDescriptors.now();
        NetTesting.run(() -> {
            FaultFixture f = new FaultFixture(kind, dir);
            try {
                List<Transport> serverSides = new ArrayList<>();
                AtomicInteger handlersEnded = new AtomicInteger();
                if (level == Level.PROTOCOL) {
                    f.protocolServer(() -> new FaultFixture.Echo() {
                        @Override
                        public void connectionMade(Transport t) {
                            super.connectionMade(t);
                            serverSides.add(t);
                        }
                    });
                } else {
                    f.streamServer((r, w) -> {
                        serverSides.add(w.transport());
                        try {
                            FaultFixture.ECHO_LINES.handle(r, w);
                        } finally {
                            handlersEnded.incrementAndGet();
                        }
                    });
                }
                List<StreamPair> clients = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    StreamPair c = f.streamClient();
                    c.writer().write(b("hello " + i + "\n"));
                    assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("hello " + i + "\n");
                    clients.add(c);
                }
                Server s = f.server;
                s.close();
                assertThat(s.isServing()).isFalse();
                assertThatThrownBy(f::streamClient).isInstanceOf(IOException.class);
                // the connections go on after close()
                clients.get(0).writer().write(b("still here\n"));
                assertThat(s(Aio.timeout(PATIENCE, clients.get(0).reader()::readline))).isEqualTo("still here\n");
                assertThat(s.activeConnections()).isEqualTo(3);
                Task<Void> waiting = Aio.createTask(Aio.async(s::waitClosed));
                idle(0.05);
                assertThat(waiting.done()).as("waitClosed() waits for the connections").isFalse();
                // a big reply queued on each server side, the clients not reading yet
                for (Transport t : serverSides) {
                    t.write(pattern(big));
                }
                if (ending == Ending.CLOSE_CLIENTS) {
                    s.closeClients();
                    for (StreamPair c : clients) {
                        byte[] got = Aio.timeout(PATIENCE, () -> c.reader().read(-1));
                        assertThat(got.length).as("closeClients sends what was queued").isEqualTo(big);
                    }
                } else {
                    s.abortClients();
                    for (StreamPair c : clients) {
                        try {
                            Aio.timeout(PATIENCE, () -> c.reader().read(-1)); // EOF after what was in flight
                        } catch (Exception reset) {
                            // the server side dropped unread data: a reset is as good an end
                            if (!(reset instanceof IOException)) {
                                throw reset;
                            }
                        }
                    }
                }
                Aio.timeout(PATIENCE, () -> Aio.await(waiting));
                assertThat(s.activeConnections()).isZero();
                if (level == Level.STREAM) {
                    until("every handler ended", () -> handlersEnded.get() == 3);
                }
                for (StreamPair c : clients) {
                    c.writer().close();
                }
                f.reopen();
                f.assertServesAFreshClient();
            } finally {
                f.shutdown();
            }
        });
        OpenDescriptors.assertNoLeak(before);
    }

    // ================================================================ misuse

    @Test
    void writingToAClosedStreamWriterThrowsSayingItIsClosed() {
        fault(Kind.TCP, f -> {
            f.streamServer(FaultFixture.ECHO_LINES);
            StreamPair c = f.streamClient();
            c.writer().close();
            assertThatThrownBy(() -> c.writer().write(b("late\n"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("write() after close()");
            assertThatThrownBy(() -> c.writer().writelines(List.of(b("late\n")))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writelines() after close()");
            StreamPair d = f.streamClient();
            d.writer().writeEof();
            assertThatThrownBy(() -> d.writer().write(b("late\n"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("after writeEof()");
            d.writer().close();
        });
    }

    /**
     * Reading at end of file is not an error for read() and readline() (they return what is left, then
     * an empty array, as asyncio); the reads that need more bytes than there are say how many they got;
     * feeding data after the end is an error.
     */
    @Test
    void readingAfterFeedEofReturnsWhatIsLeftThenSaysWhatIsMissing() {
        NetTesting.run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(b("ab"));
            r.feedEof();
            assertThatThrownBy(() -> r.feedData(b("c"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("feedData() after feedEof()");
            assertThatThrownBy(() -> r.readexactly(3)).isInstanceOf(IncompleteReadError.class)
                    .hasMessage("2 bytes read on a total of 3 expected bytes");
            assertThat(r.read(-1)).isEmpty(); // readexactly consumed the partial bytes, as asyncio
            assertThat(r.readline()).isEmpty();
            assertThatThrownBy(() -> r.readuntil(b("\n"))).isInstanceOf(IncompleteReadError.class)
                    .hasMessage("0 bytes read on a total of undefined expected bytes");
            assertThat(r.atEof()).isTrue();
        });
    }

    @Test
    void startServingOrServeForeverAfterCloseAndServeForeverTwiceThrowSayingWhy() {
        fault(Kind.TCP, f -> {
            f.protocolServer(FaultFixture.Echo::new);
            Task<Void> serving = Aio.createTask(Aio.async(f.server::serveForever));
            idle(0.02);
            assertThatThrownBy(f.server::serveForever).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("serveForever() is already running");
            serving.cancel();
            Server dead = Net.createServer(FaultFixture.Echo::new, "127.0.0.1", 0);
            dead.close();
            assertThatThrownBy(dead::startServing).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("startServing() on a closed server");
            assertThatThrownBy(dead::serveForever).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("serveForever() on a closed server");
            Aio.timeout(PATIENCE, dead::waitClosed);
            try {
                Aio.timeout(PATIENCE, () -> Aio.await(serving));
            } catch (org.aio4j.CancelledError expected) {
                // serveForever ends by its cancellation and closes its server
            }
            f.reopen(); // serveForever closed the fixture's server: check the survivor check on a new one
        });
    }
}
