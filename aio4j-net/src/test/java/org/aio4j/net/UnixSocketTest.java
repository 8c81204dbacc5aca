package org.aio4j.net;

import static org.aio4j.net.NetTesting.run;
import static org.aio4j.net.NetTesting.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.aio4j.test.OpenDescriptors;

/** Unix domain sockets: {@link Net#createUnixServer}, {@link Net#createUnixConnection} and the socket file's life. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnixSocketTest {

    @TempDir
    Path dir;

    /** Echoes what it receives. */
    static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    @Test
    void aUnixConnectionTalksToAUnixServer() {
        Path path = dir.resolve("echo.sock");
        int before = OpenDescriptors.now();
        run(() -> {
            Server s = Net.createUnixServer(Echo::new, path);
            Connection<Recorder> c = Net.createUnixConnection(Recorder::new, path);
            c.transport().write("over a unix socket".getBytes());
            until("echo", () -> c.protocol().text().equals("over a unix socket"));
            assertThat(c.transport().getExtraInfo("peername")).isInstanceOf(UnixDomainSocketAddress.class);
            c.transport().writeEof();
            until("lost", () -> c.protocol().isLost());
            assertThat(c.protocol().events).containsExactly("made", "data", "eof", "lost");
            s.close();
            s.waitClosed();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void theServerRemovesItsSocketFileOnClose() {
        Path path = dir.resolve("gone.sock");
        run(() -> {
            Server s = Net.createUnixServer(Echo::new, path);
            assertThat(path).exists();
            s.close();
            assertThat(path).doesNotExist();
            s.waitClosed();
        });
    }

    @Test
    void closingDoesNotRemoveAFileSomeoneElseBoundAtThePathSince() {
        Path path = dir.resolve("replaced.sock");
        run(() -> {
            Server s = Net.createUnixServer(Echo::new, path);
            Files.delete(path);
            try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                other.bind(UnixDomainSocketAddress.of(path));
                s.close();
                assertThat(path).exists();
            }
            s.waitClosed();
        });
    }

    @Test
    void aStaleSocketFileIsRemovedBeforeBinding() {
        Path path = dir.resolve("stale.sock");
        run(() -> {
            ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            dead.bind(UnixDomainSocketAddress.of(path));
            dead.close(); // the file stays behind, nobody listens
            assertThat(path).exists();
            Server s = Net.createUnixServer(Echo::new, path);
            Connection<Recorder> c = Net.createUnixConnection(Recorder::new, path);
            c.transport().write("x".getBytes());
            until("echo", () -> c.protocol().text().equals("x"));
            c.transport().close();
            s.close();
            s.closeClients();
            s.waitClosed();
        });
    }

    @Test
    void aLiveServersSocketFileIsRefusedAndLeftAlone() {
        Path path = dir.resolve("live.sock");
        int before = OpenDescriptors.now();
        run(() -> {
            try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                live.bind(UnixDomainSocketAddress.of(path));
                assertThatThrownBy(() -> Net.createUnixServer(Echo::new, path))
                        .isInstanceOf(BindException.class).hasMessageContaining(path.toString())
                        .hasMessageContaining("listening");
                assertThat(path).exists();
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    assertThat(probe.isConnected()).isTrue();
                }
                live.accept().close(); // the refused bind's probe
                live.accept().close();
            }
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aLiveServerWithAFullBacklogIsRefusedWithoutHangingTheLoop() {
        Path path = dir.resolve("busy.sock");
        run(() -> {
            java.util.List<SocketChannel> fillers = new java.util.ArrayList<>();
            try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                live.bind(UnixDomainSocketAddress.of(path), 1);
                for (int i = 0; i < 4; i++) {
                    SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                    c.configureBlocking(false);
                    try {
                        c.connect(UnixDomainSocketAddress.of(path));
                    } catch (IOException full) {
                        // the backlog is full: that is the point
                    }
                    fillers.add(c);
                }
                org.aio4j.Task<Void> ticker = org.aio4j.Aio.createTask(org.aio4j.Aio.async(() -> NetTesting.idle(0.01)));
                assertThatThrownBy(() -> org.aio4j.Aio.timeout(2.0, () -> Net.createUnixServer(Echo::new, path)))
                        .isInstanceOf(BindException.class).hasMessageContaining("listening");
                org.aio4j.Aio.await(ticker);
                assertThat(path).exists();
            } finally {
                for (SocketChannel c : fillers) {
                    c.close();
                }
            }
        });
    }

    @Test
    void aFileThatIsNotASocketIsABindExceptionAndIsKept() throws IOException {
        Path path = dir.resolve("plain-file");
        Files.writeString(path, "data");
        run(() -> assertThatThrownBy(() -> Net.createUnixServer(Echo::new, path)).isInstanceOf(BindException.class)
                .hasMessageContaining(path.toString()));
        assertThat(Files.readString(path)).isEqualTo("data");
    }

    @Test
    void aPathOver107BytesIsRejectedWithTheLimit() {
        Path tooLong = dir.resolve("x".repeat(120));
        run(() -> {
            assertThatThrownBy(() -> Net.createUnixServer(Echo::new, tooLong))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("107");
            assertThatThrownBy(() -> Net.createUnixConnection(Recorder::new, tooLong))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("107");
        });
    }

    @Test
    void connectingToAMissingPathNamesThePath() {
        Path path = dir.resolve("nobody.sock");
        int before = OpenDescriptors.now();
        run(() -> assertThatThrownBy(() -> Net.createUnixConnection(Recorder::new, path))
                .isInstanceOf(IOException.class).hasMessageContaining(path.toString()));
        OpenDescriptors.assertNoLeak(before);
    }
}
