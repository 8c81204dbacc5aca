package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.openFds;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.runCollectingErrors;
import static org.aio4j.net.StreamTesting.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.aio4j.Aio;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Streams}' servers and connections on real loopback TCP and Unix sockets: echo, the
 * reader's flow control against a real transport, handler failures, per-connection timeouts, and
 * file descriptors.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamsTest {

    /** Echoes lines until end of file, then closes. */
    static final ClientConnected ECHO_LINES = (r, w) -> {
        for (byte[] line : r.lines()) {
            w.write(line);
            w.drain();
        }
        w.close();
    };

    static int port(Server server) throws IOException {
        return ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
    }

    static void shutdown(Server server) {
        server.close();
        server.closeClients();
        Aio.timeout(PATIENCE, server::waitClosed);
    }

    // ================================================================ basics

    @Test
    void echoOverTcp() {
        run(() -> {
            Server server = Streams.startServer(ECHO_LINES, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            c.writer().write(b("hello\nworld\n"));
            c.writer().drain();
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("hello\n");
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("world\n");
            c.writer().writeEof();
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().read(-1))).isEmpty(); // the server closed after our EOF
            c.writer().close();
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
            shutdown(server);
        });
    }

    @Test
    void echoOverAUnixSocket(@TempDir Path dir) {
        run(() -> {
            Path path = dir.resolve("echo.sock");
            Server server = Streams.startUnixServer(ECHO_LINES, path);
            StreamPair c = Streams.openUnixConnection(path);
            c.writer().write(b("over unix\n"));
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("over unix\n");
            c.writer().close();
            Aio.timeout(PATIENCE, c.writer()::waitClosed);
            shutdown(server);
        });
    }

    @Test
    void zeroOrNegativeLimitIsRejectedBeforeAnythingOpens(@TempDir Path dir) {
        run(() -> {
            assertThatThrownBy(() -> Streams.openConnection("127.0.0.1", 1, 0, ConnectOptions.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
            assertThatThrownBy(() -> Streams.startServer(ECHO_LINES, "127.0.0.1", 0, -1, ServerOptions.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
            assertThatThrownBy(() -> Streams.openUnixConnection(dir.resolve("x"), 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Streams.startUnixServer(ECHO_LINES, dir.resolve("x"), 0, ServerOptions.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class);
        });
    }

    @Test
    void streamsOutsideACoroutineFailWithAClearMessage() {
        assertThatThrownBy(() -> Streams.openConnection("127.0.0.1", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a coroutine");
    }

    @Test
    void openConnectionToAClosedPortThrowsConnectException() {
        run(() -> {
            int free;
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                probe.bind(new InetSocketAddress("127.0.0.1", 0));
                free = ((InetSocketAddress) probe.getLocalAddress()).getPort();
            }
            int p = free;
            assertThatThrownBy(() -> Streams.openConnection("127.0.0.1", p)).isInstanceOf(ConnectException.class);
        });
    }

    // ================================================================ reader flow control on a real transport

    @Test
    void readerPausesTheTransportAboveTwiceTheLimitAndResumesAtTheLimit() {
        run(() -> {
            int limit = 1024;
            Server server = Streams.startServer((r, w) -> {
                w.write(new byte[4 * 1024 * 1024]);
                try {
                    w.drain();
                } catch (ConnectionResetError expected) {
                    return; // the client closes with most of it unread
                }
                r.read(-1);
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server), limit, ConnectOptions.DEFAULT);
            StreamReader r = c.reader();
            Aio.timeout(PATIENCE, () -> {
                while (r.size() <= 2 * limit) {
                    Aio.sleep(0.005);
                }
            });
            Aio.sleep(0.05); // anything the transport still delivered would show here
            assertThat(r.isPaused()).isTrue();
            assertThat(c.writer().transport().isReading()).isFalse();
            // one read per readable event, no more once paused: the rest waits in the kernel and the server
            assertThat(r.size()).isLessThanOrEqualTo(2 * limit + IoBuffers.SIZE);
            while (r.size() > limit) {
                r.read(256);
            }
            assertThat(r.isPaused()).isFalse();
            assertThat(c.writer().transport().isReading()).isTrue();
            c.writer().close();
            shutdown(server);
        });
    }

    @Test
    void readexactlyOfTenTimesTheLimitCompletes() {
        run(() -> {
            int limit = 1024;
            byte[] payload = new byte[10 * limit];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }
            Server server = Streams.startServer((r, w) -> {
                w.write(payload);
                w.drain();
                r.read(-1);
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server), limit, ConnectOptions.DEFAULT);
            assertThat(Aio.timeout(PATIENCE, () -> c.reader().readexactly(10 * limit))).isEqualTo(payload);
            c.writer().close();
            shutdown(server);
        });
    }

    @Test
    void linesIterateOverAConnection() {
        run(() -> {
            Server server = Streams.startServer((r, w) -> {
                w.write(b("a\nbb\nccc"));
                w.close();
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            List<String> lines = new ArrayList<>();
            Aio.timeout(PATIENCE, () -> {
                for (byte[] line : c.reader().lines()) {
                    lines.add(s(line));
                }
            });
            assertThat(lines).containsExactly("a\n", "bb\n", "ccc");
            c.writer().close();
            shutdown(server);
        });
    }

    // ================================================================ handlers

    @Test
    void aHandlerThatThrowsClosesOnlyItsConnectionAndTheServerKeepsServing() {
        List<ExceptionContext> errors = runCollectingErrors(() -> {
            Server server = Streams.startServer((r, w) -> {
                byte[] line = r.readline();
                if (s(line).equals("boom\n")) {
                    throw new IllegalStateException("boom from the handler");
                }
                w.write(line);
                w.drain();
                w.close();
            }, "127.0.0.1", 0);
            StreamPair healthy = Streams.openConnection("127.0.0.1", port(server));
            StreamPair failing = Streams.openConnection("127.0.0.1", port(server));
            failing.writer().write(b("boom\n"));
            assertThat(Aio.timeout(PATIENCE, () -> failing.reader().read(-1))).isEmpty(); // closed by the server
            assertThat(server.isServing()).isTrue();
            healthy.writer().write(b("still here\n"));
            assertThat(s(Aio.timeout(PATIENCE, healthy.reader()::readline))).isEqualTo("still here\n");
            StreamPair later = Streams.openConnection("127.0.0.1", port(server));
            later.writer().write(b("later\n"));
            assertThat(s(Aio.timeout(PATIENCE, later.reader()::readline))).isEqualTo("later\n");
            for (StreamPair p : List.of(healthy, failing, later)) {
                p.writer().close();
            }
            shutdown(server);
        });
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).exception()).hasMessage("boom from the handler");
        assertThat(errors.get(0).message()).contains("stream handler").contains("closed");
    }

    @Test
    void aHandlerThatReturnsLeavesItsConnectionOpen() {
        run(() -> {
            Future<StreamWriter> served = Aio.runningLoop().createFuture();
            Server server = Streams.startServer((r, w) -> {
                w.write(b("hello\n"));
                served.setResult(w);
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("hello\n");
            StreamWriter serverSide = Aio.timeout(PATIENCE, () -> Aio.await(served));
            Aio.sleep(0.05);
            assertThat(serverSide.isClosing()).isFalse();
            assertThat(server.activeConnections()).isEqualTo(1);
            serverSide.write(b("after return\n")); // another task may go on using the streams
            assertThat(s(Aio.timeout(PATIENCE, c.reader()::readline))).isEqualTo("after return\n");
            c.writer().close();
            shutdown(server);
        });
    }

    @Test
    void aSlowLorisClientHoldingAHalfSentLineIsEndedByAPerConnectionReadTimeout() {
        run(() -> {
            AtomicBoolean timedOut = new AtomicBoolean();
            Server server = Streams.startServer((r, w) -> {
                try {
                    byte[] line = Aio.timeout(0.2, r::readline);
                    w.write(line);
                } catch (TimeoutError e) {
                    timedOut.set(true);
                }
                w.close();
            }, "127.0.0.1", 0);
            StreamPair loris = Streams.openConnection("127.0.0.1", port(server));
            loris.writer().write(b("GET / HT")); // and never the rest
            assertThat(Aio.timeout(PATIENCE, () -> loris.reader().read(-1))).isEmpty();
            assertThat(timedOut).isTrue();
            loris.writer().close();
            shutdown(server);
        });
    }

    @Test
    void handlersStillRunningAreCancelledAndTheirConnectionsClosedWhenTheLoopEnds() {
        AtomicInteger closedAfter = new AtomicInteger();
        run(() -> {
            Server server = Streams.startServer((r, w) -> {
                try {
                    r.read(-1);
                } finally {
                    closedAfter.incrementAndGet();
                }
            }, "127.0.0.1", 0);
            StreamPair c = Streams.openConnection("127.0.0.1", port(server));
            Aio.sleep(0.05);
            assertThat(server.activeConnections()).isEqualTo(1);
            c.writer().close();
            Aio.timeout(PATIENCE, () -> {
                while (closedAfter.get() == 0) {
                    Aio.sleep(0.005);
                }
            });
            server.close();
        });
        assertThat(closedAfter).hasValue(1);
    }

    // ================================================================ file descriptors

    /** Clean closes, resets, failing handlers and timeouts; everything shut down at the end. */
    private static void faultScenario() {
        runCollectingErrors(() -> {
            Server server = Streams.startServer((r, w) -> {
                byte[] line = Aio.timeout(1.0, r::readline);
                if (s(line).startsWith("boom")) {
                    throw new IllegalStateException("boom");
                }
                w.write(line);
                w.drain();
                w.close();
            }, "127.0.0.1", 0);
            int port = port(server);
            List<Task<Void>> clients = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int kind = i % 4;
                clients.add(Aio.createTask(Aio.async(() -> {
                    StreamPair c = Streams.openConnection("127.0.0.1", port);
                    switch (kind) {
                        case 0 -> {
                            c.writer().write(b("hi\n"));
                            Aio.timeout(PATIENCE, c.reader()::readline);
                            c.writer().close();
                        }
                        case 1 -> {
                            c.writer().write(b("boom\n"));
                            Aio.timeout(PATIENCE, () -> c.reader().read(-1));
                            c.writer().close();
                        }
                        case 2 -> {
                            SocketChannel ch = (SocketChannel) c.writer().getExtraInfo("socket");
                            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                            c.writer().write(b("half"));
                            c.writer().transport().abort(); // a reset
                        }
                        default -> {
                            c.writer().write(b("never ends"));
                            Aio.timeout(PATIENCE, () -> c.reader().read(-1)); // the server's timeout ends it
                            c.writer().close();
                        }
                    }
                    try {
                        Aio.timeout(PATIENCE, c.writer()::waitClosed);
                    } catch (Exception e) {
                        if (!(e instanceof IOException)) {
                            throw e; // a reset connection reports its IOException here; anything else fails
                        }
                    }
                })));
            }
            Aio.timeout(PATIENCE, () -> Aio.await(Aio.gather(clients)));
            shutdown(server);
        });
    }

    @Test
    void noFileDescriptorLeaksAfterFaults() {
        Assumptions.assumeTrue(openFds() >= 0, "needs /proc/self/fd");
        faultScenario(); // warm up: class loading opens files of its own
        int before = openFds();
        faultScenario();
        int after = openFds();
        assertThat(after).as("open file descriptors after the scenario (before: %d)", before).isLessThanOrEqualTo(before);
    }
}
