package org.aio4j.examples.docs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.net.ConnectOptions;
import org.aio4j.net.Connection;
import org.aio4j.net.Net;
import org.aio4j.net.Protocol;
import org.aio4j.net.Server;
import org.aio4j.net.StreamPair;
import org.aio4j.net.StreamReader;
import org.aio4j.net.StreamWriter;
import org.aio4j.net.Streams;
import org.aio4j.net.Transport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples of docs/networking.md, on real loopback sockets: if they break, the guide is wrong. */
@Tag("slow")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetworkingGuideTest {

    private static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    private static int port(Server server) throws IOException {
        return ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
    }

    /** The guide's server handler: echoes lines, drops clients idle for {@code idle} seconds. */
    static void echoLines(StreamReader reader, StreamWriter writer, double idle) throws Exception {
        try {
            while (true) {
                byte[] line = Aio.timeout(idle, () -> reader.readline());  // drop idle clients
                if (line.length == 0) {
                    break;                                                // the client closed its side
                }
                writer.write(line);
                writer.drain();
            }
        } finally {
            writer.close();
        }
    }

    @Test
    void aClientTalksToALineEchoServer() {
        run(() -> {
            Server server = Streams.startServer((r, w) -> echoLines(r, w, 30.0), "127.0.0.1", 0);
            int port = port(server);

            StreamPair conn = Streams.openConnection("127.0.0.1", port);
            conn.writer().write("hello\n".getBytes(UTF_8));
            conn.writer().drain();
            byte[] line = Aio.timeout(2.0, () -> conn.reader().readline());   // TimeoutError after 2 s
            conn.writer().close();
            conn.writer().waitClosed();

            assertThat(new String(line, UTF_8)).isEqualTo("hello\n");
            server.close();
            server.closeClients();
            Aio.timeout(5.0, () -> server.waitClosed());
        });
    }

    @Test
    void aConnectTimeoutBoundsTheConnectAndARefusedPortNamesTheAddress() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        int port = closedPort;
        run(() -> assertThatThrownBy(() -> Streams.openConnection("127.0.0.1", port, 64 * 1024,
                ConnectOptions.DEFAULT.withConnectTimeout(1.0)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("127.0.0.1:" + port));
    }

    @Test
    void linesIterateInAPlainForLoopUntilEndOfFile() {
        run(() -> {
            Server server = Streams.startServer((r, w) -> {
                w.write("one\ntwo\nthree\n".getBytes(UTF_8));
                w.drain();
                w.close();
            }, "127.0.0.1", 0);
            StreamPair conn = Streams.openConnection("127.0.0.1", port(server));
            List<String> got = new ArrayList<>();
            for (byte[] line : conn.reader().lines()) {
                got.add(new String(line, UTF_8).strip());
            }
            assertThat(got).containsExactly("one", "two", "three");
            conn.writer().close();
            server.close();
            Aio.timeout(5.0, () -> server.waitClosed());
        });
    }

    @Test
    void anIdleClientIsDroppedByThePerConnectionReadTimeout() {
        run(() -> {
            Server server = Streams.startServer((r, w) -> {
                try {
                    echoLines(r, w, 0.2);
                } catch (TimeoutError expected) {
                    // the slow loris is gone
                }
            }, "127.0.0.1", 0);
            StreamPair conn = Streams.openConnection("127.0.0.1", port(server));
            conn.writer().write("half a li".getBytes(UTF_8));   // and never the newline
            byte[] rest = Aio.timeout(5.0, () -> conn.reader().read(-1));
            assertThat(rest).isEmpty();                          // the server hung up
            conn.writer().close();
            server.close();
            Aio.timeout(5.0, () -> server.waitClosed());
        });
    }

    @Test
    void drainHoldsAWriterToAboutTheHighWatermarkWhileThePeerDoesNotRead() {
        run(() -> {
            Future<StreamReader> parked = Aio.runningLoop().createFuture();
            Future<Void> release = Aio.runningLoop().createFuture();
            Server server = Streams.startServer((r, w) -> {
                parked.setResult(r);
                Aio.await(release);                  // not reading
                while (r.read(65536).length > 0) {
                    // now drain everything
                }
                w.close();
            }, "127.0.0.1", 0);
            StreamPair conn = Streams.openConnection("127.0.0.1", port(server));
            StreamWriter writer = conn.writer();
            byte[] chunk = new byte[16 * 1024];
            Task<Integer> producer = Aio.createTask(Aio.async(() -> {
                int sent = 0;
                for (int i = 0; i < 2000; i++) {        // 32 MiB if nothing held it back
                    writer.write(chunk);
                    writer.drain();                     // waits here while the peer is not reading
                    sent++;
                }
                return sent;
            }));
            Aio.await(parked);
            Aio.sleep(0.5);
            assertThat(producer.done()).isFalse();
            assertThat(writer.transport().getWriteBufferSize()).isLessThanOrEqualTo(64 * 1024 + chunk.length);
            release.setResult(null);
            assertThat(Aio.timeout(30.0, () -> Aio.await(producer))).isEqualTo(2000);
            writer.close();
            server.close();
            Aio.timeout(10.0, () -> server.waitClosed());
        });
    }

    /** The guide's echo protocol. */
    static final class Echo implements Protocol {
        private Transport transport;

        @Override public void connectionMade(Transport t) { transport = t; }
        @Override public void dataReceived(byte[] data) { transport.write(data); }
    }

    @Test
    void theEchoProtocolEchoesWithoutATaskPerConnection() {
        run(() -> {
            Server server = Net.createServer(Echo::new, "127.0.0.1", 0);
            Future<String> answer = Aio.runningLoop().createFuture();
            StringBuilder got = new StringBuilder();
            Connection<Protocol> c = Net.createConnection(() -> new Protocol() {
                @Override public void dataReceived(byte[] data) {
                    got.append(new String(data, UTF_8));
                    if (got.length() == 4) {
                        answer.setResult(got.toString());
                    }
                }
            }, "127.0.0.1", port(server));
            c.transport().write("ping".getBytes(UTF_8));
            assertThat(Aio.waitFor(answer, 5.0)).isEqualTo("ping");
            c.transport().close();
            server.close();
            Aio.timeout(5.0, () -> server.waitClosed());
        });
    }

    @Test
    void aUnixServerRemovesItsSocketFileWhenItCloses() throws IOException {
        Path dir = Files.createTempDirectory("aio4j-guide");
        Path path = dir.resolve("echo.sock");
        run(() -> {
            Server server = Streams.startUnixServer((r, w) -> echoLines(r, w, 30.0), path);
            StreamPair conn = Streams.openUnixConnection(path);
            conn.writer().write("over unix\n".getBytes(UTF_8));
            assertThat(new String(Aio.timeout(5.0, () -> conn.reader().readline()), UTF_8)).isEqualTo("over unix\n");
            conn.writer().close();
            server.close();
            Aio.timeout(5.0, () -> server.waitClosed());
        });
        assertThat(path).doesNotExist();
        Files.deleteIfExists(dir);
    }
}
